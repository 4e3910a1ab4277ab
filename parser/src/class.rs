//! The byte-class table: the single source of truth for which bytes may
//! appear in which part of an HTTP/1.1 head.
//!
//! Every scanner is derived from, or tested against, this one table, so the
//! grammar is written down exactly once: the scalar scanners look bytes up
//! in it, the SIMD nibble tables are computed from it at compile time
//! (`simd/mod.rs`), and the range-compare kernels and SWAR word tests are
//! checked against it for all 256 byte values.

/// `tchar` (RFC 9110 §5.6.2): method and header-name bytes.
pub(crate) const TCHAR: u8 = 1 << 0;
/// Request-target bytes accepted by the strict parser: RFC 3986
/// `unreserved / sub-delims / ":" / "@" / "/" / "?"`. `%` is *not* in this
/// class: the scanner stops on it so the parser can check the two hex digits
/// of a `pct-encoded` triplet.
pub(crate) const TARGET: u8 = 1 << 1;
/// Request-target bytes accepted with
/// [`allow_loose_target`](crate::ParserConfig::allow_loose_target): any
/// `VCHAR` (0x21–0x7E) plus `obs-text` (0x80–0xFF), as picohttpparser does.
pub(crate) const TARGET_LOOSE: u8 = 1 << 2;
/// Field-value and reason-phrase bytes: HTAB, SP, `VCHAR`, `obs-text`
/// (RFC 9110 §5.5). Everything else (CTLs, DEL) ends or invalidates a value.
pub(crate) const VALUE: u8 = 1 << 3;

const fn build() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        let mut class = 0u8;
        let alnum = c.is_ascii_alphanumeric();
        if alnum
            || matches!(
                c,
                b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
        {
            class |= TCHAR;
        }
        if alnum
            || matches!(
                c,
                // unreserved
                b'-' | b'.' | b'_' | b'~'
                // sub-delims
                | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
                // pchar / query extras
                | b':' | b'@' | b'/' | b'?'
            )
        {
            class |= TARGET;
        }
        if (c >= 0x21 && c <= 0x7e) || c >= 0x80 {
            class |= TARGET_LOOSE;
        }
        if c == b'\t' || (c >= 0x20 && c <= 0x7e) || c >= 0x80 {
            class |= VALUE;
        }
        t[b] = class;
        b += 1;
    }
    t
}

/// Class bits for every byte value, for compile-time derivations (the
/// SIMD nibble tables); code that runs reads [`CLASS`].
const TABLE: [u8; 256] = build();

/// Class bits for every byte value.
pub(crate) static CLASS: [u8; 256] = TABLE;

/// Returns whether `b` belongs to any of the classes in `mask`.
#[inline(always)]
pub(crate) fn is(b: u8, mask: u8) -> bool {
    CLASS[b as usize] & mask != 0
}

/// [`is`] at compile time.
pub(crate) const fn is_const(b: u8, mask: u8) -> bool {
    TABLE[b as usize] & mask != 0
}

/// Returns whether `b` is a control byte or DEL (RFC 5234 `CTL`): outside
/// [`VALUE`] but for HTAB, the one control byte a field value may hold.
/// The SIMD head classifiers stop on every one of them.
pub(crate) const fn is_ctl(b: u8) -> bool {
    !is_const(b, VALUE) || b == b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table written out a second way, from the RFC text, so a typo in
    /// one place cannot hide.
    #[test]
    fn table_matches_rfc_definitions() {
        let tchar_specials = b"!#$%&'*+-.^_`|~";
        let target_specials = b"-._~!$&'()*+,;=:@/?";
        for b in 0u8..=255 {
            let alnum = b.is_ascii_alphanumeric();
            assert_eq!(is(b, TCHAR), alnum || tchar_specials.contains(&b), "tchar {b:#x}");
            assert_eq!(is(b, TARGET), alnum || target_specials.contains(&b), "target {b:#x}");
            assert_eq!(is(b, TARGET_LOOSE), b.is_ascii_graphic() || b >= 0x80, "loose {b:#x}");
            let vchar = b.is_ascii_graphic();
            assert_eq!(is(b, VALUE), vchar || b == b' ' || b == b'\t' || b >= 0x80, "value {b:#x}");
        }
        // Sanity: no control byte is ever accepted anywhere but HTAB in values.
        for b in (0u8..0x20).chain([0x7f]) {
            assert!(!is(b, TCHAR | TARGET | TARGET_LOOSE));
            assert_eq!(is(b, VALUE), b == b'\t');
        }
    }
}
