//! Error values: every one carries the byte offset needed to answer a request precisely.

use core::fmt;

/// What went wrong while decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Strict mode: a `%` followed by a byte that is not a hex digit (`%G0`, `%2x`, `%/`).
    InvalidHex,
    /// Strict mode: a `%` with fewer than two bytes after it, all of them hex digits (`%`, `%2`
    /// at the end of the input).
    Truncated,
    /// The output buffer is shorter than the decoded output (never happens when it is at least as
    /// long as the input).
    OutputTooSmall,
}

/// A decoding error: its [`ErrorKind`] and the byte offset in the input where it happened.
///
/// For [`ErrorKind::InvalidHex`] and [`ErrorKind::Truncated`] the offset is that of the `%`
/// that starts the bad escape. For [`ErrorKind::OutputTooSmall`] it is the offset of the first
/// input byte whose decoded form did not fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecodeError {
    kind: ErrorKind,
    offset: usize,
}

impl DecodeError {
    #[inline]
    pub(crate) const fn new(kind: ErrorKind, offset: usize) -> Self {
        DecodeError { kind, offset }
    }

    /// What went wrong.
    #[inline]
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte offset in the input (see the type's documentation for what it points at).
    #[inline]
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::InvalidHex => "invalid percent-escape (not two hex digits)",
            ErrorKind::Truncated => "truncated percent-escape",
            ErrorKind::OutputTooSmall => "output buffer too small",
        };
        write!(f, "{what} at byte {}", self.offset)
    }
}

impl core::error::Error for DecodeError {}

/// [`encode_into`](crate::encode_into)'s error: the output buffer is too short; `needed` is
/// the full encoded length ([`encoded_len`](crate::encoded_len)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OutputTooSmall {
    /// The length the output buffer needs.
    pub needed: usize,
}

impl fmt::Display for OutputTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "output buffer too small: {} bytes needed", self.needed)
    }
}

impl core::error::Error for OutputTooSmall {}
