//! `sb_urlencoded_cursor`: the pairs of an urlencoded input, decoded, in
//! caller-allocated state, with decoded parts in a caller arena: no
//! allocation inside Springbok, one call per batch of pairs.

use std::ffi::c_char;
use std::mem::MaybeUninit;

use springbok_form_urlencoded::{decode_into_uninit, parse_raw, Mode, Options, RawPairs};

use crate::error::{sb_error, sb_result};
use crate::ptr::{guard, try_mut, try_out, try_out_opt, try_out_slice, try_slice};
use crate::urlencoded::{limit_error, sb_urlencoded_pair, SB_URLENCODED_PERL, SB_URLENCODED_WHATWG};

/// Where the split of one urlencoded input is. The caller allocates it (on
/// the stack), `sb_urlencoded_cursor_init` sets it, and every
/// `sb_urlencoded_cursor_next_decoded` call advances it. It borrows the
/// input, which must stay valid and unchanged while the cursor is used; it
/// owns nothing and needs no freeing. Its fields are private state: do not
/// change them.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_urlencoded_cursor {
    /// The input not yet split.
    rest: *const c_char,
    /// Its length.
    rest_len: usize,
    /// `SB_URLENCODED_WHATWG` or `SB_URLENCODED_PERL`.
    mode: u32,
    /// Nonzero when no pair is left.
    finished: u32,
}

/// Checks `buf`/`len` against the limits, as `sb_urlencoded_pairs_new`
/// does (the same results and `*out_error`; an input over a limit fails as
/// a whole), and sets `*cursor` to its first pair.
///
/// `mode` is `SB_URLENCODED_WHATWG` or `SB_URLENCODED_PERL` (the UTF-8
/// repair flag needs storage of Springbok's own, so it is the iterator's
/// alone: here it is `SB_RESULT_INVALID_ARGUMENT`). `*cursor` is written
/// only on success.
///
/// # Safety
/// `cursor` NULL or writable; `buf` NULL (only with `len` 0) or `len`
/// readable bytes, valid and unchanged while the cursor is used;
/// `out_error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_cursor_init(
    cursor: *mut sb_urlencoded_cursor,
    buf: *const c_char,
    len: usize,
    mode: u32,
    max_pairs: usize,
    max_input_bytes: usize,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe { (try_out(cursor), try_slice::<u8>(buf.cast(), len), try_out_opt(out_error)) };
        let (out, input, out_error) = match args {
            (Ok(c), Ok(i), Ok(e)) => (c, i, e),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let split = match mode {
            SB_URLENCODED_WHATWG => Mode::Whatwg,
            SB_URLENCODED_PERL => Mode::Perl,
            _ => return sb_result::InvalidArgument,
        };
        let opts = Options::new().mode(split).max_pairs(max_pairs).max_input_bytes(max_input_bytes);
        match parse_raw(input, &opts) {
            Ok(raw) => {
                out.write(to_cursor(raw, mode));
                sb_result::Ok
            }
            Err(e) => limit_error(e).report(out_error),
        }
    })
}

fn to_cursor(raw: RawPairs<'_>, mode: u32) -> sb_urlencoded_cursor {
    let (rest, finished) = raw.into_rest();
    sb_urlencoded_cursor { rest: rest.as_ptr().cast(), rest_len: rest.len(), mode, finished: u32::from(finished) }
}

/// The cursor's pairs from where it is, or the result to return for a bad
/// cursor.
///
/// # Safety
/// `cursor.rest`/`rest_len` must be readable (the export's contract).
unsafe fn resume(cursor: &sb_urlencoded_cursor) -> Result<RawPairs<'static>, sb_result> {
    let mode = match cursor.mode {
        SB_URLENCODED_WHATWG => Mode::Whatwg,
        SB_URLENCODED_PERL => Mode::Perl,
        _ => return Err(sb_result::InvalidArgument),
    };
    // SAFETY: `rest`/`rest_len` were set from the input by `_init` or by an
    // earlier call, and the caller keeps the input valid while it uses the
    // cursor (`'static` stands for that).
    let rest = unsafe { try_slice::<u8>(cursor.rest.cast(), cursor.rest_len) }.map_err(sb_result::from)?;
    Ok(RawPairs::resume(rest, mode, cursor.finished != 0))
}

/// Advances `*cursor` by up to `capacity` pairs, decoded (`+` → SP, `%XX`
/// → its byte, an invalid escape kept as it is): writes them to
/// `out_pairs[0, *out_count)` and returns `SB_RESULT_OK` when more pairs
/// may follow, or `SB_RESULT_END` when these are the last ones (then
/// `*out_count` may be 0; further calls return `SB_RESULT_END` with 0).
///
/// A part that needs no decoding is a span of the input; the others are
/// decoded into `arena`, from its start at every call, so their spans are
/// valid until the next call with that arena. A batch stops before a pair
/// whose raw key and value together are longer than what is left of the
/// arena, and when that is the first pair the call returns
/// `SB_RESULT_BUFFER_TOO_SMALL` with `*out_count` 0 and the cursor
/// unchanged (an arena as long as the input is never too small). A
/// `capacity` of 0 is `SB_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `cursor` NULL or set by `sb_urlencoded_cursor_init` (and only advanced
/// by this function since), its input still valid; `out_pairs` NULL or
/// `capacity` writable entries; `arena` NULL (only with `arena_len` 0) or
/// `arena_len` writable bytes not overlapping the input; `out_count` NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_cursor_next_decoded(
    cursor: *mut sb_urlencoded_cursor,
    out_pairs: *mut sb_urlencoded_pair,
    capacity: usize,
    arena: *mut c_char,
    arena_len: usize,
    out_count: *mut usize,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_mut(cursor),
                try_out_slice(out_pairs, capacity),
                try_out_slice(arena.cast::<u8>(), arena_len),
                try_out(out_count),
            )
        };
        let (cursor, out, arena, count) = match args {
            (Ok(c), Ok(o), Ok(a), Ok(n)) => (c, o, a, n),
            (Err(e), _, _, _) | (_, Err(e), _, _) | (_, _, Err(e), _) | (_, _, _, Err(e)) => return e.into(),
        };
        if out.is_empty() {
            return sb_result::InvalidArgument;
        }
        // SAFETY: the export's contract.
        let mut raw = match unsafe { resume(cursor) } {
            Ok(r) => r,
            Err(e) => return e,
        };
        let (mut filled, mut used) = (0, 0);
        // Whether the input has no pair left after this batch.
        let mut last = true;
        for slot in out.iter_mut() {
            let before = raw.clone();
            let Some(p) = raw.next_piece() else { break };
            if arena.len() - used < p.key.len() + p.value.len() {
                raw = before;
                if filled == 0 {
                    count.write(0);
                    return sb_result::BufferTooSmall;
                }
                last = false;
                break;
            }
            let (key, key_len) = part(p.key, p.key_needs_decoding, arena, &mut used);
            let (value, value_len) = part(p.value, p.value_needs_decoding, arena, &mut used);
            slot.write(sb_urlencoded_pair { key, key_len, value, value_len });
            filled += 1;
        }
        if filled == out.len() {
            last = raw.clone().next_piece().is_none();
        }
        *cursor = to_cursor(raw, cursor.mode);
        count.write(filled);
        if last {
            sb_result::End
        } else {
            sb_result::Ok
        }
    })
}

/// One part as a span: `raw` itself, or its decoding at `arena[*used..]`
/// (which has room for `raw`).
#[inline(always)]
fn part(raw: &[u8], encoded: bool, arena: &mut [MaybeUninit<u8>], used: &mut usize) -> (*const c_char, usize) {
    if !encoded {
        return (raw.as_ptr().cast(), raw.len());
    }
    let start = *used;
    let n = decode_into_uninit(raw, &mut arena[start..]).unwrap_or(0);
    *used += n;
    (arena[start..].as_ptr().cast(), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pair = (Vec<u8>, Vec<u8>);

    fn crate_pairs(input: &[u8], mode: Mode) -> Vec<Pair> {
        springbok_form_urlencoded::parse(input, &Options::unlimited().mode(mode))
            .unwrap()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// Every pair through `sb_urlencoded_cursor_next_decoded`, `batch` at a time, with an
    /// arena of `arena_len` bytes; `Err` with the result that stopped it.
    fn collect_decoded(input: &[u8], mode: u32, batch: usize, arena_len: usize) -> Result<Vec<Pair>, sb_result> {
        let mut cursor = MaybeUninit::<sb_urlencoded_cursor>::uninit();
        let mut out = Vec::new();
        let mut arena = vec![0xA5u8; arena_len];
        // SAFETY: `input` outlives the cursor; the outputs are live locals of
        // the lengths given.
        unsafe {
            let r = sb_urlencoded_cursor_init(
                cursor.as_mut_ptr(),
                input.as_ptr().cast(),
                input.len(),
                mode,
                64,
                1 << 20,
                std::ptr::null_mut(),
            );
            assert_eq!(r, sb_result::Ok);
            let mut pairs = vec![MaybeUninit::<sb_urlencoded_pair>::uninit(); batch];
            loop {
                let mut n = usize::MAX;
                let r = sb_urlencoded_cursor_next_decoded(
                    cursor.as_mut_ptr(),
                    pairs.as_mut_ptr().cast(),
                    batch,
                    arena.as_mut_ptr().cast(),
                    arena.len(),
                    &mut n,
                );
                match r {
                    sb_result::Ok => assert!(n >= 1 && n <= batch),
                    sb_result::End => assert!(n <= batch),
                    other => {
                        assert_eq!(n, 0);
                        return Err(other);
                    }
                }
                for p in &pairs[..n] {
                    let p = p.assume_init();
                    out.push((
                        std::slice::from_raw_parts(p.key.cast::<u8>(), p.key_len).to_vec(),
                        std::slice::from_raw_parts(p.value.cast::<u8>(), p.value_len).to_vec(),
                    ));
                }
                if r == sb_result::End {
                    // And it stays ended.
                    let again = sb_urlencoded_cursor_next_decoded(
                        cursor.as_mut_ptr(),
                        pairs.as_mut_ptr().cast(),
                        batch,
                        arena.as_mut_ptr().cast(),
                        arena.len(),
                        &mut n,
                    );
                    assert_eq!((again, n), (sb_result::End, 0));
                    return Ok(out);
                }
            }
        }
    }

    #[test]
    fn decoded_batches_give_the_crates_pairs_with_any_arena() {
        let inputs: [&[u8]; 7] =
            [b"", b"a", b"a=1&b=x+y%21&&c", b"a=1; b=2&", b" =;;&", b"k%zz=%4+&%%=%41%4a", b"x=1;y=2;z=%2B%2b"];
        for input in inputs {
            for (mode, split) in [(SB_URLENCODED_WHATWG, Mode::Whatwg), (SB_URLENCODED_PERL, Mode::Perl)] {
                let want = crate_pairs(input, split);
                // The largest raw pair: an arena below it stops the iteration there.
                let mut raw = parse_raw(input, &Options::unlimited().mode(split)).unwrap();
                let largest = std::iter::from_fn(|| raw.next_piece()).map(|p| p.key.len() + p.value.len()).max();
                for batch in 1..5 {
                    for arena_len in 0..=input.len() + 1 {
                        let got = collect_decoded(input, mode, batch, arena_len);
                        if largest.is_some_and(|l| l > arena_len) {
                            assert_eq!(got, Err(sb_result::BufferTooSmall), "{input:?} {mode} {batch} {arena_len}");
                        } else {
                            assert_eq!(got, Ok(want.clone()), "{input:?} {mode} {batch} {arena_len}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn cursor_limits_and_arguments() {
        let many = b"a&".repeat(64);
        let init = |input: &[u8], mode| {
            let mut cursor = MaybeUninit::<sb_urlencoded_cursor>::uninit();
            // SAFETY: live locals; `input` outlives the call.
            unsafe {
                sb_urlencoded_cursor_init(
                    cursor.as_mut_ptr(),
                    input.as_ptr().cast(),
                    input.len(),
                    mode,
                    64,
                    1 << 20,
                    std::ptr::null_mut(),
                )
            }
        };
        assert_eq!(init(&many, SB_URLENCODED_PERL), sb_result::UrlencodedTooManyPairs);
        assert_eq!(init(b"a", SB_URLENCODED_PERL | crate::urlencoded::SB_URLENCODED_UTF8), sb_result::InvalidArgument);
        assert_eq!(init(b"a", 2), sb_result::InvalidArgument);
        let mut cursor = MaybeUninit::<sb_urlencoded_cursor>::uninit();
        let mut n = 7;
        let mut one = MaybeUninit::<sb_urlencoded_pair>::uninit();
        // SAFETY: live locals; a NULL input and arena with length 0 are allowed.
        unsafe {
            let r = sb_urlencoded_cursor_init(cursor.as_mut_ptr(), std::ptr::null(), 0, 0, 1, 1, std::ptr::null_mut());
            assert_eq!(r, sb_result::Ok);
            let c = cursor.as_mut_ptr();
            let none = std::ptr::null_mut();
            assert_eq!(
                sb_urlencoded_cursor_next_decoded(c, none, 0, none.cast(), 0, &mut n),
                sb_result::InvalidArgument
            );
            assert_eq!(
                sb_urlencoded_cursor_next_decoded(c, one.as_mut_ptr(), 1, none.cast(), 0, &mut n),
                sb_result::End
            );
            assert_eq!(n, 0);
        }
    }
}
