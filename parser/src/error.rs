//! Parse errors: what went wrong, and where.

use core::fmt;

/// What was wrong with the input.
///
/// Each kind maps to the response a server should send, via
/// [`ErrorKind::status`]: most are `400 Bad Request`, the size limits are
/// `414 URI Too Long` or `431 Request Header Fields Too Large`, and a
/// well-formed but unsupported version is `505 HTTP Version Not Supported`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An empty line (CRLF) before the request line or the status line; see
    /// [`allow_leading_empty_lines`](crate::ParserConfig::allow_leading_empty_lines)
    /// and
    /// [`allow_leading_empty_lines_in_responses`](crate::ParserConfig::allow_leading_empty_lines_in_responses).
    LeadingEmptyLine,
    /// The method is empty or contains a byte that is not a `tchar`.
    Method,
    /// The request-target is empty, contains a byte outside the accepted set,
    /// has a malformed `%XX` escape, or has a malformed host, port or IP
    /// literal (`[...]`, only valid as the host of an authority).
    Target,
    /// A space where the start line allows none, or more than one space
    /// between its parts; see
    /// [`allow_multiple_spaces`](crate::ParserConfig::allow_multiple_spaces).
    StartLineSpace,
    /// The HTTP-version is malformed (not `HTTP/DIGIT.DIGIT`) or missing.
    Version,
    /// The HTTP-version is well-formed but its major version is not 1
    /// (`HTTP/2.0`, `HTTP/0.9`). `HTTP/1.2` to `HTTP/1.9` are accepted and
    /// processed as HTTP/1.1 (RFC 9110 §6.2).
    UnsupportedVersion,
    /// The status code is not three digits in `100..=999`.
    StatusCode,
    /// The reason phrase contains a control byte.
    Reason,
    /// A header name is empty or contains a byte that is not a `tchar`.
    HeaderName,
    /// Whitespace between a header name and its colon (RFC 9112 §5.1 requires
    /// rejecting this: it is a request-smuggling vector).
    SpaceBeforeColon,
    /// A header value contains a control byte (other than HTAB) or DEL.
    HeaderValue,
    /// A line starting with whitespace between the start line and the first
    /// header; see
    /// [`allow_whitespace_before_first_header`](crate::ParserConfig::allow_whitespace_before_first_header).
    WhitespaceBeforeFirstHeader,
    /// A header line continued with obsolete line folding; see
    /// [`obs_fold`](crate::ParserConfig::obs_fold).
    ObsFold,
    /// A line ended with LF alone; see
    /// [`allow_bare_lf`](crate::ParserConfig::allow_bare_lf).
    BareLf,
    /// A CR not followed by LF. Never accepted.
    BareCr,
    /// More header lines than the caller's header storage can hold.
    TooManyHeaders,
    /// The request-target is longer than
    /// [`max_target_len`](crate::ParserConfig::max_target_len).
    TargetTooLong,
    /// A header name is longer than
    /// [`max_name_len`](crate::ParserConfig::max_name_len).
    HeaderNameTooLong,
    /// A header value is longer than
    /// [`max_value_len`](crate::ParserConfig::max_value_len).
    HeaderValueTooLong,
    /// The head (start line and headers) is longer than
    /// [`max_head_bytes`](crate::ParserConfig::max_head_bytes).
    HeadTooLarge,
    /// The request-target's form does not fit the method (RFC 9112 §3.2):
    /// origin-form (`/path`) and absolute-form (`scheme:...`) for any
    /// method but CONNECT, which takes a valid authority-form (`host:port`)
    /// only;
    /// asterisk-form (`*`) for OPTIONS only (see
    /// [`allow_asterisk_form_any_method`](crate::ParserConfig::allow_asterisk_form_any_method)).
    /// A target of no form at all (`a/b`) is this kind too.
    TargetForm,
}

impl ErrorKind {
    /// The HTTP status code a server should answer a request with when its
    /// head fails with this kind: 400, 414, 431 or 505.
    pub const fn status(self) -> u16 {
        match self {
            ErrorKind::TargetTooLong => 414,
            ErrorKind::TooManyHeaders
            | ErrorKind::HeaderNameTooLong
            | ErrorKind::HeaderValueTooLong
            | ErrorKind::HeadTooLarge => 431,
            ErrorKind::UnsupportedVersion => 505,
            _ => 400,
        }
    }

    /// A short, human-readable description (no trailing punctuation).
    pub const fn description(self) -> &'static str {
        match self {
            ErrorKind::LeadingEmptyLine => "empty line before the start line",
            ErrorKind::Method => "invalid method",
            ErrorKind::Target => "invalid request-target",
            ErrorKind::StartLineSpace => "unexpected space in start line",
            ErrorKind::Version => "malformed HTTP version",
            ErrorKind::UnsupportedVersion => "unsupported HTTP version",
            ErrorKind::StatusCode => "invalid status code",
            ErrorKind::Reason => "invalid reason phrase",
            ErrorKind::HeaderName => "invalid header name",
            ErrorKind::SpaceBeforeColon => "whitespace between header name and colon",
            ErrorKind::HeaderValue => "invalid header value",
            ErrorKind::WhitespaceBeforeFirstHeader => "whitespace before the first header",
            ErrorKind::ObsFold => "obsolete line folding",
            ErrorKind::BareLf => "line ends with LF without CR",
            ErrorKind::BareCr => "CR not followed by LF",
            ErrorKind::TooManyHeaders => "too many headers",
            ErrorKind::TargetTooLong => "request-target too long",
            ErrorKind::HeaderNameTooLong => "header name too long",
            ErrorKind::HeaderValueTooLong => "header value too long",
            ErrorKind::HeadTooLarge => "head too large",
            ErrorKind::TargetForm => "request-target form does not fit the method",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// A parse error: its [`ErrorKind`] and the byte offset in the input where
/// the offending byte (or the field that broke a limit) starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    offset: usize,
}

impl Error {
    /// Creates an error of `kind` at byte `offset` of the input.
    pub const fn new(kind: ErrorKind, offset: usize) -> Error {
        Error { kind, offset }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte offset in the input at which it went wrong.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// Shorthand for `self.kind().status()`.
    pub const fn status(&self) -> u16 {
        self.kind.status()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl core::error::Error for Error {}
