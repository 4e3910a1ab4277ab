//! Errors: what went wrong, and at which byte.

use core::fmt;

/// What was wrong with a multipart body (or the `Content-Type` value or
/// `Content-Disposition` value being parsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The `Content-Type` value is longer than
    /// [`MAX_CONTENT_TYPE_LEN`](crate::MAX_CONTENT_TYPE_LEN).
    ContentTypeTooLong,
    /// The `Content-Type` value is not a `multipart/*` media type.
    NotMultipart,
    /// The `Content-Type` value is not `type/subtype *( OWS ";" OWS param )`.
    MalformedContentType,
    /// The `Content-Type` value has no `boundary` parameter.
    MissingBoundary,
    /// The `Content-Type` value has more than one `boundary` parameter.
    DuplicateBoundary,
    /// The boundary is empty, longer than 70 bytes, ends with a space or has a
    /// byte outside RFC 2046's `bchars`.
    InvalidBoundary,
    /// The preamble (bytes before the first boundary) is longer than
    /// [`Limits::max_preamble_bytes`](crate::Limits::max_preamble_bytes).
    PreambleTooLarge,
    /// The epilogue (bytes after the close delimiter) is longer than
    /// [`Limits::max_epilogue_bytes`](crate::Limits::max_epilogue_bytes).
    EpilogueTooLarge,
    /// More parts than [`Limits::max_parts`](crate::Limits::max_parts).
    TooManyParts,
    /// A part's header block is longer than
    /// [`Limits::max_header_bytes`](crate::Limits::max_header_bytes).
    HeaderTooLarge,
    /// A part has more header lines than
    /// [`Limits::max_headers`](crate::Limits::max_headers).
    TooManyHeaders,
    /// A part without a filename (a field) has more data than
    /// [`Limits::max_field_bytes`](crate::Limits::max_field_bytes).
    FieldTooLarge,
    /// The body is longer than
    /// [`Limits::max_total_bytes`](crate::Limits::max_total_bytes).
    BodyTooLarge,
    /// A file part (with `filename` or `filename*`) has more data than
    /// [`Limits::max_file_bytes`](crate::Limits::max_file_bytes).
    FileTooLarge,
    /// More file parts than [`Limits::max_files`](crate::Limits::max_files).
    TooManyFiles,
    /// More non-file parts than
    /// [`Limits::max_fields`](crate::Limits::max_fields).
    TooManyFields,
    /// A boundary line is followed by something other than transport padding
    /// (SP/HTAB) and CRLF, or `--`.
    MalformedDelimiter,
    /// A part's header block is not a valid HTTP header block; the parser's
    /// reason is in [`Error::header_error`].
    PartHeaders,
    /// A part has more than one `Content-Disposition`, `Content-Type` or
    /// `Content-Transfer-Encoding` header.
    DuplicatePartHeader,
    /// A `Content-Disposition` value is malformed (see
    /// [`ContentDisposition::parse`](crate::ContentDisposition::parse)).
    MalformedContentDisposition,
    /// The body ended (see [`Parser::finish`](crate::Parser::finish)) before
    /// the close delimiter.
    Truncated,
}

impl ErrorKind {
    /// A short, human-readable description (no trailing punctuation).
    pub const fn description(self) -> &'static str {
        match self {
            ErrorKind::ContentTypeTooLong => "Content-Type value too long",
            ErrorKind::NotMultipart => "not a multipart media type",
            ErrorKind::MalformedContentType => "malformed Content-Type value",
            ErrorKind::MissingBoundary => "no boundary parameter",
            ErrorKind::DuplicateBoundary => "more than one boundary parameter",
            ErrorKind::InvalidBoundary => "invalid boundary",
            ErrorKind::PreambleTooLarge => "preamble too large",
            ErrorKind::EpilogueTooLarge => "epilogue too large",
            ErrorKind::TooManyParts => "too many parts",
            ErrorKind::HeaderTooLarge => "part header block too large",
            ErrorKind::TooManyHeaders => "too many part headers",
            ErrorKind::FieldTooLarge => "field too large",
            ErrorKind::BodyTooLarge => "body too large",
            ErrorKind::FileTooLarge => "file too large",
            ErrorKind::TooManyFiles => "too many files",
            ErrorKind::TooManyFields => "too many fields",
            ErrorKind::MalformedDelimiter => "malformed boundary line",
            ErrorKind::PartHeaders => "invalid part header block",
            ErrorKind::DuplicatePartHeader => "duplicate part header",
            ErrorKind::MalformedContentDisposition => "malformed Content-Disposition value",
            ErrorKind::Truncated => "body ended before the close delimiter",
        }
    }

    /// The HTTP status a server should answer with: `413 Content Too Large`
    /// for [`BodyTooLarge`](ErrorKind::BodyTooLarge),
    /// [`FieldTooLarge`](ErrorKind::FieldTooLarge) and
    /// [`FileTooLarge`](ErrorKind::FileTooLarge), `415 Unsupported Media
    /// Type` for [`NotMultipart`](ErrorKind::NotMultipart), `400` otherwise
    /// (the count limits included, as for
    /// [`TooManyParts`](ErrorKind::TooManyParts)).
    pub const fn status(self) -> u16 {
        match self {
            ErrorKind::BodyTooLarge | ErrorKind::FieldTooLarge | ErrorKind::FileTooLarge => 413,
            ErrorKind::NotMultipart => 415,
            _ => 400,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// An error: its [`ErrorKind`] and the byte offset where it was detected.
///
/// For [`Parser`](crate::Parser) errors the offset counts from the start of
/// the body and does not depend on how the body was split into feeds: for a
/// size limit it is the first byte past the limit, for a count limit the
/// start of the part (or header line) that is one too many; for
/// [`ErrorKind::Truncated`] the body's length. For [`boundary`](crate::boundary()) and
/// [`ContentDisposition::parse`](crate::ContentDisposition::parse) it counts
/// from the start of the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    offset: u64,
    header: Option<springbok_parser::Error>,
}

impl Error {
    /// Creates an error of `kind` at byte `offset`.
    pub const fn new(kind: ErrorKind, offset: u64) -> Error {
        Error { kind, offset, header: None }
    }

    pub(crate) const fn from_header(err: springbok_parser::Error, block_start: u64) -> Error {
        Error { kind: ErrorKind::PartHeaders, offset: block_start + err.offset() as u64, header: Some(err) }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte offset at which it was detected.
    pub const fn offset(&self) -> u64 {
        self.offset
    }

    /// For [`ErrorKind::PartHeaders`]: the header-block parser's error, whose
    /// offset counts from the start of the part's header block.
    pub const fn header_error(&self) -> Option<springbok_parser::Error> {
        self.header
    }

    /// Shorthand for `self.kind().status()`.
    pub const fn status(&self) -> u16 {
        self.kind.status()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.header {
            Some(h) => write!(f, "{} at byte {} ({})", self.kind, self.offset, h.kind()),
            None => write!(f, "{} at byte {}", self.kind, self.offset),
        }
    }
}

impl std::error::Error for Error {}
