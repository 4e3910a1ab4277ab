//! Checking the limits before parsing: cheap bounds first, an exact count only when needed.

use crate::{Error, Mode, Options};

/// Returns an error when `input` exceeds a limit of `opts`.
pub(crate) fn check(input: &[u8], opts: &Options) -> Result<(), Error> {
    if input.len() > opts.get_max_input_bytes() {
        return Err(Error::InputTooLong { len: input.len(), limit: opts.get_max_input_bytes() });
    }
    let limit = opts.get_max_pairs();
    // Bound from the length alone: WHATWG pairs are non-empty and separated, Perl pairs are at
    // most one per byte plus one.
    let len_bound = match opts.get_mode() {
        Mode::Whatwg => input.len().div_ceil(2),
        Mode::Perl => input.len() + usize::from(!input.is_empty()),
    };
    if len_bound <= limit {
        return Ok(());
    }
    match opts.get_mode() {
        Mode::Whatwg => {
            // `&` count + 1 bounds the pairs (vectorised count); count exactly only above it.
            if memchr::memchr_iter(b'&', input).count() < limit {
                return Ok(());
            }
            let mut pairs = 0usize;
            let mut start = 0usize;
            for end in memchr::memchr_iter(b'&', input).chain(core::iter::once(input.len())) {
                if end > start {
                    if pairs == limit {
                        return Err(Error::TooManyPairs { limit, offset: start });
                    }
                    pairs += 1;
                }
                start = end + 1;
            }
            Ok(())
        }
        Mode::Perl => {
            // Every separator starts one more pair: the count is exact.
            let separators = memchr::memchr_iter(b'&', input).count() + memchr::memchr_iter(b';', input).count();
            if separators < limit {
                return Ok(());
            }
            // Pair number `limit + 1` starts after separator number `limit` (limit ≥ 1 here:
            // with limit 0, any non-empty input's first pair starts at 0).
            let offset = match limit {
                0 => 0,
                _ => memchr::memchr2_iter(b'&', b';', input).nth(limit - 1).map_or(0, |i| i + 1),
            };
            Err(Error::TooManyPairs { limit, offset })
        }
    }
}
