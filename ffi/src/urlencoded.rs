//! `sb_urlencoded_pairs`: iteration over `application/x-www-form-urlencoded`
//! pairs, decoded, from the `springbok-form-urlencoded` crate.

use std::borrow::Cow;
use std::ffi::c_char;

use springbok_form_urlencoded::{parse, Error, Mode, Options, Pairs};

use crate::error::{sb_error, sb_result};
use crate::ptr::{free_raw, guard, to_raw, try_mut, try_out, try_out_opt, try_slice};

/// WHATWG splitting (the default): `&` only, empty pieces skipped, a piece
/// without `=` has an empty value.
pub const SB_URLENCODED_WHATWG: u32 = 0;
/// Perl WWW::Form::UrlEncoded splitting: `&` or `;`, one leading SP
/// dropped per piece, empty pairs kept.
pub const SB_URLENCODED_PERL: u32 = 1;
/// The default `max_pairs`: 4096 (Rack's limit).
pub const SB_URLENCODED_DEFAULT_MAX_PAIRS: usize = 4096;
/// The default `max_input_bytes`: 4 MiB (Rack's limit).
pub const SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES: usize = 4 << 20;

/// An iterator over the decoded pairs of one urlencoded input. Opaque.
///
/// Made by `sb_urlencoded_pairs_new`, advanced by `sb_urlencoded_pairs_next`,
/// freed by `sb_urlencoded_pairs_free`. It borrows the input buffer, which
/// must stay valid and unchanged until it is freed.
pub struct sb_urlencoded_pairs {
    /// Borrows the caller's buffer for as long as the caller promised
    /// (`'static` stands for "until `sb_urlencoded_pairs_free`").
    pairs: Pairs<'static>,
    /// The current pair, kept alive until the next call: decoded keys and
    /// values are owned here.
    current: (Cow<'static, [u8]>, Cow<'static, [u8]>),
}

/// One key/value pair, written by `sb_urlencoded_pairs_next`. The spans point
/// into the input buffer when nothing needed decoding, otherwise into memory
/// owned by the iterator; either way they are valid until the next
/// `sb_urlencoded_pairs_next` or `sb_urlencoded_pairs_free` on the same
/// iterator. Bytes, not strings: no NUL terminator, NUL bytes and invalid
/// UTF-8 are kept. Never NULL, even when empty.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_urlencoded_pair {
    /// The decoded key (`+` → SP, `%XX` decoded, invalid escapes kept).
    pub key: *const c_char,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// The decoded value.
    pub value: *const c_char,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

fn limit_error(e: Error) -> sb_error {
    let (kind, offset) = match e {
        Error::InputTooLong { limit, .. } => (sb_result::UrlencodedInputTooLong, limit),
        Error::TooManyPairs { offset, .. } => (sb_result::UrlencodedTooManyPairs, offset),
        _ => (sb_result::InvalidUrlencoded, 0),
    };
    sb_error { kind, offset, status: crate::error::sb_result_http_status(kind as u32) }
}

/// Checks `buf`/`len` against the limits and makes an iterator over its
/// pairs, written to `*out_pairs` (freed with `sb_urlencoded_pairs_free`).
///
/// `mode` is `SB_URLENCODED_WHATWG` or `SB_URLENCODED_PERL`; `max_pairs` and
/// `max_input_bytes` are the limits (`SB_URLENCODED_DEFAULT_*`, or
/// `SIZE_MAX` for none). An input over a limit fails as a whole —
/// `SB_RESULT_URLENCODED_INPUT_TOO_LONG` or
/// `SB_RESULT_URLENCODED_TOO_MANY_PAIRS`, with `*out_error` (if not NULL)
/// giving the offset and 413 — so a limit never silently drops pairs. An
/// unknown `mode` is `SB_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `buf` must be NULL (only with `len` 0) or point to `len` readable bytes
/// that stay valid and unchanged until the iterator is freed; `out_pairs`
/// NULL or writable; `out_error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_pairs_new(
    buf: *const c_char,
    len: usize,
    mode: u32,
    max_pairs: usize,
    max_input_bytes: usize,
    out_pairs: *mut *mut sb_urlencoded_pairs,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract: `buf` outlives the iterator (hence
        // `'static` here, see `sb_urlencoded_pairs::pairs`), the outputs are
        // writable.
        let args = unsafe { (try_slice::<u8>(buf.cast(), len), try_out(out_pairs), try_out_opt(out_error)) };
        let (input, out, out_error) = match args {
            (Ok(i), Ok(o), Ok(e)) => (i, o, e),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let mode = match mode {
            SB_URLENCODED_WHATWG => Mode::Whatwg,
            SB_URLENCODED_PERL => Mode::Perl,
            _ => return sb_result::InvalidArgument,
        };
        let opts = Options::new().mode(mode).max_pairs(max_pairs).max_input_bytes(max_input_bytes);
        match parse(input, &opts) {
            Ok(pairs) => {
                out.write(to_raw(sb_urlencoded_pairs { pairs, current: (Cow::Borrowed(&[]), Cow::Borrowed(&[])) }));
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

/// Advances to the next pair: returns `SB_RESULT_OK` and writes
/// `*out_pair`, or `SB_RESULT_END` (writing nothing) when there are no more
/// pairs. The previous pair's spans become invalid.
///
/// # Safety
/// `pairs` must be NULL or a live iterator not used by another thread
/// during the call; `out_pair` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_pairs_next(
    pairs: *mut sb_urlencoded_pairs,
    out_pair: *mut sb_urlencoded_pair,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (it, out) = match unsafe { (try_mut(pairs), try_out(out_pair)) } {
            (Ok(p), Ok(o)) => (p, o),
            (Err(e), _) | (_, Err(e)) => return sb_result::from(e),
        };
        match it.pairs.next() {
            Some(pair) => {
                it.current = pair;
                let (k, v) = &it.current;
                out.write(sb_urlencoded_pair {
                    key: k.as_ptr().cast(),
                    key_len: k.len(),
                    value: v.as_ptr().cast(),
                    value_len: v.len(),
                });
                sb_result::Ok
            }
            None => sb_result::End,
        }
    })
}

/// Frees an iterator made by `sb_urlencoded_pairs_new`; NULL is a no-op.
/// Spans of its current pair that pointed into its own memory become
/// invalid; the input buffer is the caller's again.
///
/// # Safety
/// `pairs` must be NULL or an iterator from `sb_urlencoded_pairs_new` not
/// yet freed.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_pairs_free(pairs: *mut sb_urlencoded_pairs) {
    // SAFETY: the export's contract.
    guard((), || unsafe { free_raw(pairs) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], mode: u32) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut it = std::ptr::null_mut();
        let mut out = Vec::new();
        // SAFETY: `input` outlives the iterator, freed below; outputs are locals.
        unsafe {
            let r = sb_urlencoded_pairs_new(
                input.as_ptr().cast(),
                input.len(),
                mode,
                10,
                1000,
                &mut it,
                std::ptr::null_mut(),
            );
            assert_eq!(r, sb_result::Ok);
            let mut p = std::mem::MaybeUninit::<sb_urlencoded_pair>::uninit();
            while sb_urlencoded_pairs_next(it, p.as_mut_ptr()) == sb_result::Ok {
                let p = p.assume_init();
                out.push((
                    std::slice::from_raw_parts(p.key.cast::<u8>(), p.key_len).to_vec(),
                    std::slice::from_raw_parts(p.value.cast::<u8>(), p.value_len).to_vec(),
                ));
            }
            sb_urlencoded_pairs_free(it);
        }
        out
    }

    #[test]
    fn defaults_are_the_crates() {
        // Spelled out above because cbindgen cannot see another crate's constants.
        assert_eq!(SB_URLENCODED_DEFAULT_MAX_PAIRS, springbok_form_urlencoded::DEFAULT_MAX_PAIRS);
        assert_eq!(SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES, springbok_form_urlencoded::DEFAULT_MAX_INPUT_BYTES);
    }

    #[test]
    fn pairs_are_decoded_in_both_modes() {
        let pairs = collect(b"a=1&b=x+y%21&&c", SB_URLENCODED_WHATWG);
        assert_eq!(pairs, [(b"a".to_vec(), b"1".to_vec()), (b"b".to_vec(), b"x y!".to_vec()), (b"c".to_vec(), vec![])]);
        assert_eq!(collect(b"a=1; b=2&", SB_URLENCODED_PERL).len(), 3);
    }
}
