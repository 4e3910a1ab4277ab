//! The delimiter search against a naive one, around the point where the CR
//! scan hands over to the SIMD searcher.

use super::{Parser, NEAR};
use crate::Limits;

fn naive(delim: &[u8], hay: &[u8]) -> Option<usize> {
    hay.windows(delim.len()).position(|w| w == delim)
}

#[test]
fn find_delimiter_matches_a_naive_search() {
    let p = Parser::new(b"XyZ-boundary", Limits::DEFAULT).unwrap();
    let delim = b"\r\n--XyZ-boundary";
    // Decoys: a CR alone, CRLF, and delimiter prefixes one byte short.
    let decoys: [&[u8]; 4] = [b"\r", b"\r\n", b"\r\n--", b"\r\n--XyZ-boundar"];
    for len in 0..NEAR * 2 + 20 {
        for decoy in decoys {
            for decoy_at in [None, Some(0), Some(NEAR / 2), Some(NEAR - 3), Some(NEAR + 1)] {
                for delim_at in (0..=len).map(Some).chain([None]) {
                    let mut hay = vec![b'a'; len];
                    if let Some(d) = decoy_at.filter(|&d| d + decoy.len() <= len) {
                        hay[d..d + decoy.len()].copy_from_slice(decoy);
                    }
                    if let Some(at) = delim_at {
                        hay.truncate(at);
                        hay.extend_from_slice(delim);
                        hay.extend_from_slice(b"tail");
                    }
                    assert_eq!(p.find_delimiter(&hay), naive(delim, &hay), "{:?}", String::from_utf8_lossy(&hay));
                    // Cut anywhere: a delimiter that does not fit is not found.
                    let cut = &hay[..hay.len().saturating_sub(7)];
                    assert_eq!(p.find_delimiter(cut), naive(delim, cut));
                }
            }
        }
    }
}
