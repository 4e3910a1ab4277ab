//! Body framing and connection semantics of a parsed head
//! (`springbok_parser::framing`): how long the body is, keep-alive,
//! `Expect: 100-continue`, `Upgrade`, CONNECT.

use std::ffi::{c_char, c_int};

use springbok_parser::framing;
use springbok_parser::framing::{Body, Expect, FramingConfig, FramingError};

use crate::error::{sb_error, sb_result};
use crate::failure::{finish, Detail, Failure};
use crate::input::{self, HeaderStore};
use crate::parse::sb_request;
use crate::pico::sb_header;
use crate::ptr::{guard, try_out, try_out_opt, try_ref, try_slice, ArgError};

/// How a message body is delimited.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum sb_body_kind {
    /// No body: a request without Content-Length or Transfer-Encoding, or a
    /// response that cannot have one (1xx, 204, 304, a reply to HEAD, a 2xx
    /// reply to CONNECT).
    None = 0,
    /// Exactly `content_length` bytes follow the head.
    ContentLength = 1,
    /// The chunked transfer coding: decode with `sb_decode_chunked`.
    Chunked = 2,
    /// A response body that ends when the server closes the connection.
    UntilClose = 3,
}

/// What a request's Expect header asks for.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum sb_expect {
    /// No expectation (or an HTTP/1.0 request, whose expectations are
    /// ignored).
    None = 0,
    /// `100-continue`: send `100 Continue` before reading the body.
    Continue = 1,
    /// Some other expectation: answer 417.
    Other = 2,
}

/// A body's framing, written by `sb_framing_request_body` and
/// `sb_framing_response_body` on success.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_body {
    /// How the body is delimited.
    pub kind: sb_body_kind,
    /// `SB_BODY_KIND_CONTENT_LENGTH`: the body's length; 0 otherwise.
    pub content_length: u64,
}

/// Everything a server decides after reading a request head, written by
/// `sb_framing_request_info` on success.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_request_info {
    /// How the body is delimited (never `SB_BODY_KIND_UNTIL_CLOSE`).
    pub body: sb_body,
    /// Whether the connection may carry another request after this one:
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
    /// `Connection: keep-alive` and without `close`.
    pub keep_alive: bool,
    /// What the Expect header asks for.
    pub expect: sb_expect,
    /// The Upgrade header's value when the request asks to switch protocols
    /// (HTTP/1.1, `Connection: upgrade` and an Upgrade header); NULL
    /// otherwise. Points into the caller's input buffer (it is a header
    /// value span).
    pub upgrade: *const c_char,
    /// Length of `upgrade`; 0 when it is NULL.
    pub upgrade_len: usize,
    /// The method is CONNECT: after a 2xx the connection is a tunnel.
    pub connect: bool,
}

fn body(b: Body) -> sb_body {
    match b {
        Body::None => sb_body { kind: sb_body_kind::None, content_length: 0 },
        Body::ContentLength(n) => sb_body { kind: sb_body_kind::ContentLength, content_length: n },
        Body::Chunked => sb_body { kind: sb_body_kind::Chunked, content_length: 0 },
        Body::UntilClose => sb_body { kind: sb_body_kind::UntilClose, content_length: 0 },
    }
}

impl Detail for FramingError {
    fn detail(&self) -> sb_error {
        let kind = sb_result::from_framing(self.kind());
        sb_error { kind, offset: self.header_index(), status: self.status(), header: self.header_index() }
    }
}

/// `sb_framing_request_info_with_flags`: also reject an HTTP/1.1 request
/// that has no Host header, with `SB_RESULT_MISSING_HOST` (RFC 9112 §3.2:
/// a server MUST answer 400). Off by default, as many clients' and peers'
/// test requests omit Host; a server should set it. (More than one Host, or
/// an invalid Host value, is always rejected.)
pub const SB_FRAMING_REQUIRE_HOST: u32 = 1 << 0;

const ALL_FRAMING_FLAGS: u32 = SB_FRAMING_REQUIRE_HOST;

/// Decides the framing, keep-alive, Expect, Upgrade and CONNECT of a
/// request parsed by `sb_parser_config_parse_request` (or filled in by the
/// caller): `request` gives the method, version and `num_headers`, and
/// `headers[0, request->num_headers)` the headers. The same as
/// `sb_framing_request_info_with_flags` with no flags.
///
/// Returns `SB_RESULT_OK` and writes `*out_info`; or a framing code
/// (500–599: Transfer-Encoding with Content-Length, a final coding other
/// than `chunked`, conflicting or malformed Content-Length, more than one
/// Host or an invalid Host value, a CONNECT request with a body, …; answer
/// `sb_result_http_status(code)`, 400 or 501, and close the connection) and,
/// if `out_error` is not NULL, `*out_error` with the offending header's
/// index in `header` and `offset`; or `SB_RESULT_NULL_ARGUMENT` /
/// `SB_RESULT_INVALID_ARGUMENT` (a `minor_version` other than 0 or 1, a
/// NULL span with a non-zero length). A field continued by obs-fold (a
/// NULL-named continuation header after it, or a value with raw folds) is
/// read with each fold replaced by SP, as RFC 9112 §5.2 says.
///
/// # Safety
/// `request` must be NULL or a valid `sb_request` whose spans are readable;
/// `headers` NULL (only with `num_headers` 0) or `request->num_headers`
/// readable entries whose spans are readable; outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_framing_request_info(
    request: *const sb_request,
    headers: *const sb_header,
    out_info: *mut sb_request_info,
    out_error: *mut sb_error,
) -> sb_result {
    // SAFETY: the same contract.
    unsafe { sb_framing_request_info_with_flags(request, headers, 0, out_info, out_error) }
}

/// `sb_framing_request_info` with optional checks: `flags` is a bitwise OR
/// of `SB_FRAMING_*` constants (`SB_FRAMING_REQUIRE_HOST`), 0 for none. An
/// unknown bit is `SB_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// As for `sb_framing_request_info`.
#[no_mangle]
pub unsafe extern "C" fn sb_framing_request_info_with_flags(
    request: *const sb_request,
    headers: *const sb_header,
    flags: u32,
    out_info: *mut sb_request_info,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (req, out, out_error) = match unsafe { (try_ref(request), try_out(out_info), try_out_opt(out_error)) } {
            (Ok(r), Ok(o), Ok(e)) => (r, o, e),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
        };
        if flags & !ALL_FRAMING_FLAGS != 0 {
            return sb_result::InvalidArgument;
        }
        let mut config = FramingConfig::new();
        config.require_host = flags & SB_FRAMING_REQUIRE_HOST != 0;
        let mut store = HeaderStore::new();
        let r = (|| -> Result<_, Failure<FramingError, _>> {
            // SAFETY: the export's contract: readable spans and headers.
            let req = unsafe { input::request(req, headers, &mut store) }?;
            let info = config.request_info(&req)?;
            let (upgrade, upgrade_len) = match info.upgrade {
                Some(u) => (u.as_ptr().cast::<c_char>(), u.len()),
                None => (std::ptr::null(), 0),
            };
            Ok(sb_request_info {
                body: body(info.body),
                keep_alive: info.keep_alive,
                expect: match info.expect {
                    Expect::None => sb_expect::None,
                    Expect::Continue => sb_expect::Continue,
                    Expect::Other => sb_expect::Other,
                },
                upgrade,
                upgrade_len,
                connect: info.connect,
            })
        })();
        finish(r, out, out_error)
    })
}

/// The body framing of a request from its version (0 or 1) and headers
/// alone (RFC 9112 §6.3): `SB_BODY_KIND_NONE`, `_CONTENT_LENGTH` or
/// `_CHUNKED`. Results and errors as for `sb_framing_request_info`, but
/// without the rules that need the method or the Host field (CONNECT,
/// Host): a server should call `sb_framing_request_info`.
///
/// # Safety
/// `headers` must be NULL (only with `num_headers` 0) or `num_headers`
/// readable entries whose spans are readable; outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_framing_request_body(
    minor_version: c_int,
    headers: *const sb_header,
    num_headers: usize,
    out_body: *mut sb_body,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (list, out, out_error) =
            match unsafe { (try_slice(headers, num_headers), try_out(out_body), try_out_opt(out_error)) } {
                (Ok(l), Ok(o), Ok(e)) => (l, o, e),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into(),
            };
        let mut store = HeaderStore::new();
        let r = (|| -> Result<_, Failure<FramingError, _>> {
            let v = input::minor_version(minor_version)?;
            // SAFETY: the export's contract: readable header spans.
            let hs = unsafe { store.fill(list) }?;
            Ok(body(framing::request_body(v, hs)?))
        })();
        finish(r, out, out_error)
    })
}

/// The body framing of a response with `status` (100–999) and `headers`
/// to a request with method `request_method`/`request_method_len` (HEAD
/// and CONNECT matter; `(NULL, 0)` is no method): `SB_BODY_KIND_NONE` for
/// 1xx, 204, 304, HEAD and a 2xx to CONNECT, else Content-Length, chunked
/// or `SB_BODY_KIND_UNTIL_CLOSE` (also when Transfer-Encoding's final coding
/// is not `chunked`, or it is no list of codings). Errors as for
/// `sb_framing_request_info` (a status outside 100–999 is
/// `SB_RESULT_INVALID_ARGUMENT`).
///
/// # Safety
/// `headers` must be NULL (only with `num_headers` 0) or `num_headers`
/// readable entries whose spans are readable; `request_method` NULL or
/// `request_method_len` readable bytes; outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sb_framing_response_body(
    minor_version: c_int,
    status: c_int,
    headers: *const sb_header,
    num_headers: usize,
    request_method: *const c_char,
    request_method_len: usize,
    out_body: *mut sb_body,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let args = unsafe {
            (
                try_slice(headers, num_headers),
                try_slice(request_method.cast::<u8>(), request_method_len),
                try_out(out_body),
                try_out_opt(out_error),
            )
        };
        let (list, method, out, out_error) = match args {
            (Ok(l), Ok(m), Ok(o), Ok(e)) => (l, m, o, e),
            (Err(e), _, _, _) | (_, Err(e), _, _) | (_, _, Err(e), _) | (_, _, _, Err(e)) => return e.into(),
        };
        let mut store = HeaderStore::new();
        let r = (|| -> Result<_, Failure<FramingError, _>> {
            let v = input::minor_version(minor_version)?;
            let code = match u16::try_from(status) {
                Ok(c @ 100..=999) => c,
                _ => return Err(Failure::Arg(ArgError::Invalid)),
            };
            // SAFETY: the export's contract: readable header spans.
            let hs = unsafe { store.fill(list) }?;
            Ok(body(framing::response_body(v, code, hs, method)?))
        })();
        finish(r, out, out_error)
    })
}

/// Whether the connection may carry another message after this one, from
/// the version (0 or 1) and the Connection headers alone (RFC 9112 §9.3).
/// Returns `SB_RESULT_OK` and writes `*out_keep_alive`, or
/// `SB_RESULT_NULL_ARGUMENT` / `SB_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `headers` must be NULL (only with `num_headers` 0) or `num_headers`
/// readable entries whose spans are readable; `out_keep_alive` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn sb_framing_keep_alive(
    minor_version: c_int,
    headers: *const sb_header,
    num_headers: usize,
    out_keep_alive: *mut bool,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract.
        let (list, out) = match unsafe { (try_slice(headers, num_headers), try_out(out_keep_alive)) } {
            (Ok(l), Ok(o)) => (l, o),
            (Err(e), _) | (_, Err(e)) => return e.into(),
        };
        let mut store = HeaderStore::new();
        let r = (|| -> Result<_, Failure<FramingError, _>> {
            let v = input::minor_version(minor_version)?;
            // SAFETY: the export's contract: readable header spans.
            let hs = unsafe { store.fill(list) }?;
            Ok(framing::keep_alive(v, hs))
        })();
        finish(r, out, None)
    })
}
