//! Hex digit tables shared by the decoder and the encoder.

/// `HEX_VALUE[b]` is the value of hex digit `b` (upper or lower case), or `INVALID`.
const INVALID: u8 = 0xFF;

const HEX_VALUE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Upper-case hex digits, as used by every encoder here (`%2F`, never `%2f`).
pub(crate) const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The value of one hex digit (`0-9`, `a-f`, `A-F`), or `None`.
///
/// ```
/// assert_eq!(springbok_percent::hex_value(b'b'), Some(11));
/// assert_eq!(springbok_percent::hex_value(b'G'), None);
/// ```
#[inline]
pub const fn hex_value(b: u8) -> Option<u8> {
    match HEX_VALUE[b as usize] {
        INVALID => None,
        v => Some(v),
    }
}

/// The byte that `%` followed by `hi` and `lo` stands for, when both are hex digits.
#[inline(always)]
pub(crate) fn escaped_byte(hi: u8, lo: u8) -> Option<u8> {
    let (h, l) = (HEX_VALUE[hi as usize], HEX_VALUE[lo as usize]);
    // A digit's value fits in 4 bits; `INVALID` does not: one test for both.
    if (h | l) >> 4 == 0 {
        Some((h << 4) | l)
    } else {
        None
    }
}

/// The outcome of looking at a `%` at `input[at]`.
pub(crate) enum Escape {
    /// `%XX` with two hex digits: the decoded byte (the escape is 3 bytes long).
    Byte(u8),
    /// A following byte (of at most two) is not a hex digit.
    InvalidHex,
    /// Fewer than two bytes follow, and those that do are hex digits.
    Truncated,
}

/// Classifies the escape that starts with the `%` at `input[at]`.
#[inline]
pub(crate) fn escape_at(input: &[u8], at: usize) -> Escape {
    match (input.get(at + 1), input.get(at + 2)) {
        (Some(&hi), Some(&lo)) => {
            let (h, l) = (HEX_VALUE[hi as usize], HEX_VALUE[lo as usize]);
            if h == INVALID || l == INVALID {
                Escape::InvalidHex
            } else {
                Escape::Byte((h << 4) | l)
            }
        }
        (Some(&hi), None) if HEX_VALUE[hi as usize] == INVALID => Escape::InvalidHex,
        _ => Escape::Truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_table_matches_char_to_digit_for_all_bytes() {
        for b in 0..=255u8 {
            let expected = (b as char).to_digit(16).map(|d| d as u8);
            assert_eq!(hex_value(b), expected, "byte {b:#04x}");
        }
    }
}
