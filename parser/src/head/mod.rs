//! Parsing a head: the fast path for the common shapes, and the general
//! grammar for everything else.
//!
//! Most heads a server sees are `METHOD SP target SP HTTP/1.x CRLF` followed
//! by `name ":" SP value CRLF` lines, with nothing the strict grammar
//! rejects and no leniency to apply; most a client sees start with
//! `HTTP/1.x SP 3DIGIT SP reason CRLF`. The fast path recognises exactly
//! those lines and hands anything else — a line cut short, an error, HTAB or
//! extra whitespace, an obs-fold, a limit reached — to [`crate::grammar`]
//! from the start of that line, which then does what it would have done on
//! its own. So the fast path never changes a result, only how soon it is
//! reached (the tests run every input through both paths and under every
//! backend).
//!
//! * [`parse`] is the entry points' one call: it runs [`ParseHead`] (the
//!   head-size limit, the start line, the header lines, the result) inside
//!   the active backend's function ([`crate::simd::dispatch`]), so a whole
//!   `parse_request`, `parse_response` or `parse_headers` call checks the
//!   backend once. The general grammar's fallbacks are out of line and
//!   return the caller's result type: the fast path's values go straight
//!   into the result.
//! * `start_line.rs`: the start lines ([`StartLine`]; [`NoLine`] for a header
//!   block) in their common form, with the backend's target scanner.
//! * `lines.rs`: the header loop, which walks the lines with a finder and
//!   takes a line of the usual shape (`": "`, no OWS at the value's ends)
//!   apart by fixed offsets from one slice; any other goes to a function out
//!   of line, which leaves the loop's registers to the usual one. The loop
//!   runs inline for a few short lines, in a function of its own per backend
//!   otherwise.
//! * `finders.rs`: where names and values end. With a vector backend each
//!   64-byte block of the head is classified once into two bit masks, so a
//!   field costs a shift and a trailing-zero count however short it is. Both
//!   ends of a line that ends in its block come from one shift of each mask,
//!   so the value's end does not wait for the name's. A value that fills a
//!   whole block is a long one: the blocks after it with no control byte are
//!   passed over on a cheaper test. A head shorter than a block has a finder
//!   of its own, whose masks cover the whole buffer. The first block is
//!   classified at an address that does not wait for the start line's end,
//!   so the CPU classifies it while it parses the start line.

use core::marker::PhantomData;

use crate::config::ParserConfig;
use crate::error::{Error, ErrorKind};
use crate::grammar::{self, Step};
use crate::simd::dispatch::{self, Cpu, Routine};
use crate::storage::{Filled, Slot, Storage};
use crate::{HeadSink, Status};

pub(crate) mod finders;
mod lines;
mod start_line;
#[cfg(test)]
mod tests;

use lines::{fast_lines, header_lines, Stop, INLINE_AFTER_LINE_MAX, INLINE_BLOCK_MAX};
pub(crate) use start_line::{NoLine, StartLine};

/// Parses the head in `buf` into `slots` with the active backend: the
/// entry points' one call, [`ParseHead`] in the backend's function, with
/// the head's parts as arguments, in registers. `answer` makes the result
/// from the outcome.
#[inline(always)]
pub(crate) fn parse<'b: 'h, 'h, T: Slot<'b>, L: StartLine<'b>, A: Answer<'b, 'h, T, L>>(
    config: &ParserConfig,
    buf: &'b [u8],
    last_len: usize,
    slots: &'h mut [T],
    answer: A,
) -> A::Output {
    dispatch::run::<ParseHead<'h, T, L, A>>(config, buf, last_len, slots, answer)
}

/// What a parse returns, made from its outcome inside the backend's
/// function: [`Slices`], the Rust API's result with the headers as a slice,
/// or [`Sunk`], a caller's [`HeadSink`], which writes the outcome where it
/// wants it (the C ABI's output pointers) and returns what it likes.
pub(crate) trait Answer<'b, 'h, T, L> {
    /// The entry point's result.
    type Output;

    /// A complete head: its start line, the filled storage and its length.
    fn complete(self, line: L, headers: Storage<'h, T>, head_len: usize) -> Self::Output;

    /// The buffer ends before the head does.
    fn partial(self) -> Self::Output;

    /// The head is invalid.
    fn invalid(self, error: Error) -> Self::Output;
}

/// The Rust API's answer: `Ok(Status::Complete(head))` with the headers
/// as a slice, `Ok(Status::Partial)`, or `Err`.
pub(crate) struct Slices;

impl<'b: 'h, 'h, T: Filled<'b>, L: StartLine<'b>> Answer<'b, 'h, T, L> for Slices {
    type Output = Result<Status<L::Head<'h>>, Error>;

    #[inline(always)]
    fn complete(self, line: L, headers: Storage<'h, T>, head_len: usize) -> Self::Output {
        Ok(Status::Complete(line.into_head(headers.into_filled(), head_len)))
    }

    #[inline(always)]
    fn partial(self) -> Self::Output {
        Ok(Status::Partial)
    }

    #[inline(always)]
    fn invalid(self, error: Error) -> Self::Output {
        Err(error)
    }
}

/// A caller's [`HeadSink`] as an [`Answer`]: told the start line's public
/// form and how many slots were filled.
pub(crate) struct Sunk<K>(pub(crate) K);

impl<'b: 'h, 'h, T: Slot<'b>, L: StartLine<'b>, K: HeadSink<L::Public>> Answer<'b, 'h, T, L> for Sunk<K> {
    type Output = K::Output;

    #[inline(always)]
    fn complete(self, line: L, headers: Storage<'h, T>, head_len: usize) -> Self::Output {
        self.0.complete(line.into_public(), headers.len(), head_len)
    }

    #[inline(always)]
    fn partial(self) -> Self::Output {
        self.0.partial()
    }

    #[inline(always)]
    fn invalid(self, error: Error) -> Self::Output {
        self.0.invalid(error)
    }
}

/// [`ParserConfig::parse_request`], [`ParserConfig::parse_response`] and
/// [`ParserConfig::parse_headers`] (and their `_uninit` and `_into`
/// twins) as a [`Routine`]: the whole call, from the head-size limit to
/// the result, in one function per backend. `L` is the start line
/// ([`NoLine`] for a header block), `T` the header storage's slot, `A`
/// what makes the result.
struct ParseHead<'h, T, L, A>(PhantomData<(&'h mut [T], L, A)>);

impl<'b: 'h, 'h, T: Slot<'b>, L: StartLine<'b>, A: Answer<'b, 'h, T, L>> Routine<'b> for ParseHead<'h, T, L, A> {
    type Storage = &'h mut [T];
    type Answer = A;
    type Output = A::Output;

    #[inline(always)]
    fn run<B: Cpu>(
        cpu: B,
        config: &ParserConfig,
        buf: &'b [u8],
        last_len: usize,
        slots: Self::Storage,
        answer: A,
    ) -> Self::Output {
        let Some((head, over_limit)) = config.limit(buf, last_len, L::BLOCK) else {
            return answer.partial();
        };
        let mut headers = Storage::new(slots);
        match fast_head::<B, L, _>(cpu, head, config, &mut headers) {
            HeadSoFar::Head(line, head_len) => answer.complete(line, headers, head_len),
            so_far => config.finish_head(head, over_limit, headers, so_far, answer),
        }
    }
}

impl ParserConfig {
    /// Returns the part of `buf` to parse under this configuration's head-size
    /// limit, and whether `buf` reached the limit; `None` while `last_len`
    /// shows that the head cannot be complete yet.
    #[inline(always)]
    fn limit<'b>(&self, buf: &'b [u8], last_len: usize, block: bool) -> Option<(&'b [u8], bool)> {
        let limited = &buf[..buf.len().min(self.max_head_bytes)];
        let over_limit = buf.len() >= self.max_head_bytes;
        if last_len != 0 && last_len < limited.len() {
            // A head end (`\n\n` or `\n\r\n`) not seen before must end in a
            // new byte, so its LF is at `last_len - 2` or later.
            let from = last_len.saturating_sub(2);
            #[cfg(test)]
            crate::work::add(limited.len() - from);
            if !over_limit && !grammar::may_be_complete(limited, from, block, !self.allow_bare_lf) {
                return None;
            }
        }
        #[cfg(test)]
        crate::work::add(limited.len());
        Some((limited, over_limit))
    }

    /// Finishes [`parse_request`](Self::parse_request),
    /// [`parse_response`](Self::parse_response) or
    /// [`parse_headers`](Self::parse_headers) where the fast path stopped
    /// short of the head's end (see [`general_head`]): a head not complete
    /// is partial, or too large when `buf` reached the limit.
    #[cold]
    #[inline(never)]
    fn finish_head<'b: 'h, 'h, T: Slot<'b>, L: StartLine<'b>, A: Answer<'b, 'h, T, L>>(
        &self,
        head: &'b [u8],
        over_limit: bool,
        mut headers: Storage<'h, T>,
        so_far: HeadSoFar<L>,
        answer: A,
    ) -> A::Output {
        // The header grammar is shared with requests and header blocks: a
        // copy marked for a response lets it apply the response-only
        // leniency. (Lines with whitespace before a colon always come here,
        // never through the fast path.)
        let marked;
        let config = if L::RESPONSE && self.allow_space_before_colon_in_responses {
            marked = ParserConfig { in_response: true, ..*self };
            &marked
        } else {
            self
        };
        match general_head(head, config, &mut headers, so_far) {
            Ok(Some((line, head_len))) => answer.complete(line, headers, head_len),
            Ok(None) if over_limit => answer.invalid(Error::new(ErrorKind::HeadTooLarge, self.max_head_bytes)),
            Ok(None) => answer.partial(),
            Err(e) => answer.invalid(e),
        }
    }
}

/// Returns how far the fast path takes a head, with `cpu`'s kernels: the
/// common start line, then the header lines as by [`header_lines`] up to the
/// first line for the general grammar.
#[inline(always)]
fn fast_head<'b, B: Cpu, L: StartLine<'b>, T: Slot<'b>>(
    cpu: B,
    buf: &'b [u8],
    config: &ParserConfig,
    headers: &mut Storage<'_, T>,
) -> HeadSoFar<L> {
    let Some((line, pos)) = L::parse_common(cpu, buf, config) else {
        return HeadSoFar::Line;
    };
    // Short header lines run inline in the routine (see `INLINE_BLOCK_MAX`).
    let stop = if L::BLOCK {
        fast_lines::<B, T, INLINE_BLOCK_MAX>(cpu, buf, pos, config, headers)
    } else {
        fast_lines::<B, T, INLINE_AFTER_LINE_MAX>(cpu, buf, pos, config, headers)
    };
    match stop {
        Stop::End(end) => HeadSoFar::Head(line, end),
        Stop::Full(at) => HeadSoFar::Full(at),
        Stop::ToGrammar(at) => HeadSoFar::Rest { line, at, first_line: at == pos },
    }
}

/// How far [`fast_head`] got with a head whose start line is an `L`. Its
/// caller builds its result from [`HeadSoFar::Head`] and hands every other
/// case to [`general_head`], out of the fast path's way.
enum HeadSoFar<L> {
    /// The whole head: its start line and the position after it.
    Head(L, usize),
    /// A header line with no slot left for it, at this position.
    Full(usize),
    /// A start line for the general grammar.
    Line,
    /// A header line for the general grammar.
    Rest {
        /// The start line before it.
        line: L,
        /// Where the header line starts.
        at: usize,
        /// Whether it is the first header line (the grammar reads a
        /// whitespace-led first line differently from an obs-fold).
        first_line: bool,
    },
}

/// Returns a head's result from where [`fast_head`] stopped (`so_far`): for
/// [`HeadSoFar::Line`] the general grammar's start line and then the header
/// lines as usual, for [`HeadSoFar::Rest`] the general grammar's header
/// lines from where the fast path stopped, for [`HeadSoFar::Full`] the
/// error.
fn general_head<'b, L: StartLine<'b>, T: Slot<'b>>(
    buf: &'b [u8],
    config: &ParserConfig,
    headers: &mut Storage<'_, T>,
    so_far: HeadSoFar<L>,
) -> Step<(L, usize)> {
    match so_far {
        HeadSoFar::Head(line, end) => Ok(Some((line, end))),
        HeadSoFar::Full(at) => Err(Error::new(ErrorKind::TooManyHeaders, at)),
        HeadSoFar::Line => {
            let (line, pos) = grammar::need!(L::parse_general(buf, config)?);
            let end = grammar::need!(header_lines(buf, pos, config, headers)?);
            Ok(Some((line, end)))
        }
        HeadSoFar::Rest { line, at, first_line } => {
            let end = grammar::need!(grammar::header_lines(buf, at, config, headers, first_line)?);
            Ok(Some((line, end)))
        }
    }
}
