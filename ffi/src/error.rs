//! Result codes and error detail.

use std::ffi::{c_char, CStr};

use springbok_parser::{Error, ErrorKind};

use crate::ptr::{guard, ArgError};

/// The result of every extended call.
///
/// * `SB_RESULT_OK` (0): success; the call's outputs are written.
/// * `SB_RESULT_PARTIAL` (1): the input ends before the element does: read
///   more and call again. No output is written.
/// * 2–99: the call was used wrongly (NULL or misaligned pointer, bad
///   length, unknown flag) or failed internally (a caught panic).
/// * 100–199: the HTTP head is invalid or breaks a limit; the call's
///   `sb_error` output says where and which HTTP status to answer with.
/// * 200–299: a chunked body is invalid or breaks a limit
///   (`sb_decode_chunked_with_error`).
/// * 300–399: a urlencoded input breaks a limit (`sb_urlencoded_pairs_new`).
/// * 400–499: a multipart `Content-Type` or body is invalid or breaks a
///   limit (`sb_multipart_*`).
///
/// The values are part of the ABI and never change; new codes may be added.
/// `sb_result_message` describes each one.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum sb_result {
    /// Success.
    Ok = 0,
    /// The input is incomplete: read more and call again.
    Partial = 1,
    /// A required pointer argument was NULL.
    NullArgument = 2,
    /// An argument was out of range: a length larger than `PTRDIFF_MAX`, a
    /// `last_len` larger than `len`, a misaligned pointer, an unknown flag
    /// bit or a zero limit.
    InvalidArgument = 3,
    /// Springbok panicked (a bug); the panic was caught at the boundary and
    /// no output was written.
    Panic = 4,
    /// An iterator has no more items (`sb_urlencoded_pairs_next`).
    End = 5,
    /// Empty line before the request line.
    LeadingEmptyLine = 100,
    /// Invalid method.
    Method = 101,
    /// Invalid request-target.
    Target = 102,
    /// A space where the start line allows none, or more than one.
    StartLineSpace = 103,
    /// Malformed HTTP version.
    Version = 104,
    /// Well-formed but unsupported HTTP version (answer 505).
    UnsupportedVersion = 105,
    /// Invalid status code.
    StatusCode = 106,
    /// Invalid reason phrase.
    Reason = 107,
    /// Invalid header name.
    HeaderName = 108,
    /// Whitespace between a header name and its colon.
    SpaceBeforeColon = 109,
    /// Invalid header value.
    HeaderValue = 110,
    /// A whitespace-led line before the first header.
    WhitespaceBeforeFirstHeader = 111,
    /// Obsolete line folding.
    ObsFold = 112,
    /// A line ended by LF without CR.
    BareLf = 113,
    /// A CR not followed by LF.
    BareCr = 114,
    /// More headers than the caller's header storage holds (answer 431).
    TooManyHeaders = 115,
    /// The request-target is longer than the configured limit (answer 414).
    TargetTooLong = 116,
    /// A header name is longer than the configured limit (answer 431).
    HeaderNameTooLong = 117,
    /// A header value is longer than the configured limit (answer 431).
    HeaderValueTooLong = 118,
    /// The head is longer than the configured limit (answer 431).
    HeadTooLarge = 119,
    /// The head is invalid in a way this version of the ABI has no code for.
    InvalidHead = 199,
    /// A chunk-size line without hex digits or with a stray byte.
    InvalidChunkSize = 200,
    /// A chunk size that does not fit in 64 bits.
    ChunkSizeOverflow = 201,
    /// A chunk extension that does not follow the RFC 9112 grammar.
    InvalidChunkExtension = 202,
    /// A size line's chunk extensions are longer than 1 KiB.
    ChunkExtensionTooLong = 203,
    /// A size line or trailer line not ended by CRLF.
    ChunkedLineEnding = 204,
    /// A chunk's data not followed by CRLF.
    MissingChunkDataCrlf = 205,
    /// The decoded body would exceed the body limit (answer 413).
    ChunkedBodyTooLarge = 206,
    /// Chunk framing outweighs the data by more than the overhead limit.
    ChunkedOverhead = 207,
    /// The trailer section is longer than its limit (answer 431).
    TrailersTooLarge = 208,
    /// The trailer section is not a valid header block.
    InvalidTrailers = 209,
    /// The decoder was called again after it failed.
    ChunkedAfterError = 210,
    /// The chunked body is invalid in a way this version of the ABI has no
    /// code for.
    InvalidChunked = 299,
    /// A urlencoded input is longer than its limit (answer 413).
    UrlencodedInputTooLong = 300,
    /// A urlencoded input has more pairs than its limit (answer 413).
    UrlencodedTooManyPairs = 301,
    /// A urlencoded input was refused in a way this version of the ABI has
    /// no code for.
    InvalidUrlencoded = 399,
    /// The `Content-Type` value is longer than 4 KiB.
    ContentTypeTooLong = 400,
    /// The media type is not a `multipart` type (answer 415).
    NotMultipart = 401,
    /// The `Content-Type` value is malformed.
    MalformedContentType = 402,
    /// The `Content-Type` has no boundary parameter.
    MissingBoundary = 403,
    /// The `Content-Type` has more than one boundary parameter.
    DuplicateBoundary = 404,
    /// The boundary is not 1–70 RFC 2046 characters.
    InvalidBoundary = 405,
    /// The preamble is longer than its limit.
    PreambleTooLarge = 406,
    /// The epilogue is longer than its limit.
    EpilogueTooLarge = 407,
    /// More parts than the limit.
    TooManyParts = 408,
    /// A part's header block is longer than its limit.
    PartHeaderTooLarge = 409,
    /// A part has more header lines than the limit.
    TooManyPartHeaders = 410,
    /// A non-file part's data is longer than its limit (answer 413).
    FieldTooLarge = 411,
    /// The multipart body is longer than its limit (answer 413).
    MultipartBodyTooLarge = 412,
    /// A boundary line is malformed.
    MalformedDelimiter = 413,
    /// A part's header block is not a valid header block.
    InvalidPartHeaders = 414,
    /// A part repeats a header that must be unique.
    DuplicatePartHeader = 415,
    /// A part's `Content-Disposition` is malformed.
    MalformedContentDisposition = 416,
    /// The body ended before the close delimiter.
    MultipartTruncated = 417,
    /// The multipart body is invalid in a way this version of the ABI has no
    /// code for.
    InvalidMultipart = 499,
}

impl sb_result {
    /// The code for a parse error kind.
    pub(crate) fn from_kind(kind: ErrorKind) -> sb_result {
        match kind {
            ErrorKind::LeadingEmptyLine => sb_result::LeadingEmptyLine,
            ErrorKind::Method => sb_result::Method,
            ErrorKind::Target => sb_result::Target,
            ErrorKind::StartLineSpace => sb_result::StartLineSpace,
            ErrorKind::Version => sb_result::Version,
            ErrorKind::UnsupportedVersion => sb_result::UnsupportedVersion,
            ErrorKind::StatusCode => sb_result::StatusCode,
            ErrorKind::Reason => sb_result::Reason,
            ErrorKind::HeaderName => sb_result::HeaderName,
            ErrorKind::SpaceBeforeColon => sb_result::SpaceBeforeColon,
            ErrorKind::HeaderValue => sb_result::HeaderValue,
            ErrorKind::WhitespaceBeforeFirstHeader => sb_result::WhitespaceBeforeFirstHeader,
            ErrorKind::ObsFold => sb_result::ObsFold,
            ErrorKind::BareLf => sb_result::BareLf,
            ErrorKind::BareCr => sb_result::BareCr,
            ErrorKind::TooManyHeaders => sb_result::TooManyHeaders,
            ErrorKind::TargetTooLong => sb_result::TargetTooLong,
            ErrorKind::HeaderNameTooLong => sb_result::HeaderNameTooLong,
            ErrorKind::HeaderValueTooLong => sb_result::HeaderValueTooLong,
            ErrorKind::HeadTooLarge => sb_result::HeadTooLarge,
            _ => sb_result::InvalidHead,
        }
    }

    /// Every code, for tests.
    #[cfg(test)]
    pub(crate) const ALL: [sb_result; 61] = [
        sb_result::Ok,
        sb_result::Partial,
        sb_result::NullArgument,
        sb_result::InvalidArgument,
        sb_result::Panic,
        sb_result::End,
        sb_result::LeadingEmptyLine,
        sb_result::Method,
        sb_result::Target,
        sb_result::StartLineSpace,
        sb_result::Version,
        sb_result::UnsupportedVersion,
        sb_result::StatusCode,
        sb_result::Reason,
        sb_result::HeaderName,
        sb_result::SpaceBeforeColon,
        sb_result::HeaderValue,
        sb_result::WhitespaceBeforeFirstHeader,
        sb_result::ObsFold,
        sb_result::BareLf,
        sb_result::BareCr,
        sb_result::TooManyHeaders,
        sb_result::TargetTooLong,
        sb_result::HeaderNameTooLong,
        sb_result::HeaderValueTooLong,
        sb_result::HeadTooLarge,
        sb_result::InvalidHead,
        sb_result::InvalidChunkSize,
        sb_result::ChunkSizeOverflow,
        sb_result::InvalidChunkExtension,
        sb_result::ChunkExtensionTooLong,
        sb_result::ChunkedLineEnding,
        sb_result::MissingChunkDataCrlf,
        sb_result::ChunkedBodyTooLarge,
        sb_result::ChunkedOverhead,
        sb_result::TrailersTooLarge,
        sb_result::InvalidTrailers,
        sb_result::ChunkedAfterError,
        sb_result::InvalidChunked,
        sb_result::UrlencodedInputTooLong,
        sb_result::UrlencodedTooManyPairs,
        sb_result::InvalidUrlencoded,
        sb_result::ContentTypeTooLong,
        sb_result::NotMultipart,
        sb_result::MalformedContentType,
        sb_result::MissingBoundary,
        sb_result::DuplicateBoundary,
        sb_result::InvalidBoundary,
        sb_result::PreambleTooLarge,
        sb_result::EpilogueTooLarge,
        sb_result::TooManyParts,
        sb_result::PartHeaderTooLarge,
        sb_result::TooManyPartHeaders,
        sb_result::FieldTooLarge,
        sb_result::MultipartBodyTooLarge,
        sb_result::MalformedDelimiter,
        sb_result::InvalidPartHeaders,
        sb_result::DuplicatePartHeader,
        sb_result::MalformedContentDisposition,
        sb_result::MultipartTruncated,
        sb_result::InvalidMultipart,
    ];

    fn message(code: u32) -> &'static CStr {
        match code {
            0 => c"ok",
            1 => c"incomplete input: read more and call again",
            2 => c"a required pointer argument was NULL",
            3 => c"an argument was out of range (length, last_len, alignment, flag or limit)",
            4 => c"internal error: Springbok panicked (please report this bug)",
            5 => c"no more items",
            100 => c"empty line before the request line",
            101 => c"invalid method",
            102 => c"invalid request-target",
            103 => c"unexpected space in start line",
            104 => c"malformed HTTP version",
            105 => c"unsupported HTTP version",
            106 => c"invalid status code",
            107 => c"invalid reason phrase",
            108 => c"invalid header name",
            109 => c"whitespace between header name and colon",
            110 => c"invalid header value",
            111 => c"whitespace before the first header",
            112 => c"obsolete line folding",
            113 => c"line ends with LF without CR",
            114 => c"CR not followed by LF",
            115 => c"too many headers",
            116 => c"request-target too long",
            117 => c"header name too long",
            118 => c"header value too long",
            119 => c"head too large",
            199 => c"invalid HTTP head",
            200 => c"invalid chunk size",
            201 => c"chunk size overflows",
            202 => c"invalid chunk extension",
            203 => c"chunk extension too long",
            204 => c"line does not end with CRLF",
            205 => c"chunk data not followed by CRLF",
            206 => c"chunked body too large",
            207 => c"chunk framing overhead too large",
            208 => c"trailer section too large",
            209 => c"invalid trailer section",
            210 => c"decoder used after an error",
            299 => c"invalid chunked body",
            300 => c"form input too long",
            301 => c"form input has too many pairs",
            399 => c"invalid form input",
            400 => c"Content-Type value too long",
            401 => c"not a multipart media type",
            402 => c"malformed Content-Type value",
            403 => c"no boundary parameter",
            404 => c"more than one boundary parameter",
            405 => c"invalid boundary",
            406 => c"preamble too large",
            407 => c"epilogue too large",
            408 => c"too many parts",
            409 => c"part header block too large",
            410 => c"too many part headers",
            411 => c"field too large",
            412 => c"body too large",
            413 => c"malformed boundary line",
            414 => c"invalid part header block",
            415 => c"duplicate part header",
            416 => c"malformed Content-Disposition value",
            417 => c"body ended before the close delimiter",
            499 => c"invalid multipart body",
            _ => c"unknown result code",
        }
    }
}

impl From<ArgError> for sb_result {
    fn from(e: ArgError) -> sb_result {
        match e {
            ArgError::Null => sb_result::NullArgument,
            ArgError::Invalid => sb_result::InvalidArgument,
        }
    }
}

/// A static, NUL-terminated English description of a result code (any
/// `sb_result` value; unknown values give "unknown result code"). Never
/// NULL; the string lives as long as the program and must not be freed.
#[no_mangle]
pub extern "C" fn sb_result_message(result: u32) -> *const c_char {
    guard(c"internal error".as_ptr(), || sb_result::message(result).as_ptr())
}

/// The HTTP status code a server should answer a request with when parsing
/// its head or body failed with `result`: 400, 414, 431 or 505 for the head
/// error codes (100–199), 400, 413 or 431 for the chunked codes (200–299),
/// 413 for the urlencoded limits (300–399), 400, 413 or 415 for the
/// multipart codes (400–499), 0 for any other code.
#[no_mangle]
pub extern "C" fn sb_result_http_status(result: u32) -> u16 {
    guard(0, || http_status(result))
}

fn http_status(result: u32) -> u16 {
    match result {
        116 => 414,
        115 | 117 | 118 | 119 => 431,
        105 => 505,
        206 | 300 | 301 | 411 | 412 => 413,
        401 => 415,
        208 => 431,
        100..=499 => 400,
        _ => 0,
    }
}

/// Where and why parsing failed: written by the extended parse calls when
/// they return a head error code (100–199), and by
/// `sb_decode_chunked_with_error` when it returns -1 for an invalid body
/// (codes 200–299), by `sb_urlencoded_pairs_new` for an input over a limit
/// (300–399), and by the `sb_multipart_*` calls (400–499); only then.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sb_error {
    /// The error code, the same value the call returned.
    pub kind: sb_result,
    /// Byte offset in the input where the offending byte, or the field that
    /// broke a limit, starts (for a multipart body: from the body's start,
    /// across feeds; for a chunked body: in the failing call's buffer).
    pub offset: usize,
    /// The HTTP status to answer with: 400, 413, 414, 415, 431 or 505.
    pub status: u16,
}

impl sb_error {
    pub(crate) fn from_parse(e: Error) -> sb_error {
        let kind = sb_result::from_kind(e.kind());
        sb_error { kind, offset: e.offset(), status: e.status() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_message_and_status_agrees_with_the_parser() {
        let mut seen = std::collections::HashSet::new();
        for code in sb_result::ALL {
            let msg = sb_result::message(code as u32);
            assert_ne!(msg, c"unknown result code", "{code:?}");
            assert!(seen.insert(msg), "{code:?} shares a message");
        }
        assert_eq!(sb_result::message(6), c"unknown result code");
        let kinds = [
            ErrorKind::LeadingEmptyLine,
            ErrorKind::Method,
            ErrorKind::Target,
            ErrorKind::StartLineSpace,
            ErrorKind::Version,
            ErrorKind::UnsupportedVersion,
            ErrorKind::StatusCode,
            ErrorKind::Reason,
            ErrorKind::HeaderName,
            ErrorKind::SpaceBeforeColon,
            ErrorKind::HeaderValue,
            ErrorKind::WhitespaceBeforeFirstHeader,
            ErrorKind::ObsFold,
            ErrorKind::BareLf,
            ErrorKind::BareCr,
            ErrorKind::TooManyHeaders,
            ErrorKind::TargetTooLong,
            ErrorKind::HeaderNameTooLong,
            ErrorKind::HeaderValueTooLong,
            ErrorKind::HeadTooLarge,
        ];
        for kind in kinds {
            let code = sb_result::from_kind(kind);
            assert_ne!(code, sb_result::InvalidHead, "{kind:?} has no code");
            assert_eq!(http_status(code as u32), kind.status(), "{kind:?}");
            // The C message says the same as the parser's description.
            let msg = sb_result::message(code as u32).to_str().unwrap();
            assert_eq!(msg, kind.description(), "{kind:?}");
        }
        assert_eq!(http_status(0), 0);
        assert_eq!(http_status(199), 400);
    }
}
