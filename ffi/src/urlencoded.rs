//! `sb_urlencoded_pairs`: iteration over `application/x-www-form-urlencoded`
//! pairs, decoded, from the `springbok-form-urlencoded` crate; and
//! `sb_urlencoded_build` / `sb_urlencoded_encode`, its serializer.

use std::ffi::c_char;
use std::mem::MaybeUninit;

use springbok_form_urlencoded::{
    decode, decode_into, encode_into_uninit, encoded_len, parse_raw, Error, Mode, Options, RawPairs, Style,
};

use crate::error::{sb_error, sb_result};
use crate::ptr::{free_raw, guard, to_raw, try_mut, try_out, try_out_opt, try_out_slice, try_slice, ArgError};

/// WHATWG splitting (the default): `&` only, empty pieces skipped, a piece
/// without `=` has an empty value.
pub const SB_URLENCODED_WHATWG: u32 = 0;
/// Perl WWW::Form::UrlEncoded splitting: `&` or `;`, one leading SP
/// dropped per piece, empty pairs kept.
pub const SB_URLENCODED_PERL: u32 = 1;
/// A flag for `mode`: keys and values come out as valid UTF-8, each
/// invalid sequence replaced by U+FFFD (what browsers, the WHATWG URL
/// Standard and Rust's `form_urlencoded` do). The check is made as the
/// pairs are split and decoded; a part with nothing to decode in a UTF-8
/// input is not looked at again.
pub const SB_URLENCODED_UTF8: u32 = 0x100;
/// The default `max_pairs`: 4096 (Rack's limit).
pub const SB_URLENCODED_DEFAULT_MAX_PAIRS: usize = 4096;
/// The default `max_input_bytes`: 4 MiB (Rack's limit).
pub const SB_URLENCODED_DEFAULT_MAX_INPUT_BYTES: usize = 4 << 20;

/// An iterator over the decoded pairs of one urlencoded input. Opaque.
///
/// Made by `sb_urlencoded_pairs_new`, advanced by `sb_urlencoded_pairs_next`
/// or `sb_urlencoded_pairs_next_batch`, freed by `sb_urlencoded_pairs_free`.
/// It borrows the input buffer, which must stay valid and unchanged until it
/// is freed.
pub struct sb_urlencoded_pairs {
    /// Borrows the caller's buffer for as long as the caller promised
    /// (`'static` stands for "until `sb_urlencoded_pairs_free`").
    raw: RawPairs<'static>,
    /// Every decoded part, one after the other: sized once, at the first
    /// part that needs decoding, to the rest of the input (decoding never
    /// lengthens a part), so it never moves and every span handed out
    /// stays valid until `sb_urlencoded_pairs_free`.
    decoded: Vec<u8>,
    /// How much of `decoded` is used.
    used: usize,
    /// With `SB_URLENCODED_UTF8`: whether the whole input is UTF-8, so that
    /// a part with nothing to decode needs no check of its own.
    utf8: Option<bool>,
    /// With `SB_URLENCODED_UTF8`: parts that were not UTF-8, with U+FFFD
    /// for each invalid sequence (longer than the part, so not in
    /// `decoded`).
    replaced: Vec<Box<[u8]>>,
}

impl sb_urlencoded_pairs {
    /// One part: `raw` itself, or its decoding in `decoded`; with the UTF-8
    /// flag, replaced where it is not UTF-8. `rest` is how many input bytes
    /// there are from `raw`'s start on, which bounds every later part.
    fn part(&mut self, raw: &'static [u8], needs_decoding: bool, rest: usize) -> (*const c_char, usize) {
        let bytes: &[u8] = if needs_decoding {
            if self.decoded.is_empty() {
                self.decoded = vec![0; rest];
            }
            let free = self.decoded.get_mut(self.used..).unwrap_or_default();
            match decode_into(raw, free) {
                Ok(n) => {
                    let start = self.used;
                    self.used += n;
                    &self.decoded[start..start + n]
                }
                // Not reached: the buffer holds the rest of the input.
                Err(_) => {
                    let owned = decode(raw).into_owned();
                    return match self.utf8 {
                        Some(_) => self.keep(String::from_utf8_lossy(&owned).into_owned().into_bytes()),
                        None => self.keep(owned),
                    };
                }
            }
        } else {
            raw
        };
        match self.utf8 {
            // Nothing decoded in a UTF-8 input, or valid on its own.
            Some(true) if !needs_decoding => {}
            Some(_) if std::str::from_utf8(bytes).is_err() => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                return self.keep(text.into_bytes());
            }
            _ => {}
        }
        (bytes.as_ptr().cast(), bytes.len())
    }

    /// Keeps `bytes` until the iterator is freed; returns their span.
    #[cold]
    fn keep(&mut self, bytes: Vec<u8>) -> (*const c_char, usize) {
        let bytes = bytes.into_boxed_slice();
        let span = (bytes.as_ptr().cast(), bytes.len());
        self.replaced.push(bytes);
        span
    }

    /// The next pair, decoded.
    fn next_pair(&mut self) -> Option<sb_urlencoded_pair> {
        let piece = self.raw.next_piece()?;
        let after = self.raw.rest_len();
        let (key, key_len) =
            self.part(piece.key, piece.key_needs_decoding, piece.key.len() + piece.value.len() + after);
        let (value, value_len) = self.part(piece.value, piece.value_needs_decoding, piece.value.len() + after);
        Some(sb_urlencoded_pair { key, key_len, value, value_len })
    }
}

/// One key/value pair, written by `sb_urlencoded_pairs_next` and
/// `sb_urlencoded_pairs_next_batch`. The spans point into the input buffer
/// when nothing needed decoding, otherwise into memory owned by the
/// iterator; either way they are valid until `sb_urlencoded_pairs_free` on
/// that iterator (and as long as the input). Bytes, not strings: no NUL
/// terminator, NUL bytes are kept, and so is invalid UTF-8 unless the
/// iterator was made with `SB_URLENCODED_UTF8`. Never NULL, even when empty.
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

pub(crate) fn limit_error(e: Error) -> sb_error {
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
/// `mode` is `SB_URLENCODED_WHATWG` or `SB_URLENCODED_PERL`, optionally
/// with `SB_URLENCODED_UTF8`; `max_pairs` and `max_input_bytes` are the
/// limits (`SB_URLENCODED_DEFAULT_*`, or `SIZE_MAX` for none). An input
/// over a limit fails as a whole — `SB_RESULT_URLENCODED_INPUT_TOO_LONG` or
/// `SB_RESULT_URLENCODED_TOO_MANY_PAIRS`, with `*out_error` (if not NULL)
/// giving the offset and 413 — so a limit never silently drops pairs. An
/// unknown `mode` is `SB_RESULT_INVALID_ARGUMENT`. The iterator allocates
/// at most twice: itself, and one buffer for all decoded keys and values
/// (plus one string per part that `SB_URLENCODED_UTF8` has to repair).
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
        // `'static` here, see `sb_urlencoded_pairs::raw`), the outputs are
        // writable.
        let args = unsafe { (try_slice::<u8>(buf.cast(), len), try_out(out_pairs), try_out_opt(out_error)) };
        let (input, out, out_error) = match args {
            (Ok(i), Ok(o), Ok(e)) => (i, o, e),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        let split = match mode & !SB_URLENCODED_UTF8 {
            SB_URLENCODED_WHATWG => Mode::Whatwg,
            SB_URLENCODED_PERL => Mode::Perl,
            _ => return sb_result::InvalidArgument,
        };
        let opts = Options::new().mode(split).max_pairs(max_pairs).max_input_bytes(max_input_bytes);
        match parse_raw(input, &opts) {
            Ok(raw) => {
                let utf8 = (mode & SB_URLENCODED_UTF8 != 0).then(|| std::str::from_utf8(input).is_ok());
                out.write(to_raw(sb_urlencoded_pairs {
                    raw,
                    decoded: Vec::new(),
                    used: 0,
                    utf8,
                    replaced: Vec::new(),
                }));
                sb_result::Ok
            }
            Err(e) => limit_error(e).report(out_error),
        }
    })
}

/// Advances to the next pair: returns `SB_RESULT_OK` and writes
/// `*out_pair`, or `SB_RESULT_END` (writing nothing) when there are no more
/// pairs. Earlier pairs' spans stay valid.
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
        match it.next_pair() {
            Some(pair) => {
                out.write(pair);
                sb_result::Ok
            }
            None => sb_result::End,
        }
    })
}

/// Advances by up to `capacity` pairs at once: writes them to
/// `out_pairs[0, *out_count)` and returns `SB_RESULT_OK` with
/// `*out_count` at least 1, or `SB_RESULT_END` with `*out_count` 0 when
/// there are no more pairs. One call for many pairs, for glue that makes
/// its strings in a loop of its own (a Perl or Ruby binding); the spans of
/// every pair stay valid until `sb_urlencoded_pairs_free`. A `capacity` of
/// 0 (`out_pairs` may then be NULL) is `SB_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `pairs` must be NULL or a live iterator not used by another thread
/// during the call; `out_pairs` NULL or `capacity` writable entries;
/// `out_count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_urlencoded_pairs_next_batch(
    pairs: *mut sb_urlencoded_pairs,
    out_pairs: *mut sb_urlencoded_pair,
    capacity: usize,
    out_count: *mut usize,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (it, out, count) = match unsafe { (try_mut(pairs), try_out_slice(out_pairs, capacity), try_out(out_count)) }
        {
            (Ok(p), Ok(o), Ok(c)) => (p, o, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return sb_result::from(e),
        };
        if out.is_empty() {
            return sb_result::InvalidArgument;
        }
        let filled = fill(it, out);
        count.write(filled);
        if filled == 0 {
            sb_result::End
        } else {
            sb_result::Ok
        }
    })
}

/// Writes the next pairs of `it` to `out`, as many as there are and fit;
/// returns how many.
fn fill(it: &mut sb_urlencoded_pairs, out: &mut [MaybeUninit<sb_urlencoded_pair>]) -> usize {
    let mut n = 0;
    for slot in out {
        let Some(pair) = it.next_pair() else { break };
        slot.write(pair);
        n += 1;
    }
    n
}

/// Frees an iterator made by `sb_urlencoded_pairs_new`; NULL is a no-op.
/// Spans of its pairs that pointed into its own memory become invalid; the
/// input buffer is the caller's again.
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
/// A buffer with room for the worst case — three bytes per key and value byte, plus two per
/// pair — is filled in a single pass; a smaller one costs a first pass for the exact length.
/// Either way only `buf[0, *out_len)` is written.
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
            // The worst case (every byte escaped) costs one addition a pair; with room for it,
            // the pairs are encoded in a single pass, otherwise their exact length is found first.
            let mut worst = pairs.len().saturating_sub(1);
            for p in pairs {
                let n =
                    p.key_len.checked_add(p.value_len).and_then(|n| n.checked_mul(3)).and_then(|n| n.checked_add(1));
                worst = n.and_then(|n| worst.checked_add(n)).ok_or(ArgError::Invalid)?;
            }
            if buf.len() < worst {
                let mut needed = pairs.len().saturating_sub(1);
                for p in pairs {
                    let n = encoded_len(span(p.key, p.key_len)?, style)
                        + 1
                        + encoded_len(span(p.value, p.value_len)?, style);
                    needed = needed.checked_add(n).ok_or(ArgError::Invalid)?;
                }
                if buf.len() < needed {
                    out_len.write(needed);
                    return Ok(sb_result::BufferTooSmall);
                }
            }
            // Only `buf[..w]` is written: the contract leaves the rest alone.
            let mut w = 0;
            for (i, p) in pairs.iter().enumerate() {
                if i > 0 {
                    buf.get_mut(w).ok_or(ArgError::Invalid)?.write(b'&');
                    w += 1;
                }
                w += encode_into_uninit(span(p.key, p.key_len)?, style, &mut buf[w..]).ok_or(ArgError::Invalid)?;
                buf.get_mut(w).ok_or(ArgError::Invalid)?.write(b'=');
                w += 1;
                w += encode_into_uninit(span(p.value, p.value_len)?, style, &mut buf[w..]).ok_or(ArgError::Invalid)?;
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
        // Room for the worst case is filled in one pass; below it the exact length is found
        // first, so that a buffer too small is not written at all.
        if buf.len() / 3 < input.len() {
            let needed = encoded_len(input, style);
            if buf.len() < needed {
                out_len.write(needed);
                return sb_result::BufferTooSmall;
            }
        }
        match encode_into_uninit(input, style, buf) {
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
            // Every room from the exact length to past the worst case (32, the single pass): the
            // same bytes, nothing written after them; one byte short: nothing written at all.
            for room in want.len() - 1..=40 {
                let mut buf = [0xA5u8; 80];
                let mut n = 0;
                // SAFETY: live locals with the lengths given (room ≤ 80).
                let r =
                    unsafe { sb_urlencoded_build(c.as_ptr(), c.len(), code, buf.as_mut_ptr().cast(), room, &mut n) };
                if room < want.len() {
                    assert_eq!((r, n), (sb_result::BufferTooSmall, want.len()));
                    assert!(buf.iter().all(|&b| b == 0xA5));
                } else {
                    assert_eq!((r, &buf[..n]), (sb_result::Ok, want.as_bytes()), "room {room}");
                    assert!(buf[n..].iter().all(|&b| b == 0xA5), "room {room}");
                }
            }
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
