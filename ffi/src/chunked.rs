//! `sb_decode_chunked`: picohttpparser's `phr_decode_chunked` contract over
//! the parser crate's strict, resumable, in-place chunked decoder.

use std::ffi::{c_char, c_int};
use std::mem::{align_of, size_of};

use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder, ChunkedError, ChunkedErrorKind, Trailers};

use crate::error::{sb_error, sb_result};
use crate::ptr::{free_raw, guard, to_raw, try_mut, try_out_opt, try_ref, try_slice_mut, ArgError};

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
/// Do not change it between calls other than by zeroing it (or by
/// `sb_chunked_decoder_init`, which starts it over with the limits of an
/// `sb_chunked_config` instead of the defaults).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_chunked_decoder {
    /// picohttpparser's flag, read at the first call: 0 stops after the last
    /// chunk's size line, leaving the trailer section (if any) in the bytes
    /// returned as undecoded; non-zero consumes the trailer section through
    /// its final empty line, checking it as `sb_parse_headers` would (the
    /// strict header-block grammar, at most 64 fields) and the trailer limit
    /// (8 KiB by default).
    pub consume_trailer: c_char,
    /// Private: 0 until the first call (1 after it, 2 after
    /// `sb_chunked_decoder_init`).
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

    /// Starts the decoder over with `config`'s limits: kept as plain words
    /// until the first call builds the decoder (which reads
    /// `consume_trailer` then), so any bytes C copies are valid.
    fn configure(&mut self, config: &ChunkedConfig) {
        self._private = [0; PRIVATE_WORDS];
        self._private[..LIMIT_WORDS].copy_from_slice(&[
            config.max_body_bytes,
            config.max_extension_len as u64,
            config.max_overhead,
            config.max_trailer_bytes as u64,
        ]);
        self._started = CONFIGURED;
    }

    /// The limits `configure` stored.
    fn configured(&self) -> ChunkedConfig {
        let clamp = |w: u64| usize::try_from(w).unwrap_or(usize::MAX);
        let mut c = ChunkedConfig::new();
        c.max_body_bytes = self._private[0];
        c.max_extension_len = clamp(self._private[1]);
        c.max_overhead = self._private[2];
        c.max_trailer_bytes = clamp(self._private[3]);
        c
    }

    /// The Rust decoder, created at the first call.
    fn decoder(&mut self) -> &mut ChunkedDecoder {
        if self._started != STARTED {
            let mut config = if self._started == CONFIGURED { self.configured() } else { ChunkedConfig::new() };
            config.trailers = if self.consume_trailer != 0 { Trailers::Discard } else { Trailers::Leave };
            // SAFETY: `storage` is in bounds, aligned and large enough for a
            // `ChunkedDecoder` (checked at compile time above), and nothing
            // else refers to it.
            unsafe { self.storage().write(ChunkedDecoder::new(config)) };
            self._started = STARTED;
        }
        // SAFETY: `_started` is STARTED only after a `ChunkedDecoder` was written
        // to the storage above; `ChunkedDecoder` holds no pointers, so a
        // byte-wise copy of the struct made by C is still a valid value. The
        // caller's contract (zero-fill before the first call, no other
        // changes) rules out any other content.
        unsafe { &mut *self.storage() }
    }

    fn peek(&self) -> Option<&ChunkedDecoder> {
        // SAFETY: as in `decoder`: started means a decoder was written.
        (self._started == STARTED).then(|| unsafe { &*self._private.as_ptr().cast::<ChunkedDecoder>() })
    }
}

/// `_started` once the first call has written a `ChunkedDecoder`.
const STARTED: c_char = 1;
/// `_started` after `sb_chunked_decoder_init`: limits in the first words.
const CONFIGURED: c_char = 2;
/// Words of `_private` that hold the limits of a configured decoder.
const LIMIT_WORDS: usize = 4;

/// Limits for chunked-body decoders. Opaque.
///
/// Create it with `sb_chunked_config_new` (the defaults: body 1 GiB,
/// extensions 1 KiB per size line, framing overhead 16 KiB over the data,
/// trailer section 8 KiB), adjust it with the `sb_chunked_config_set_*`
/// calls, and start any number of decoders with it through
/// `sb_chunked_decoder_init`; free it with `sb_chunked_config_free` (the
/// decoders keep a copy of the limits). Shared by threads as
/// `sb_parser_config` is: read-only once set up.
pub struct sb_chunked_config {
    inner: ChunkedConfig,
}

/// Creates a chunked config with the default limits. The caller owns it
/// and frees it with `sb_chunked_config_free`. Returns NULL only if a panic
/// was caught.
#[no_mangle]
pub extern "C" fn sb_chunked_config_new() -> *mut sb_chunked_config {
    guard(std::ptr::null_mut(), || to_raw(sb_chunked_config { inner: ChunkedConfig::new() }))
}

/// Frees a config made by `sb_chunked_config_new`. NULL is a no-op;
/// freeing the same config twice is undefined behaviour. Decoders started
/// with it are unaffected.
///
/// # Safety
/// `config` must be NULL or a config from `sb_chunked_config_new` that has
/// not been freed; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn sb_chunked_config_free(config: *mut sb_chunked_config) {
    guard((), || {
        // SAFETY: the caller passes NULL or a pointer from
        // `sb_chunked_config_new` that it has not freed yet.
        unsafe { free_raw(config) }
    })
}

/// Which limit `set_limit` changes.
#[derive(Clone, Copy)]
enum Limit {
    Body,
    Extension,
    Overhead,
    Trailer,
}

fn set_limit(config: *mut sb_chunked_config, limit: Limit, value: u64) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: `config` is NULL or a live config from
        // `sb_chunked_config_new` that no other thread uses during the call.
        let config = match unsafe { try_mut(config) } {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        if value == 0 {
            return sb_result::InvalidArgument;
        }
        let size = usize::try_from(value).unwrap_or(usize::MAX);
        let c = &mut config.inner;
        match limit {
            Limit::Body => c.max_body_bytes = value,
            Limit::Extension => c.max_extension_len = size,
            Limit::Overhead => c.max_overhead = value,
            Limit::Trailer => c.max_trailer_bytes = size,
        }
        sb_result::Ok
    })
}

/// Sets the largest decoded body in bytes; a larger one fails with
/// `SB_RESULT_CHUNKED_BODY_TOO_LARGE` (answer 413). Default 1 GiB. 0 is
/// refused with `SB_RESULT_INVALID_ARGUMENT` (use `UINT64_MAX` for "no
/// limit").
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_chunked_config_set_max_body_bytes(config: *mut sb_chunked_config, value: u64) -> sb_result {
    set_limit(config, Limit::Body, value)
}

/// Sets the longest chunk extensions of one size line in bytes; longer
/// fails with `SB_RESULT_CHUNK_EXTENSION_TOO_LONG`. Default 1 KiB. 0 is
/// refused (1 allows no extension at all).
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_chunked_config_set_max_extension_len(
    config: *mut sb_chunked_config,
    value: usize,
) -> sb_result {
    set_limit(config, Limit::Extension, value as u64)
}

/// Sets the framing overhead guard: by how many bytes the framing (size
/// lines, extensions, CRLFs) may exceed the data decoded so far before
/// `SB_RESULT_CHUNKED_OVERHEAD`. Default 16 KiB. 0 is refused.
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_chunked_config_set_max_overhead(config: *mut sb_chunked_config, value: u64) -> sb_result {
    set_limit(config, Limit::Overhead, value)
}

/// Sets the largest trailer section, its final empty line included, in
/// bytes; larger fails with `SB_RESULT_TRAILERS_TOO_LARGE` (answer 431).
/// Default 8 KiB. 0 is refused.
///
/// # Safety
/// `config` must be NULL or a live config that no other thread uses during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn sb_chunked_config_set_max_trailer_bytes(
    config: *mut sb_chunked_config,
    value: usize,
) -> sb_result {
    set_limit(config, Limit::Trailer, value as u64)
}

/// Starts `decoder` over, at the beginning of a body, with the limits of
/// `config` instead of the defaults: use it where a picohttpparser user
/// zero-fills the decoder. `consume_trailer` is left as it is and, as
/// always, read at the first `sb_decode_chunked` call, so it may be set
/// before or after. Returns `SB_RESULT_OK`, or `SB_RESULT_NULL_ARGUMENT`.
///
/// # Safety
/// `decoder` must be NULL or point to a writable `sb_chunked_decoder` (its
/// content does not matter); `config` NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn sb_chunked_decoder_init(
    decoder: *mut sb_chunked_decoder,
    config: *const sb_chunked_config,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        match unsafe { (try_mut(decoder), try_ref(config)) } {
            (Ok(d), Ok(c)) => {
                d.configure(&c.inner);
                sb_result::Ok
            }
            (Err(e), _) | (_, Err(e)) => e.into(),
        }
    })
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
/// tiny chunks); a consumed trailer section must be a valid header block of
/// at most 8 KiB. (`sb_chunked_decoder_init` sets other limits.)
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
    fn init_sets_the_limits_and_keeps_consume_trailer() {
        // SAFETY: `c` is live until freed at the end; every other pointer is
        // a live local or NULL.
        unsafe {
            let c = sb_chunked_config_new();
            assert_eq!(sb_chunked_config_set_max_body_bytes(c, 4), sb_result::Ok);
            assert_eq!(sb_chunked_config_set_max_trailer_bytes(c, 0), sb_result::InvalidArgument);
            assert_eq!(sb_chunked_config_set_max_overhead(std::ptr::null_mut(), 1), sb_result::NullArgument);
            let mut d = sb_chunked_decoder::zeroed();
            // Garbage before init does not matter.
            d._private = [u64::MAX; PRIVATE_WORDS];
            d._started = 7;
            assert_eq!(sb_chunked_decoder_init(&mut d, c), sb_result::Ok);
            assert_eq!(sb_chunked_decoder_init(std::ptr::null_mut(), c), sb_result::NullArgument);
            assert_eq!(sb_chunked_decoder_init(&mut d, std::ptr::null()), sb_result::NullArgument);
            d.consume_trailer = 1;
            let copy = d;
            sb_chunked_config_free(c);
            let mut buf = *b"4\r\nabcd\r\n0\r\nT: 1\r\n\r\nX";
            let mut n = buf.len();
            assert_eq!(sb_decode_chunked(&mut d, buf.as_mut_ptr().cast(), &mut n), 1);
            assert_eq!(&buf[..n], b"abcd");
            // A copy of the configured decoder has the same limits.
            let mut d2 = copy;
            let mut big = *b"5\r\nabcde\r\n";
            let mut n = big.len();
            let mut e = sb_error::new(sb_result::Ok, 0, 0);
            assert_eq!(sb_decode_chunked_with_error(&mut d2, big.as_mut_ptr().cast(), &mut n, &mut e), -1);
            assert_eq!((e.kind, e.status), (sb_result::ChunkedBodyTooLarge, 413));
            sb_chunked_config_free(std::ptr::null_mut());
        }
    }

    #[test]
    fn each_limit_reaches_the_decoder() {
        let cases: [(&[u8], Limit, u64, sb_result); 4] = [
            (b"3\r\nabc\r\n", Limit::Body, 2, sb_result::ChunkedBodyTooLarge),
            (b"3;abc\r\nabc\r\n", Limit::Extension, 3, sb_result::ChunkExtensionTooLong),
            (b"1\r\na\r\n1\r\nb\r\n", Limit::Overhead, 4, sb_result::ChunkedOverhead),
            (b"0\r\nA: b\r\n\r\n", Limit::Trailer, 7, sb_result::TrailersTooLarge),
        ];
        for (input, limit, value, want) in cases {
            // SAFETY: `c` is live until freed; `d`, `buf`, `n` and `e` are
            // live locals.
            unsafe {
                let c = sb_chunked_config_new();
                let mut d = sb_chunked_decoder::zeroed();
                d.consume_trailer = 1;
                let mut buf = input.to_vec();
                let mut n = buf.len();
                // The defaults take the input.
                assert_ne!(sb_decode_chunked(&mut d, buf.as_mut_ptr().cast(), &mut n), -1);
                let set = match limit {
                    Limit::Body => sb_chunked_config_set_max_body_bytes(c, value),
                    Limit::Extension => sb_chunked_config_set_max_extension_len(c, value as usize),
                    Limit::Overhead => sb_chunked_config_set_max_overhead(c, value),
                    Limit::Trailer => sb_chunked_config_set_max_trailer_bytes(c, value as usize),
                };
                assert_eq!(set, sb_result::Ok);
                assert_eq!(sb_chunked_decoder_init(&mut d, c), sb_result::Ok);
                let mut buf = input.to_vec();
                let mut n = buf.len();
                let mut e = sb_error::new(sb_result::Ok, 0, 0);
                assert_eq!(sb_decode_chunked_with_error(&mut d, buf.as_mut_ptr().cast(), &mut n, &mut e), -1);
                assert_eq!(e.kind, want);
                sb_chunked_config_free(c);
            }
        }
    }

    #[test]
    fn a_consumed_trailer_section_is_checked() {
        assert_eq!(decode_all(true, b"0\r\nAny thing: x\r\n\r\n").0, -1);
        assert_eq!(decode_all(true, b"0\r\nA : x\r\n\r\n").0, -1);
        assert_eq!(decode_all(true, b"0\r\nA: x\r\n y\r\n\r\n").0, -1);
        assert_eq!(decode_all(true, b"0\r\nA: x\r\n\r\nGET"), (3, vec![]));
        // Left in place, it is not looked at.
        assert_eq!(decode_all(false, b"0\r\nAny thing: x\r\n\r\n").0, 16);
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
