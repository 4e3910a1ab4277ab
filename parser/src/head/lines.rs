//! Header lines: the loop over lines of the common shape, and where it
//! hands a line to the general grammar.

use core::marker::PhantomData;

use super::finders::{BlockStops, ScalarStops, ShortStops, Stops};
use crate::config::{ObsFold, ParserConfig};
use crate::error::{Error, ErrorKind};
use crate::grammar::{self, Step};
use crate::simd::dispatch::{self, Cpu, Routine};
use crate::storage::{FreeSlots, Slot, Storage};
use crate::Header;

/// Parses the header lines from `pos` up to and including the empty line that ends the
/// head; returns the position after it. Common lines take the fast loop of
/// the active backend, the rest [`grammar::header_lines`].
#[inline(always)]
pub(super) fn header_lines<'b, T: Slot<'b>>(
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    headers: &mut Storage<'_, T>,
) -> Step<usize> {
    dispatch::run::<HeaderLines<'_, '_, T>>(config, buf, pos, headers, ())
}

/// [`header_lines`] as a [`Routine`].
struct HeaderLines<'s, 'h, T>(PhantomData<&'s mut Storage<'h, T>>);

impl<'b, 's, 'h, T: Slot<'b>> Routine<'b> for HeaderLines<'s, 'h, T> {
    type Storage = &'s mut Storage<'h, T>;
    type Answer = ();
    type Output = Step<usize>;

    #[inline(always)]
    fn run<B: Cpu>(
        cpu: B,
        config: &ParserConfig,
        buf: &'b [u8],
        pos: usize,
        headers: Self::Storage,
        (): (),
    ) -> Self::Output {
        // A limit of 0: never inline (at least one byte follows `pos` when
        // the loop runs), as the general grammar's start line came first.
        match fast_lines::<B, T, 0>(cpu, buf, pos, config, headers) {
            Stop::End(end) => Ok(Some(end)),
            Stop::Full(at) => Err(Error::new(ErrorKind::TooManyHeaders, at)),
            Stop::ToGrammar(at) => grammar::header_lines(buf, at, config, headers, at == pos),
        }
    }
}

/// The longest buffer, from its first header line on, for which a header
/// block's routine runs the header loop inline (the buffer holds the block
/// and whatever the caller passed after it). Longer blocks have more lines,
/// which run faster in the loop's own function, with its registers (the
/// 10-header benchmark block ran slower inline).
pub(super) const INLINE_BLOCK_MAX: usize = 128;

/// [`INLINE_BLOCK_MAX`] for the header lines after a request or status
/// line, whose values compete with the loop's for registers. Inline, a
/// request with one `Host` line runs faster, and one with no header line
/// slower, though it returns before the loop (its routine saves more
/// registers). A limit of 128 measured no better than 64, and worse once
/// heads under a block had [`ShortStops`]: the requests with one and two
/// realistic headers slowed down, though their own path did not change
/// (the code around it in the routine's function did).
pub(super) const INLINE_AFTER_LINE_MAX: usize = 64;

/// Runs the fast path's part of the header lines from `pos`; returns where
/// it stopped.
/// [`Stop::ToGrammar`] at `pos` itself when the configuration or the buffer
/// leaves them all to the general grammar. Up to `INLINE_MAX` bytes from
/// `pos` to the buffer's end, a vector backend runs the header loop inline
/// ([`header_loop_inline`]), not in its own function ([`HeaderLoop`]).
#[inline(always)]
pub(super) fn fast_lines<'b, B: Cpu, T: Slot<'b>, const INLINE_MAX: usize>(
    cpu: B,
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    headers: &mut Storage<'_, T>,
) -> Stop {
    if buf.get(pos..).and_then(|s| s.first_chunk::<2>()) == Some(b"\r\n") {
        return Stop::End(pos + 2);
    }
    if config.obs_fold == ObsFold::Span || pos >= buf.len() {
        return Stop::ToGrammar(pos);
    }
    headers.batch(
        #[inline(always)]
        |free| {
            if B::CLASSIFIES && buf.len() - pos <= INLINE_MAX {
                header_loop_inline(cpu, buf, pos, config, free)
            } else {
                dispatch::run_with::<B, HeaderLoop<'_, T>>(cpu, config, buf, pos, free, ())
            }
        },
    )
}

/// [`header_loop`] inline in its caller, which runs with `cpu`'s target
/// features: for a few short header lines (see [`INLINE_BLOCK_MAX`]), this
/// saves the loop function's entry and exit. A buffer under a block is
/// classified whole ([`ShortStops`]), a longer one from the block that holds
/// `pos` ([`BlockStops::new_at`]).
#[inline(always)]
fn header_loop_inline<'b, 's, B: Cpu, T: Slot<'b>>(
    cpu: B,
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    free: FreeSlots<'s, T>,
) -> (Stop, FreeSlots<'s, T>) {
    if buf.len() < 64 {
        header_loop(buf, pos, config, free, &mut ShortStops::new(cpu, buf))
    } else {
        header_loop(buf, pos, config, free, &mut BlockStops::new_at(cpu, buf, pos))
    }
}

/// [`header_loop`] in a function of its own per backend
/// ([`dispatch::run_with`]), called once per head: the loop's values then
/// have the registers to themselves. (rustc 1.95 does not pass
/// `#[inline(never)]` on to LLVM for a `#[target_feature]` function; LLVM
/// keeps the x86 ones out of line for their size, which the profiles of the
/// `count` example show. A compiler that inlined them would change the
/// loop's registers.) The scalar backend walks field scans
/// ([`ScalarStops`]); the vector ones walk blocks, on x86 from the block at
/// 0 or 64 ([`BlockStops::new_near`]), on aarch64 from the block at `pos`,
/// classified in the first query ([`Cpu::EARLY_BLOCK`]).
struct HeaderLoop<'s, T>(PhantomData<FreeSlots<'s, T>>);

impl<'b, 's, T: Slot<'b>> Routine<'b> for HeaderLoop<'s, T> {
    type Storage = FreeSlots<'s, T>;
    type Answer = ();
    type Output = (Stop, FreeSlots<'s, T>);

    #[inline(always)]
    fn run<B: Cpu>(
        cpu: B,
        config: &ParserConfig,
        buf: &'b [u8],
        pos: usize,
        free: Self::Storage,
        (): (),
    ) -> Self::Output {
        if !B::CLASSIFIES {
            header_loop(buf, pos, config, free, &mut ScalarStops::new(buf))
        } else if B::EARLY_BLOCK {
            header_loop(buf, pos, config, free, &mut BlockStops::new_near(cpu, buf, pos))
        } else {
            header_loop(buf, pos, config, free, &mut BlockStops::new(cpu, buf))
        }
    }
}

/// Runs the loop over common header lines: `name ":" [SP] value CRLF` with a
/// non-empty name, value bytes only, and both within their limits. Stops at
/// the empty line that ends the head, at a header with no slot left, or at
/// the first other line (for [`grammar::header_lines`]).
#[inline(always)]
fn header_loop<'b, 's, T: Slot<'b>, F: Stops>(
    buf: &'b [u8],
    mut pos: usize,
    config: &ParserConfig,
    mut slots: FreeSlots<'s, T>,
    stops: &mut F,
) -> (Stop, FreeSlots<'s, T>) {
    // One limit for the hot path: a line no longer than both limits has a
    // name and a value within theirs. (Read once, too: the stores to the
    // header slots could alias `config` for all the compiler knows.)
    let line_limit = config.max_name_len.min(config.max_value_len);
    let stop = loop {
        let (name_end, value_end) = stops.line_ends(pos);
        // An empty name: the empty line that ends the head, or a line for
        // the grammar.
        if name_end <= pos {
            if buf.get(pos..).and_then(|s| s.first_chunk::<2>()) == Some(b"\r\n") {
                break Stop::End(pos + 2);
            }
            break Stop::ToGrammar(pos);
        }
        if let Some(header) = plain_line(buf, pos, name_end, value_end) {
            // (A plain value has no leading OWS to leave out of its length.)
            if value_end - pos > line_limit && !within_limits(header.name, header.value, config) {
                break Stop::ToGrammar(pos);
            }
            if !slots.push(header) {
                break Stop::Full(pos);
            }
            pos = value_end + 2;
            continue;
        }
        let header = match other_line(buf, pos, name_end, value_end, config) {
            Ok(header) => header,
            Err(stop) => break stop,
        };
        if !slots.push(header) {
            break Stop::Full(pos);
        }
        pos = value_end + 2;
    };
    (stop, slots)
}

/// Returns the header on the line from `pos` when it has the usual shape: a
/// non-empty name, `": "`, a value that neither starts nor ends with OWS,
/// and CRLF. `name_end` and `value_end` are the line's stops
/// ([`Stops::line_ends`]). Any other line is `None`, for [`other_line`].
/// The caller checks the limits.
///
/// Everything is taken from one slice, `pos..value_end + 2`, split at the
/// name's end and then by fixed lengths at both ends, so that its length
/// bounds every index: written with positions in `buf` instead
/// (`buf[name_end]`, `buf[value_end..]`), the compiler kept a bounds
/// check for each, as it cannot tell that the positions are in order.
#[inline(always)]
fn plain_line(buf: &[u8], pos: usize, name_end: usize, value_end: usize) -> Option<Header<'_>> {
    let line = buf.get(pos..value_end.wrapping_add(2))?;
    let (name, rest) = line.split_at_checked(name_end.wrapping_sub(pos))?;
    let (colon_sp, rest) = rest.split_first_chunk::<2>()?;
    let (value, crlf) = rest.split_last_chunk::<2>()?;
    let (&first, &last) = (value.first()?, value.last()?);
    let plain = !name.is_empty()
        && *colon_sp == *b": "
        && *crlf == *b"\r\n"
        // A value holds no control byte but HTAB, so its ends are OWS
        // exactly when they are at most SP.
        && (first > b' ') & (last > b' ');
    plain.then_some(Header { name, value })
}

/// [`header_loop`]'s line when [`plain_line`] does not take it: the header
/// on a line with other OWS, or the reason the loop stops there. Cold, so
/// that it stays out of the loop and the loop's registers serve the usual
/// shape; `#[inline]`, so that each backend's function (in the dispatch
/// module's codegen unit) calls a local copy, which LLVM may call without
/// making the loop's function save registers around it.
#[cold]
#[inline]
fn other_line<'b>(
    buf: &'b [u8],
    pos: usize,
    name_end: usize,
    value_end: usize,
    config: &ParserConfig,
) -> Result<Header<'b>, Stop> {
    // No colon after the name: a line for the grammar. (`name_end` is
    // never below `pos`; `<=` tells the compiler so, which spares a bounds
    // check on the name below.)
    if name_end <= pos || buf.get(name_end) != Some(&b':') {
        return Err(Stop::ToGrammar(pos));
    }
    // `pos < name_end < buf.len()` from the checks above. The value and
    // the line end as parts of what follows the colon: no position past
    // the buffer's end to rule out on its own.
    let (name, after_colon) = (&buf[pos..name_end], &buf[name_end + 1..]);
    let Some((raw, line_end)) = after_colon.split_at_checked(value_end.wrapping_sub(name_end + 1)) else {
        return Err(Stop::ToGrammar(pos));
    };
    if line_end.first_chunk::<2>() != Some(b"\r\n") {
        return Err(Stop::ToGrammar(pos));
    }
    if !within_limits(name, raw, config) {
        return Err(Stop::ToGrammar(pos));
    }
    Ok(Header { name, value: grammar::trim_ows(raw) })
}

/// Whether a header line's name and value are within their limits.
/// `raw` is everything between the colon and the line end; its length is
/// measured as the grammar measures it, from the first byte that is not
/// OWS, trailing OWS included. Cold and `#[inline]`, as [`other_line`].
#[cold]
#[inline]
fn within_limits(name: &[u8], raw: &[u8], config: &ParserConfig) -> bool {
    let leading = raw.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    name.len() <= config.max_name_len && raw.len() - leading <= config.max_value_len
}

/// Where [`header_loop`] stopped.
pub(super) enum Stop {
    /// After the empty line that ends the head, at this position.
    End(usize),
    /// At a header line with no slot left for it.
    Full(usize),
    /// At a line the fast path leaves to the general grammar.
    ToGrammar(usize),
}
