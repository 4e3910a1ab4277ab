//! `sb_decode_chunked`: picohttpparser's `phr_decode_chunked` contract over
//! the parser crate's strict, resumable, in-place chunked decoder.

use std::ffi::{c_char, c_int};
use std::mem::{align_of, size_of};

use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder, ChunkedError, ChunkedErrorKind, Trailers};

use crate::error::{sb_error, sb_result};
use crate::ptr::{guard, try_mut, try_out_opt, try_ref, try_slice_mut, ArgError};

/// `ssize_t`, as in picohttpparser's `phr_decode_chunked` (declared by
/// `<sys/types.h>`, which the header includes).
#[allow(non_camel_case_types)]
pub type ssize_t = isize;

/// Words of private state in `struct sb_chunked_decoder` (part of the ABI:
/// the struct's size changes only with a new major version).
pub const SB_CHUNKED_DECODER_PRIVATE_WORDS: usize = 16;
const PRIVATE_WORDS: usize = SB_CHUNKED_DECODER_PRIVATE_WORDS;

// The decoder state must fit the storage the C struct reserves for it.
const _: () = assert!(size_of::<ChunkedDecoder>() <= PRIVATE_WORDS * 8);
const _: () = assert!(align_of::<ChunkedDecoder>() <= align_of::<u64>());
// It lives in C memory that C may copy and never frees: it must own nothing.
const _: () = assert!(!std::mem::needs_drop::<ChunkedDecoder>());

/// State of a chunked-body decoder, used like picohttpparser's
/// `struct phr_chunked_decoder`: the caller allocates it (on the stack, in
/// a connection struct, …), **zero-fills it before the first call**
/// (`struct sb_chunked_decoder d = {0};`), may set `consume_trailer`, and
/// passes it to every `sb_decode_chunked` call for one body. It holds no
/// pointers and needs no freeing; zero it again to decode another body.
/// Do not change it between calls other than by zeroing it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_chunked_decoder {
    /// picohttpparser's flag, read at the first call: 0 stops after the last
    /// chunk's size line, leaving the trailer section (if any) in the bytes
    /// returned as undecoded; non-zero consumes the trailer section through
    /// its final empty line (checking line endings and the 8 KiB limit).
    pub consume_trailer: c_char,
    /// Private: 0 until the first call.
    pub _started: c_char,
    /// Private decoder state.
    pub _private: [u64; SB_CHUNKED_DECODER_PRIVATE_WORDS],
}

impl sb_chunked_decoder {
    /// A zero-filled decoder, as C code makes with `= {0}`.
    pub const fn zeroed() -> sb_chunked_decoder {
        sb_chunked_decoder { consume_trailer: 0, _started: 0, _private: [0; PRIVATE_WORDS] }
    }

    fn storage(&mut self) -> *mut ChunkedDecoder {
        self._private.as_mut_ptr().cast::<ChunkedDecoder>()
    }

    /// The Rust decoder, created at the first call.
    fn decoder(&mut self) -> &mut ChunkedDecoder {
        if self._started == 0 {
            let mut config = ChunkedConfig::new();
            config.trailers = if self.consume_trailer != 0 { Trailers::Discard } else { Trailers::Leave };
            // SAFETY: `storage` is in bounds, aligned and large enough for a
            // `ChunkedDecoder` (checked at compile time above), and nothing
            // else refers to it.
            unsafe { self.storage().write(ChunkedDecoder::new(config)) };
            self._started = 1;
        }
        // SAFETY: `_started` is set only after a `ChunkedDecoder` was written
        // to the storage above; `ChunkedDecoder` holds no pointers, so a
        // byte-wise copy of the struct made by C is still a valid value. The
        // caller's contract (zero-fill before the first call, no other
        // changes) rules out any other content.
        unsafe { &mut *self.storage() }
    }

    fn peek(&self) -> Option<&ChunkedDecoder> {
        // SAFETY: as in `decoder`: started means a decoder was written.
        (self._started != 0).then(|| unsafe { &*self._private.as_ptr().cast::<ChunkedDecoder>() })
    }
}

fn code(kind: ChunkedErrorKind) -> sb_result {
    match kind {
        ChunkedErrorKind::InvalidChunkSize => sb_result::InvalidChunkSize,
        ChunkedErrorKind::ChunkSizeOverflow => sb_result::ChunkSizeOverflow,
        ChunkedErrorKind::InvalidExtension => sb_result::InvalidChunkExtension,
        ChunkedErrorKind::ExtensionTooLong => sb_result::ChunkExtensionTooLong,
        ChunkedErrorKind::InvalidLineEnding => sb_result::ChunkedLineEnding,
        ChunkedErrorKind::MissingDataCrlf => sb_result::MissingChunkDataCrlf,
        ChunkedErrorKind::BodyTooLarge => sb_result::ChunkedBodyTooLarge,
        ChunkedErrorKind::ExcessiveOverhead => sb_result::ChunkedOverhead,
        ChunkedErrorKind::TrailersTooLarge => sb_result::TrailersTooLarge,
        ChunkedErrorKind::InvalidTrailers => sb_result::InvalidTrailers,
        ChunkedErrorKind::AfterError => sb_result::ChunkedAfterError,
        _ => sb_result::InvalidChunked,
    }
}

fn detail(e: &ChunkedError) -> sb_error {
    sb_error::new(code(e.kind()), e.offset(), e.status())
}

/// The shared body of the two decode calls.
///
/// # Safety
/// As for `sb_decode_chunked`, plus `out_error` NULL or writable.
unsafe fn decode(
    decoder: *mut sb_chunked_decoder,
    buf: *mut c_char,
    bufsz: *mut usize,
    out_error: *mut sb_error,
) -> Result<ssize_t, ArgError> {
    // SAFETY: the export's contract: `decoder` zero-filled or used only by
    // earlier calls, `*bufsz` writable bytes at `buf`, no overlaps.
    let (decoder, bufsz, out_error) = unsafe { (try_mut(decoder)?, try_mut(bufsz)?, try_out_opt(out_error)?) };
    // SAFETY: as above.
    let buf = unsafe { try_slice_mut(buf.cast::<u8>(), *bufsz)? };
    Ok(match decoder.decoder().decode(buf) {
        Ok(d) => {
            *bufsz = d.data;
            // With `Leave` and `Discard` no trailer bytes are kept apart; were
            // any, they sit before the leftover and are undecoded too.
            if d.complete {
                (d.trailer + d.leftover) as ssize_t
            } else {
                -2
            }
        }
        Err(e) => {
            if let Some(slot) = out_error {
                slot.write(detail(&e));
            }
            -1
        }
    })
}

/// Decodes a chunked body in place, with the signature and return
/// convention of picohttpparser's `phr_decode_chunked`, strictly
/// (RFC 9112 §7.1).
///
/// Pass each piece of the body as it arrives: `buf`/`*bufsz` holds the new
/// bytes. The decoded data is moved to the front of `buf` and `*bufsz` is
/// set to its length. Returns -2 when the body is not complete yet (call
/// again with the next bytes); a value >= 0 when the body ended: that many
/// bytes after it (a pipelined request, or with `consume_trailer == 0` the
/// trailer section and what follows) were left undecoded at
/// `buf + *bufsz`. Returns -1 on an error, leaving `*bufsz` unchanged and
/// `buf` partly rewritten; every later call then returns -1 too.
///
/// Strict where picohttpparser is lenient: CRLF is required after every
/// size line, chunk data and trailer line (no bare LF); chunk extensions
/// must follow the RFC grammar (at most 1 KiB per line); the decoded body is
/// limited to 1 GiB; framing may exceed data by at most 16 KiB (floods of
/// tiny chunks); a kept trailer section is limited to 8 KiB.
///
/// # Safety
/// `decoder` must be NULL or a zero-filled `sb_chunked_decoder` (or one
/// used only by earlier calls for the same body); `bufsz` must be NULL or
/// point to a `size_t`; `buf` must be NULL (only when `*bufsz` is 0) or
/// point to `*bufsz` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn sb_decode_chunked(
    decoder: *mut sb_chunked_decoder,
    buf: *mut c_char,
    bufsz: *mut usize,
) -> ssize_t {
    // SAFETY: forwarded from the export's contract; `out_error` is NULL.
    guard(-1, || unsafe { decode(decoder, buf, bufsz, std::ptr::null_mut()) }.unwrap_or(-1))
}

/// `sb_decode_chunked`, plus the reason for a -1: when it returns -1 and
/// `out_error` is not NULL, `*out_error` gets the error code (200–299), the
/// offset of the offending byte in this call's `buf`, and the HTTP status
/// to answer with (400, 413 for the body limit, 431 for the trailer limit).
/// A NULL or misaligned argument returns -1 without writing `*out_error`.
///
/// # Safety
/// As for `sb_decode_chunked`; `out_error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_decode_chunked_with_error(
    decoder: *mut sb_chunked_decoder,
    buf: *mut c_char,
    bufsz: *mut usize,
    out_error: *mut sb_error,
) -> ssize_t {
    // SAFETY: forwarded from the export's contract.
    guard(-1, || unsafe { decode(decoder, buf, bufsz, out_error) }.unwrap_or(-1))
}

/// Whether the decoder is in the middle of a chunk's data, as
/// picohttpparser's `phr_decode_chunked_is_in_data`: 1 or 0 (also 0 for a
/// NULL or not yet used decoder).
///
/// # Safety
/// `decoder` must be NULL or a decoder as for `sb_decode_chunked`.
#[no_mangle]
pub unsafe extern "C" fn sb_decode_chunked_is_in_data(decoder: *mut sb_chunked_decoder) -> c_int {
    // (Not `const`, to keep picohttpparser's exact signature; it only reads.)
    guard(0, || {
        // SAFETY: the export's contract.
        match unsafe { try_ref(decoder.cast_const()) } {
            Ok(d) => c_int::from(d.peek().is_some_and(ChunkedDecoder::is_in_data)),
            Err(_) => 0,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(consume_trailer: bool, input: &[u8]) -> (ssize_t, Vec<u8>) {
        let mut d = sb_chunked_decoder::zeroed();
        d.consume_trailer = c_char::from(consume_trailer);
        let mut buf = input.to_vec();
        let mut n = buf.len();
        // SAFETY: `buf` has `n` writable bytes; `d` is zero-filled.
        let r = unsafe { sb_decode_chunked(&mut d, buf.as_mut_ptr().cast(), &mut n) };
        buf.truncate(n);
        (r, buf)
    }

    #[test]
    fn every_error_kind_has_a_code_with_the_parsers_status() {
        use ChunkedErrorKind as K;
        let kinds = [
            K::InvalidChunkSize,
            K::ChunkSizeOverflow,
            K::InvalidExtension,
            K::ExtensionTooLong,
            K::InvalidLineEnding,
            K::MissingDataCrlf,
            K::BodyTooLarge,
            K::ExcessiveOverhead,
            K::TrailersTooLarge,
            K::InvalidTrailers,
            K::AfterError,
        ];
        for kind in kinds {
            let c = code(kind);
            assert_ne!(c, sb_result::InvalidChunked, "{kind:?}");
            assert_eq!(crate::error::sb_result_http_status(c as u32), kind.status(), "{kind:?}");
        }
    }

    #[test]
    fn decodes_in_place_with_picohttpparser_returns() {
        assert_eq!(decode_all(false, b"5\r\nhello\r\n0\r\n"), (0, b"hello".to_vec()));
        assert_eq!(decode_all(false, b"5\r\nhello\r\n0\r\nA: b\r\n\r\n"), (8, b"hello".to_vec()));
        assert_eq!(decode_all(true, b"5\r\nhello\r\n0\r\n"), (-2, b"hello".to_vec()));
        assert_eq!(decode_all(true, b"5\r\nhello\r\n0\r\n\r\nGET"), (3, b"hello".to_vec()));
        assert_eq!(decode_all(true, b"5\nhello\n0\n\n").0, -1);
    }

    #[test]
    fn a_byte_at_a_time_gives_the_same_result() {
        let input = b"6;x=\"y\"\r\nhello \r\n5\r\nworld\r\n0\r\nT: 1\r\n\r\nrest";
        let mut d = sb_chunked_decoder::zeroed();
        d.consume_trailer = 1;
        let mut out = Vec::new();
        let mut last = -2;
        for (i, &b) in input.iter().enumerate() {
            let mut one = [b];
            let mut n = 1;
            // SAFETY: `one` has one writable byte.
            last = unsafe { sb_decode_chunked(&mut d, one.as_mut_ptr().cast(), &mut n) };
            out.extend_from_slice(&one[..n]);
            if last >= 0 {
                assert_eq!(i, input.len() - 5);
                break;
            }
            assert_eq!(last, -2);
        }
        assert_eq!((last, out.as_slice()), (0, &b"hello world"[..]));
    }
}
