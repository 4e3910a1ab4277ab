//! The parser's size and count accounting: where a limit error is, and
//! how much data comes out before it, so that both are the same at every
//! split.

use super::Parser;
use crate::error::{Error, ErrorKind};

impl Parser {
    /// The start of `input` that stays within the total limit.
    #[cold]
    pub(super) fn up_to_limit<'i>(&self, input: &'i [u8]) -> &'i [u8] {
        let room = self.limits.max_total_bytes.saturating_sub(self.pos);
        &input[..input.len().min(usize::try_from(room).unwrap_or(usize::MAX))]
    }

    /// The error for a run of counted bytes that ends right before `end` (an
    /// index into the current input) and brought a count `over` bytes past
    /// its limit. The run's bytes are contiguous in the body and end at
    /// `end`, so the first byte past the limit is `over` bytes before it:
    /// the same byte however the body was split.
    pub(super) fn past_limit(&self, kind: ErrorKind, end: usize, over: u64) -> Error {
        Error::new(kind, self.pos + end as u64 - over)
    }

    /// Counts `n` data bytes of the current part, the last of which is
    /// right before `end`, against its size limit (file or field), and
    /// returns how many of them to hand out: all of them, or when they cross
    /// the limit those before the first byte past it, with the error kept
    /// for the next call (or returned now if there are none). So the data
    /// handed out before the error is the same at every split.
    #[inline]
    pub(super) fn count_data(&mut self, n: usize, end: usize) -> Result<usize, Error> {
        self.part_bytes += n as u64;
        if self.part_bytes > self.part_limit {
            return self.data_past_limit(n, end);
        }
        Ok(n)
    }

    #[cold]
    fn data_past_limit(&mut self, n: usize, end: usize) -> Result<usize, Error> {
        // The count was within the limit before these `n` bytes.
        let over = self.part_bytes - self.part_limit;
        let kind = if self.meta.is_file { ErrorKind::FileTooLarge } else { ErrorKind::FieldTooLarge };
        let e = self.past_limit(kind, end, over);
        let keep = n - over as usize;
        if keep == 0 {
            return Err(e);
        }
        self.error = Some(e);
        Ok(keep)
    }

    /// Counts `n` discarded preamble bytes, the last of which is right
    /// before `end`.
    pub(super) fn count_preamble(&mut self, n: usize, end: usize) -> Result<(), Error> {
        self.preamble += n as u64;
        if self.preamble > self.limits.max_preamble_bytes {
            return Err(self.past_limit(
                ErrorKind::PreambleTooLarge,
                end,
                self.preamble - self.limits.max_preamble_bytes,
            ));
        }
        Ok(())
    }
}
