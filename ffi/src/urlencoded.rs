//! `sb_urlencoded_pairs`: iteration over `application/x-www-form-urlencoded`
//! pairs, decoded, from the `springbok-form-urlencoded` crate; and
//! `sb_urlencoded_build` / `sb_urlencoded_encode`, its serializer.

use std::borrow::Cow;
use std::ffi::c_char;

use springbok_form_urlencoded::{encode_into, encoded_len, parse, Error, Mode, Options, Pairs, Style};

use crate::error::{sb_error, sb_result};
use crate::ptr::{free_raw, guard, to_raw, try_mut, try_out, try_out_opt, try_out_slice, try_slice, zeroed, ArgError};

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
    sb_error::new(kind, offset, crate::error::sb_result_http_status(kind as u32))
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

/// Build style of browsers and the WHATWG URL Standard (Rust's
/// `form_urlencoded`): `A-Za-z0-9*-._` kept, space as `+`, the rest `%XX`.
pub const SB_URLENCODED_STYLE_WHATWG: u32 = 0;
/// Build style of WWW::Form::UrlEncoded (pure Perl): `A-Za-z0-9-._~` kept.
pub const SB_URLENCODED_STYLE_PERL: u32 = 1;
/// Build style of WWW::Form::UrlEncoded::XS 0.28: `A-Za-z0-9-._~!'()*`
/// kept.
pub const SB_URLENCODED_STYLE_PERL_XS: u32 = 2;

fn style(style: u32) -> Result<Style, ArgError> {
    match style {
        SB_URLENCODED_STYLE_WHATWG => Ok(Style::Whatwg),
        SB_URLENCODED_STYLE_PERL => Ok(Style::Perl),
        SB_URLENCODED_STYLE_PERL_XS => Ok(Style::PerlXs),
        _ => Err(ArgError::Invalid),
    }
}

/// Serializes `pairs[0, num_pairs)` (their `key`/`value` spans, raw bytes;
/// a span may be NULL when its length is 0) as
/// `application/x-www-form-urlencoded` in `style`
/// (`SB_URLENCODED_STYLE_*`): `key=value` joined by `&`, every pair with its
/// `=`, space as `+`, other bytes outside the style's set as upper-case
/// `%XX`.
///
/// Returns `SB_RESULT_OK`, writes `buf[0, *out_len)` (not NUL-terminated)
/// and `*out_len`; or `SB_RESULT_BUFFER_TOO_SMALL` and writes only
/// `*out_len`, the length needed (`buf` may be NULL with `buf_len` 0 to ask
/// for it); or `SB_RESULT_NULL_ARGUMENT` / `SB_RESULT_INVALID_ARGUMENT` (an
/// unknown style, a total length above `SIZE_MAX`).
///
/// # Safety
/// `pairs` NULL (only with `num_pairs` 0) or `num_pairs` readable entries
/// whose spans are readable; `buf` NULL or `buf_len` writable bytes not
/// overlapping the inputs; `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_build(
    pairs: *const sb_urlencoded_pair,
    num_pairs: usize,
    style: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe { (try_slice(pairs, num_pairs), try_out_slice(buf.cast::<u8>(), buf_len), try_out(out_len)) };
        let (pairs, buf, out_len) = match args {
            (Ok(p), Ok(b), Ok(o)) => (p, b, o),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let r = (|| -> Result<sb_result, ArgError> {
            let style = self::style(style)?;
            // SAFETY: the export's contract: readable spans.
            let span = |p: *const c_char, n| unsafe { try_slice::<u8>(p.cast(), n) };
            let mut needed = pairs.len().saturating_sub(1);
            for p in pairs {
                let n =
                    encoded_len(span(p.key, p.key_len)?, style) + 1 + encoded_len(span(p.value, p.value_len)?, style);
                needed = needed.checked_add(n).ok_or(ArgError::Invalid)?;
            }
            if buf.len() < needed {
                out_len.write(needed);
                return Ok(sb_result::BufferTooSmall);
            }
            // Encoded straight into the caller's buffer (sized above).
            let out = zeroed(&mut buf[..needed]);
            let mut w = 0;
            for (i, p) in pairs.iter().enumerate() {
                if i > 0 {
                    out[w] = b'&';
                    w += 1;
                }
                w += encode_into(span(p.key, p.key_len)?, style, &mut out[w..]).ok_or(ArgError::Invalid)?;
                out[w] = b'=';
                w += 1;
                w += encode_into(span(p.value, p.value_len)?, style, &mut out[w..]).ok_or(ArgError::Invalid)?;
            }
            out_len.write(w);
            Ok(sb_result::Ok)
        })();
        r.unwrap_or_else(sb_result::from)
    })
}

/// Encodes one key or value `input`/`len` in `style` (no `=` or `&`
/// added); results as for `sb_urlencoded_build`.
///
/// # Safety
/// `input` NULL (only with `len` 0) or `len` readable bytes; `buf` NULL or
/// `buf_len` writable bytes not overlapping `input`; `out_len` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_encode(
    input: *const c_char,
    len: usize,
    style: u32,
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
        let style = match self::style(style) {
            Ok(s) => s,
            Err(e) => return e.into(),
        };
        let needed = encoded_len(input, style);
        if buf.len() < needed {
            out_len.write(needed);
            return sb_result::BufferTooSmall;
        }
        match encode_into(input, style, zeroed(&mut buf[..needed])) {
            Some(n) => {
                out_len.write(n);
                sb_result::Ok
            }
            None => sb_result::InvalidArgument, // sized above: cannot happen
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_len_matches_the_encoder() {
        let all: Vec<u8> = (0..=255).collect();
        for s in [Style::Whatwg, Style::Perl, Style::PerlXs] {
            for b in &all {
                let one = [*b];
                assert_eq!(encoded_len(&one, s), springbok_form_urlencoded::encode(&one, s).len(), "{b} {s:?}");
            }
        }
        assert_eq!(style(3), Err(ArgError::Invalid));
    }

    #[test]
    fn build_matches_the_crate() {
        let pairs = [("a", "b c"), ("", ""), ("k", "x*~!")];
        let c: Vec<sb_urlencoded_pair> = pairs
            .iter()
            .map(|(k, v)| sb_urlencoded_pair {
                key: k.as_ptr().cast(),
                key_len: k.len(),
                value: v.as_ptr().cast(),
                value_len: v.len(),
            })
            .collect();
        for (code, s) in [(0, Style::Whatwg), (1, Style::Perl), (2, Style::PerlXs)] {
            let want = springbok_form_urlencoded::build(pairs, s);
            let mut buf = [0u8; 64];
            let mut n = 0;
            // SAFETY: live locals with the lengths given.
            let r =
                unsafe { sb_urlencoded_build(c.as_ptr(), c.len(), code, buf.as_mut_ptr().cast(), buf.len(), &mut n) };
            assert_eq!(r, sb_result::Ok);
            assert_eq!(&buf[..n], want.as_bytes());
        }
    }

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
