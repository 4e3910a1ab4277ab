//! The error returned when an input exceeds a limit.

use core::fmt;

/// A limit of [`Options`](crate::Options) was exceeded; nothing was parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The input is longer than [`Options::max_input_bytes`](crate::Options::max_input_bytes).
    InputTooLong {
        /// The input's length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The input has more pairs than [`Options::max_pairs`](crate::Options::max_pairs).
    TooManyPairs {
        /// The limit.
        limit: usize,
        /// Byte offset where the first pair beyond the limit starts.
        offset: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::InputTooLong { len, limit } => {
                write!(f, "form input of {len} bytes exceeds the limit of {limit} bytes")
            }
            Error::TooManyPairs { limit, offset } => write!(
                f,
                "form input has more than {limit} pairs (pair {} starts at byte {offset})",
                limit.saturating_add(1)
            ),
        }
    }
}

impl std::error::Error for Error {}
