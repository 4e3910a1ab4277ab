//! Result codes and error detail.

use std::ffi::{c_char, CStr};

use std::mem::MaybeUninit;

use springbok_parser::framing::FramingErrorKind;
use springbok_parser::response_head::ResponseHeadErrorKind;
use springbok_parser::{Error, ErrorKind};

use crate::ptr::{guard, ArgError};

/// The result of every extended call.
///
/// * `SB_RESULT_OK` (0): success; the call's outputs are written.
/// * `SB_RESULT_PARTIAL` (1): the input ends before the element does: read
///   more and call again. No output is written.
/// * 2–99: the call was used wrongly (NULL or misaligned pointer, bad
///   length, unknown flag) or failed internally (a caught panic); or
///   (`SB_RESULT_BUFFER_TOO_SMALL`) the caller's storage is too small.
/// * 100–199: the HTTP head is invalid or breaks a limit; the call's
///   `sb_error` output says where and which HTTP status to answer with.
/// * 200–299: a chunked body is invalid or breaks a limit
///   (`sb_decode_chunked_with_error`).
/// * 300–399: a urlencoded input breaks a limit (`sb_urlencoded_pairs_new`).
/// * 400–499: a multipart `Content-Type` or body is invalid or breaks a
///   limit (`sb_multipart_*`).
/// * 500–599: a request's or response's body framing cannot be decided
///   (`sb_framing_*`).
/// * 600–699: a request cannot be flattened into an env (`sb_env_*`).
/// * 700–799: a response head to serialize is invalid
///   (`sb_response_head_*`).
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
    /// The caller's output storage (buffer, pair array, arena, iovec array)
    /// is too small; the call's size output says how much is needed and
    /// nothing else is written.
    BufferTooSmall = 6,
    /// Empty line before the request line (or, in a response, the status
    /// line).
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
    /// The request-target's form does not fit the method: origin-form or
    /// absolute-form with CONNECT, anything but a valid `host:port` with
    /// CONNECT, `*` with a method other than OPTIONS (see
    /// `SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD`), or no form at all.
    TargetForm = 120,
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
    /// A file part's data is longer than its limit (answer 413).
    FileTooLarge = 418,
    /// More file parts than the limit.
    TooManyFiles = 419,
    /// More non-file parts (fields) than the limit.
    TooManyFields = 420,
    /// The multipart body is invalid in a way this version of the ABI has no
    /// code for.
    InvalidMultipart = 499,
    /// Both Transfer-Encoding and Content-Length are present (request
    /// smuggling).
    TransferEncodingWithContentLength = 500,
    /// A request's final transfer coding is not `chunked`.
    ChunkedNotFinal = 501,
    /// `chunked` is listed more than once.
    ChunkedTwice = 502,
    /// `chunked` has parameters.
    ChunkedWithParameters = 503,
    /// A Transfer-Encoding value that is empty or not a list of codings.
    InvalidTransferEncoding = 504,
    /// A request uses a transfer coding other than `chunked` (answer 501).
    UnsupportedTransferCoding = 505,
    /// Transfer-Encoding in an HTTP/1.0 message.
    TransferEncodingInHttp10 = 506,
    /// A Content-Length value that is empty or not `1*DIGIT`.
    InvalidContentLength = 507,
    /// A Content-Length larger than 2^64-1.
    ContentLengthOverflow = 508,
    /// Content-Length values that differ.
    ConflictingContentLength = 509,
    /// More than one Host header (RFC 9112 §3.2).
    MultipleHost = 510,
    /// A Host value that is not `uri-host [ ":" port ]`.
    InvalidHost = 511,
    /// No Host header in an HTTP/1.1 request, with
    /// `SB_FRAMING_REQUIRE_HOST`; the error's `header` is `SIZE_MAX`.
    MissingHost = 512,
    /// A CONNECT request with Transfer-Encoding or a non-zero
    /// Content-Length (it has no content).
    ConnectWithBody = 513,
    /// The framing is invalid in a way this version of the ABI has no code
    /// for.
    InvalidFraming = 599,
    /// PSGI: a `%` in the path not followed by two hex digits; the error's
    /// offset is its position in the request-target.
    EnvBadPercentEncoding = 600,
    /// `SB_ENV_UNDERSCORES_REJECT`: a header name contains `_`; the error's
    /// `header` (and `offset`) is the header's index.
    EnvUnderscoreHeader = 601,
    /// The request cannot be flattened in a way this version of the ABI has
    /// no code for.
    InvalidEnv = 699,
    /// A response status code outside 100–999.
    ResponseStatus = 700,
    /// A response reason phrase with a byte other than HTAB, SP, VCHAR or
    /// obs-text.
    ResponseReason = 701,
    /// A response header name that is empty or not a token.
    ResponseHeaderName = 702,
    /// CR, LF (unless split as Rack 2 values) or NUL in a response header
    /// value: header injection.
    ResponseHeaderInjection = 703,
    /// Another control byte or DEL in a response header value.
    ResponseHeaderValue = 704,
    /// The response head is invalid in a way this version of the ABI has no
    /// code for.
    InvalidResponseHead = 799,
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
            ErrorKind::TargetForm => sb_result::TargetForm,
            _ => sb_result::InvalidHead,
        }
    }

    /// The code for a framing error kind.
    pub(crate) fn from_framing(kind: FramingErrorKind) -> sb_result {
        match kind {
            FramingErrorKind::TransferEncodingWithContentLength => sb_result::TransferEncodingWithContentLength,
            FramingErrorKind::ChunkedNotFinal => sb_result::ChunkedNotFinal,
            FramingErrorKind::ChunkedTwice => sb_result::ChunkedTwice,
            FramingErrorKind::ChunkedWithParameters => sb_result::ChunkedWithParameters,
            FramingErrorKind::InvalidTransferEncoding => sb_result::InvalidTransferEncoding,
            FramingErrorKind::UnsupportedTransferCoding => sb_result::UnsupportedTransferCoding,
            FramingErrorKind::TransferEncodingInHttp10 => sb_result::TransferEncodingInHttp10,
            FramingErrorKind::InvalidContentLength => sb_result::InvalidContentLength,
            FramingErrorKind::ContentLengthOverflow => sb_result::ContentLengthOverflow,
            FramingErrorKind::ConflictingContentLength => sb_result::ConflictingContentLength,
            FramingErrorKind::MultipleHost => sb_result::MultipleHost,
            FramingErrorKind::InvalidHost => sb_result::InvalidHost,
            FramingErrorKind::MissingHost => sb_result::MissingHost,
            FramingErrorKind::ConnectWithBody => sb_result::ConnectWithBody,
            _ => sb_result::InvalidFraming,
        }
    }

    /// The code for a response-head error kind.
    pub(crate) fn from_response_head(kind: ResponseHeadErrorKind) -> sb_result {
        match kind {
            ResponseHeadErrorKind::Status => sb_result::ResponseStatus,
            ResponseHeadErrorKind::Reason => sb_result::ResponseReason,
            ResponseHeadErrorKind::HeaderName => sb_result::ResponseHeaderName,
            ResponseHeadErrorKind::HeaderInjection => sb_result::ResponseHeaderInjection,
            ResponseHeadErrorKind::HeaderValue => sb_result::ResponseHeaderValue,
            _ => sb_result::InvalidResponseHead,
        }
    }

    /// Every code, for tests.
    #[cfg(test)]
    pub(crate) const ALL: [sb_result; 90] = [
        sb_result::Ok,
        sb_result::Partial,
        sb_result::NullArgument,
        sb_result::InvalidArgument,
        sb_result::Panic,
        sb_result::End,
        sb_result::BufferTooSmall,
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
        sb_result::TargetForm,
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
        sb_result::FileTooLarge,
        sb_result::TooManyFiles,
        sb_result::TooManyFields,
        sb_result::InvalidMultipart,
        sb_result::TransferEncodingWithContentLength,
        sb_result::ChunkedNotFinal,
        sb_result::ChunkedTwice,
        sb_result::ChunkedWithParameters,
        sb_result::InvalidTransferEncoding,
        sb_result::UnsupportedTransferCoding,
        sb_result::TransferEncodingInHttp10,
        sb_result::InvalidContentLength,
        sb_result::ContentLengthOverflow,
        sb_result::ConflictingContentLength,
        sb_result::MultipleHost,
        sb_result::InvalidHost,
        sb_result::MissingHost,
        sb_result::ConnectWithBody,
        sb_result::InvalidFraming,
        sb_result::EnvBadPercentEncoding,
        sb_result::EnvUnderscoreHeader,
        sb_result::InvalidEnv,
        sb_result::ResponseStatus,
        sb_result::ResponseReason,
        sb_result::ResponseHeaderName,
        sb_result::ResponseHeaderInjection,
        sb_result::ResponseHeaderValue,
        sb_result::InvalidResponseHead,
    ];

    fn message(code: u32) -> &'static CStr {
        match code {
            0 => c"ok",
            1 => c"incomplete input: read more and call again",
            2 => c"a required pointer argument was NULL",
            3 => c"an argument was out of range (length, last_len, alignment, flag or limit)",
            4 => c"internal error: Springbok panicked (please report this bug)",
            5 => c"no more items",
            6 => c"output storage too small: the needed size was written",
            100 => c"empty line before the start line",
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
            120 => c"request-target form does not fit the method",
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
            418 => c"file too large",
            419 => c"too many files",
            420 => c"too many fields",
            499 => c"invalid multipart body",
            500 => c"Transfer-Encoding with Content-Length",
            501 => c"final transfer coding is not chunked",
            502 => c"chunked applied more than once",
            503 => c"chunked with parameters",
            504 => c"invalid Transfer-Encoding",
            505 => c"unsupported transfer coding",
            506 => c"Transfer-Encoding in HTTP/1.0",
            507 => c"invalid Content-Length",
            508 => c"Content-Length overflows",
            509 => c"conflicting Content-Length values",
            510 => c"more than one Host header",
            511 => c"invalid Host value",
            512 => c"no Host header",
            513 => c"CONNECT request with a body",
            599 => c"invalid message framing",
            600 => c"invalid percent-encoding in the path",
            601 => c"header name with an underscore",
            699 => c"request cannot be flattened into an env",
            700 => c"response status code out of 100..=999",
            701 => c"invalid byte in response reason phrase",
            702 => c"invalid response header name",
            703 => c"CR, LF or NUL in response header value (header injection)",
            704 => c"control byte in response header value",
            799 => c"invalid response head",
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
/// multipart codes (400–499), 400 or 501 for the framing codes (500–599),
/// 400 for the env codes (600–699), 500 for the response-head codes
/// (700–799: the application produced an invalid response), 0 for any
/// other code.
#[no_mangle]
pub extern "C" fn sb_result_http_status(result: u32) -> u16 {
    guard(0, || http_status(result))
}

fn http_status(result: u32) -> u16 {
    match result {
        116 => 414,
        115 | 117 | 118 | 119 => 431,
        105 => 505,
        206 | 300 | 301 | 411 | 412 | 418 => 413,
        401 => 415,
        208 => 431,
        505 => 501,
        100..=699 => 400,
        700..=799 => 500,
        _ => 0,
    }
}

/// Where and why a call failed because of its input: written by the
/// extended parse calls when they return a head error code (100–199), by
/// `sb_decode_chunked_with_error` when it returns -1 for an invalid body
/// (codes 200–299), by `sb_urlencoded_pairs_new` for an input over a limit
/// (300–399), by the `sb_multipart_*` calls (400–499), by the
/// `sb_framing_*` calls (500–599), by the `sb_env_*` calls (600–699) and by
/// the `sb_response_head_*` calls (700–799); only then.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct sb_error {
    /// The error code, the same value the call returned.
    pub kind: sb_result,
    /// Byte offset in the input where the offending byte, or the field that
    /// broke a limit, starts (for a multipart body: from the body's start,
    /// across feeds; for a chunked body: in the failing call's buffer; for
    /// `SB_RESULT_ENV_BAD_PERCENT_ENCODING`: in the request-target; for a
    /// response-head error: in the reason phrase, or in the name or value of
    /// header `header`, 0 for a bad status or an empty name). A framing error
    /// or `SB_RESULT_ENV_UNDERSCORE_HEADER` has no byte position: `offset`
    /// is then the header's index, as in `header`.
    pub offset: usize,
    /// The HTTP status to answer with: 400, 413, 414, 415, 431, 501 or 505
    /// for a request, 500 for an invalid response head.
    pub status: u16,
    /// Index, in the caller's header array, of the header the error is
    /// about (framing errors, `SB_RESULT_ENV_UNDERSCORE_HEADER`, response
    /// header name and value errors); `SIZE_MAX` when the error is not about
    /// one header.
    pub header: usize,
}

impl sb_error {
    pub(crate) fn from_parse(e: Error) -> sb_error {
        let kind = sb_result::from_kind(e.kind());
        sb_error::new(kind, e.offset(), e.status())
    }

    /// An error not about one header (`header` is `SIZE_MAX`).
    pub(crate) fn new(kind: sb_result, offset: usize, status: u16) -> sb_error {
        sb_error { kind, offset, status, header: usize::MAX }
    }

    /// Writes `self` to the caller's optional error output and returns its
    /// code.
    pub(crate) fn report(self, out: Option<&mut MaybeUninit<sb_error>>) -> sb_result {
        if let Some(slot) = out {
            slot.write(self);
        }
        self.kind
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
        assert_eq!(sb_result::message(7), c"unknown result code");
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
            ErrorKind::TargetForm,
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

    #[test]
    fn framing_codes_agree_with_the_parser() {
        let kinds = [
            FramingErrorKind::TransferEncodingWithContentLength,
            FramingErrorKind::ChunkedNotFinal,
            FramingErrorKind::ChunkedTwice,
            FramingErrorKind::ChunkedWithParameters,
            FramingErrorKind::InvalidTransferEncoding,
            FramingErrorKind::UnsupportedTransferCoding,
            FramingErrorKind::TransferEncodingInHttp10,
            FramingErrorKind::InvalidContentLength,
            FramingErrorKind::ContentLengthOverflow,
            FramingErrorKind::ConflictingContentLength,
            FramingErrorKind::MultipleHost,
            FramingErrorKind::InvalidHost,
            FramingErrorKind::MissingHost,
            FramingErrorKind::ConnectWithBody,
        ];
        let mut codes = std::collections::HashSet::new();
        for kind in kinds {
            let code = sb_result::from_framing(kind);
            assert_ne!(code, sb_result::InvalidFraming, "{kind:?} has no code");
            assert!((500..599).contains(&(code as u32)), "{kind:?}");
            assert!(codes.insert(code), "{kind:?} shares a code");
            assert_eq!(http_status(code as u32), kind.status(), "{kind:?}");
            assert_eq!(sb_result::message(code as u32).to_str().unwrap(), kind.description(), "{kind:?}");
        }
        assert_eq!(http_status(sb_result::UnsupportedTransferCoding as u32), 501);
        assert_eq!(http_status(sb_result::InvalidFraming as u32), 400);
    }

    #[test]
    fn env_and_response_head_codes() {
        assert_eq!(http_status(sb_result::EnvBadPercentEncoding as u32), 400);
        assert_eq!(http_status(sb_result::EnvUnderscoreHeader as u32), 400);
        assert_eq!(http_status(sb_result::InvalidEnv as u32), 400);
        let kinds = [
            ResponseHeadErrorKind::Status,
            ResponseHeadErrorKind::Reason,
            ResponseHeadErrorKind::HeaderName,
            ResponseHeadErrorKind::HeaderInjection,
            ResponseHeadErrorKind::HeaderValue,
        ];
        let mut codes = std::collections::HashSet::new();
        for kind in kinds {
            let code = sb_result::from_response_head(kind);
            assert_ne!(code, sb_result::InvalidResponseHead, "{kind:?} has no code");
            assert!((700..799).contains(&(code as u32)), "{kind:?}");
            assert!(codes.insert(code), "{kind:?} shares a code");
            assert_eq!(http_status(code as u32), 500, "{kind:?}");
        }
        assert_eq!(http_status(sb_result::InvalidResponseHead as u32), 500);
        assert_eq!(http_status(sb_result::BufferTooSmall as u32), 0);
        assert_eq!(http_status(800), 0);
        // Every code's status is in its documented set.
        for code in sb_result::ALL {
            let s = http_status(code as u32);
            assert!([0, 400, 413, 414, 415, 431, 500, 501, 505].contains(&s), "{code:?}");
            assert_eq!(s == 0, (code as u32) < 100, "{code:?}");
        }
    }
}
