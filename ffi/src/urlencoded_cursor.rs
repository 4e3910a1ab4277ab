//! `sb_urlencoded_cursor`: the raw (undecoded) pairs of an urlencoded input
//! in caller-allocated state, and `sb_urlencoded_decode`, which decodes one
//! part into caller memory. For glue that makes its own strings: it can
//! decode each part straight into the string that will hold it, with no
//! allocation or copy inside Springbok.

use std::ffi::c_char;
use std::mem::MaybeUninit;

use springbok_form_urlencoded::{decode_into, parse_raw, Mode, Options, RawPairs};

use crate::error::{sb_error, sb_result};
use crate::ptr::{guard, try_mut, try_out, try_out_opt, try_out_slice, try_slice, zeroed};
use crate::urlencoded::{limit_error, SB_URLENCODED_PERL, SB_URLENCODED_WHATWG};

/// A flag of `sb_urlencoded_raw_pair.flags`: the key contains `+` or `%`
/// and must go through `sb_urlencoded_decode`; without it the key is its
/// own decoding.
pub const SB_URLENCODED_KEY_ENCODED: u32 = 1;
/// A flag of `sb_urlencoded_raw_pair.flags`: the value contains `+` or `%`
/// and must go through `sb_urlencoded_decode`.
pub const SB_URLENCODED_VALUE_ENCODED: u32 = 2;

/// Where the split of one urlencoded input is. The caller allocates it (on
/// the stack), `sb_urlencoded_cursor_init` sets it, and every
/// `sb_urlencoded_cursor_next_batch` call advances it. It borrows the
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

/// One pair as it is in the input, written by
/// `sb_urlencoded_cursor_next_batch`: spans of the input buffer, valid as
/// long as it, never NULL (even when empty). A part whose flag is set in
/// `flags` is still encoded.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_urlencoded_raw_pair {
    /// The key as sent.
    pub key: *const c_char,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// The value as sent (empty when the pair has no `=`).
    pub value: *const c_char,
    /// Length of `value` in bytes.
    pub value_len: usize,
    /// `SB_URLENCODED_KEY_ENCODED` and/or `SB_URLENCODED_VALUE_ENCODED`.
    pub flags: u32,
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
            Err(e) => {
                let detail = limit_error(e);
                if let Some(slot) = out_error {
                    slot.write(detail);
                }
                detail.kind
            }
        }
    })
}

fn to_cursor(raw: RawPairs<'_>, mode: u32) -> sb_urlencoded_cursor {
    let (rest, finished) = raw.into_rest();
    sb_urlencoded_cursor { rest: rest.as_ptr().cast(), rest_len: rest.len(), mode, finished: u32::from(finished) }
}

/// Advances `*cursor` by up to `capacity` pairs: writes them, undecoded, to
/// `out_pairs[0, *out_count)` and returns `SB_RESULT_OK` with `*out_count`
/// at least 1, or `SB_RESULT_END` with `*out_count` 0 when no pair is left.
/// A batch is only short of `capacity` when it holds the last pairs, so a
/// caller may stop there without the call that would return
/// `SB_RESULT_END`. A `capacity` of 0 is `SB_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `cursor` NULL or set by `sb_urlencoded_cursor_init` (and only advanced
/// by this function since), its input still valid; `out_pairs` NULL or
/// `capacity` writable entries; `out_count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_cursor_next_batch(
    cursor: *mut sb_urlencoded_cursor,
    out_pairs: *mut sb_urlencoded_raw_pair,
    capacity: usize,
    out_count: *mut usize,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe { (try_mut(cursor), try_out_slice(out_pairs, capacity), try_out(out_count)) };
        let (cursor, out, count) = match args {
            (Ok(c), Ok(o), Ok(n)) => (c, o, n),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let mode = match cursor.mode {
            SB_URLENCODED_WHATWG => Mode::Whatwg,
            SB_URLENCODED_PERL => Mode::Perl,
            _ => return sb_result::InvalidArgument,
        };
        if out.is_empty() {
            return sb_result::InvalidArgument;
        }
        // SAFETY: `rest`/`rest_len` were set from the input by `_init` or by
        // an earlier call, and the caller keeps the input valid.
        let rest = match unsafe { try_slice::<u8>(cursor.rest.cast(), cursor.rest_len) } {
            Ok(r) => r,
            Err(e) => return e.into(),
        };
        let mut raw = RawPairs::resume(rest, mode, cursor.finished != 0);
        let filled = fill(&mut raw, out);
        *cursor = to_cursor(raw, cursor.mode);
        count.write(filled);
        if filled == 0 {
            sb_result::End
        } else {
            sb_result::Ok
        }
    })
}

/// Writes the next pieces of `raw` to `out`, as many as there are and fit;
/// returns how many.
fn fill(raw: &mut RawPairs<'_>, out: &mut [MaybeUninit<sb_urlencoded_raw_pair>]) -> usize {
    let mut n = 0;
    for slot in out {
        let Some(p) = raw.next_piece() else { break };
        let flags = if p.key_needs_decoding { SB_URLENCODED_KEY_ENCODED } else { 0 }
            | if p.value_needs_decoding { SB_URLENCODED_VALUE_ENCODED } else { 0 };
        slot.write(sb_urlencoded_raw_pair {
            key: p.key.as_ptr().cast(),
            key_len: p.key.len(),
            value: p.value.as_ptr().cast(),
            value_len: p.value.len(),
            flags,
        });
        n += 1;
    }
    n
}

/// Decodes one urlencoded key or value `input`/`len` (`+` → SP, `%XX` →
/// its byte, an invalid escape kept as it is) into `buf`: returns
/// `SB_RESULT_OK` and writes `buf[0, *out_len)` (never longer than the
/// input, not NUL-terminated). A `buf_len` below `len` is
/// `SB_RESULT_BUFFER_TOO_SMALL` with `*out_len` set to `len`, the room that
/// always suffices, and nothing written to `buf`.
///
/// # Safety
/// `input` NULL (only with `len` 0) or `len` readable bytes; `buf` NULL or
/// `buf_len` writable bytes not overlapping `input`; `out_len` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_decode(
    input: *const c_char,
    len: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args =
            unsafe { (try_slice::<u8>(input.cast(), len), try_out_slice(buf.cast::<u8>(), buf_len), try_out(out_len)) };
        let (input, buf, out_len) = match args {
            (Ok(i), Ok(b), Ok(o)) => (i, b, o),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        if buf.len() < input.len() {
            out_len.write(input.len());
            return sb_result::BufferTooSmall;
        }
        match decode_into(input, zeroed(&mut buf[..input.len()])) {
            Ok(n) => {
                out_len.write(n);
                sb_result::Ok
            }
            Err(_) => sb_result::InvalidArgument, // room for the input: cannot happen
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pair = (Vec<u8>, Vec<u8>);

    /// Every pair of `input` through a cursor, `batch` at a time, decoded with
    /// `sb_urlencoded_decode` where the flags say so.
    fn collect(input: &[u8], mode: u32, batch: usize) -> Result<Vec<Pair>, sb_result> {
        let mut cursor = MaybeUninit::<sb_urlencoded_cursor>::uninit();
        let mut out = Vec::new();
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
            if r != sb_result::Ok {
                return Err(r);
            }
            let mut pairs = vec![MaybeUninit::<sb_urlencoded_raw_pair>::uninit(); batch];
            let mut n = usize::MAX;
            while sb_urlencoded_cursor_next_batch(cursor.as_mut_ptr(), pairs.as_mut_ptr().cast(), batch, &mut n)
                == sb_result::Ok
            {
                assert!(n >= 1 && n <= batch);
                let mut again = MaybeUninit::<sb_urlencoded_raw_pair>::uninit();
                let mut peek = *cursor.as_ptr();
                let mut m = 0;
                let next = sb_urlencoded_cursor_next_batch(&mut peek, again.as_mut_ptr(), 1, &mut m);
                if n < batch {
                    assert_eq!((next, m), (sb_result::End, 0), "a short batch is the last");
                }
                for p in &pairs[..n] {
                    let p = p.assume_init();
                    let part = |ptr: *const c_char, len: usize, encoded: bool| {
                        let raw = std::slice::from_raw_parts(ptr.cast::<u8>(), len);
                        if !encoded {
                            return raw.to_vec();
                        }
                        let mut buf = vec![0u8; len];
                        let mut m = 0;
                        let r = sb_urlencoded_decode(ptr, len, buf.as_mut_ptr().cast(), len, &mut m);
                        assert_eq!(r, sb_result::Ok);
                        buf.truncate(m);
                        buf
                    };
                    out.push((
                        part(p.key, p.key_len, p.flags & SB_URLENCODED_KEY_ENCODED != 0),
                        part(p.value, p.value_len, p.flags & SB_URLENCODED_VALUE_ENCODED != 0),
                    ));
                }
            }
            assert_eq!(n, 0);
        }
        Ok(out)
    }

    fn crate_pairs(input: &[u8], mode: Mode) -> Vec<Pair> {
        springbok_form_urlencoded::parse(input, &Options::unlimited().mode(mode))
            .unwrap()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn cursor_gives_the_crates_pairs_at_every_batch_size() {
        let inputs: [&[u8]; 7] =
            [b"", b"a", b"a=1&b=x+y%21&&c", b"a=1; b=2&", b" =;;&", b"k%zz=%4+&%%=%41%4a", b"x=1;y=2;z"];
        for input in inputs {
            for (mode, split) in [(SB_URLENCODED_WHATWG, Mode::Whatwg), (SB_URLENCODED_PERL, Mode::Perl)] {
                for batch in 1..5 {
                    assert_eq!(collect(input, mode, batch), Ok(crate_pairs(input, split)), "{input:?} {mode} {batch}");
                }
            }
        }
    }

    #[test]
    fn cursor_limits_and_arguments() {
        let many = b"a&".repeat(64);
        assert_eq!(collect(&many, SB_URLENCODED_PERL, 8), Err(sb_result::UrlencodedTooManyPairs));
        assert_eq!(
            collect(b"a", SB_URLENCODED_PERL | crate::urlencoded::SB_URLENCODED_UTF8, 8),
            Err(sb_result::InvalidArgument)
        );
        let mut cursor = MaybeUninit::<sb_urlencoded_cursor>::uninit();
        let mut n = 0;
        // SAFETY: live locals; a NULL input with length 0 is allowed.
        unsafe {
            assert_eq!(
                sb_urlencoded_cursor_init(cursor.as_mut_ptr(), std::ptr::null(), 0, 0, 1, 1, std::ptr::null_mut()),
                sb_result::Ok
            );
            assert_eq!(
                sb_urlencoded_cursor_next_batch(cursor.as_mut_ptr(), std::ptr::null_mut(), 0, &mut n),
                sb_result::InvalidArgument
            );
            let mut one = MaybeUninit::<sb_urlencoded_raw_pair>::uninit();
            assert_eq!(
                sb_urlencoded_cursor_next_batch(cursor.as_mut_ptr(), one.as_mut_ptr(), 1, &mut n),
                sb_result::End
            );
            assert_eq!(n, 0);
        }
    }

    #[test]
    fn decode_needs_room_for_the_input() {
        let mut buf = [0xA5u8; 8];
        let mut n = 0;
        // SAFETY: live locals of the lengths given.
        unsafe {
            assert_eq!(
                sb_urlencoded_decode(b"a%41+".as_ptr().cast(), 5, buf.as_mut_ptr().cast(), 4, &mut n),
                sb_result::BufferTooSmall
            );
            assert_eq!((n, buf), (5, [0xA5; 8]));
            assert_eq!(
                sb_urlencoded_decode(b"a%41+".as_ptr().cast(), 5, buf.as_mut_ptr().cast(), 5, &mut n),
                sb_result::Ok
            );
            assert_eq!(&buf[..n], b"aA ");
        }
    }
}
