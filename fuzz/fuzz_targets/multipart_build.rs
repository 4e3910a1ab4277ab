//! `multipart::Builder` and the collecting layer, round trip: parts drawn
//! from the input (fields, files with or without a Content-Type) are built
//! into a body, or refused for exactly the documented reasons (an invalid
//! boundary; data containing the delimiter; a control byte other than HTAB
//! in a header value, after HTML's escaping of names); a built body is collected back (`Collector` fed in pieces, and
//! `collect` from a reader) into the same fields, files and file data, with
//! names and filenames as HTML's escaping round-trips them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::take;
use springbok_multipart::collect::{Collector, Field, FileInfo, DEFAULT_MAX_FIELD_MEMORY};
use springbok_multipart::{collect, is_valid_boundary, BuildError, Builder, Limits};

/// What a name or filename becomes after HTML's escaping (`"`, CR, LF) and
/// the parser's unescaping of `%22`, `%0D`, `%0A` in either case: a literal
/// escape in the input is unescaped too, as browsers' forms behave.
fn round_trip(s: &[u8]) -> Vec<u8> {
    let mut escaped = Vec::new();
    for &b in s {
        match b {
            b'"' => escaped.extend_from_slice(b"%22"),
            b'\r' => escaped.extend_from_slice(b"%0D"),
            b'\n' => escaped.extend_from_slice(b"%0A"),
            _ => escaped.push(b),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < escaped.len() {
        let w = escaped.get(i..i + 3).map(|w| [w[0], w[1], w[2].to_ascii_uppercase()]);
        let b = match w {
            Some([b'%', b'2', b'2']) => Some(b'"'),
            Some([b'%', b'0', b'D']) => Some(b'\r'),
            Some([b'%', b'0', b'A']) => Some(b'\n'),
            _ => None,
        };
        match b {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(escaped[i]);
                i += 1;
            }
        }
    }
    out
}

fn contains_delimiter(data: &[u8], boundary: &[u8]) -> bool {
    let mut delim = b"\r\n--".to_vec();
    delim.extend_from_slice(boundary);
    data.windows(delim.len()).any(|w| w == delim) || data.starts_with(&delim[2..])
}

/// A byte the field-value grammar (HTAB, SP, VCHAR, obs-text) refuses.
fn ctl(b: &u8) -> bool {
    (*b < 0x20 && *b != b'\t') || *b == 0x7f
}

/// A name or filename the Builder must refuse: after HTML's escaping of
/// `"`, CR and LF, a control byte is left.
fn bad_name(v: &[u8]) -> bool {
    v.iter().filter(|b| !matches!(b, b'\r' | b'\n')).any(ctl)
}

fuzz_target!(|data: &[u8]| {
    let ([blen, c1, c2], rest) = take::<3>(data);
    let blen = usize::from(blen % 72).min(rest.len());
    let (boundary, rest) = rest.split_at(blen);
    let mut builder = match Builder::new(boundary) {
        Ok(b) => b,
        Err(e) => {
            assert_eq!(e, BuildError::InvalidBoundary);
            assert!(!is_valid_boundary(boundary));
            return;
        }
    };
    assert!(is_valid_boundary(boundary));

    // Parts separated by 0xFE; in a part, a kind byte then name, filename,
    // content type and data separated by 0xFF.
    let mut fields = Vec::new();
    let mut files = Vec::new();
    let mut file_data = Vec::new();
    for part in rest.split(|&b| b == 0xfe).filter(|p| !p.is_empty()) {
        let (kind, part) = (part[0], &part[1..]);
        let mut pieces = part.splitn(4, |&b| b == 0xff);
        let name = pieces.next().unwrap_or_default();
        let filename = pieces.next().unwrap_or_default();
        let content_type = pieces.next().unwrap_or_default();
        let value = pieces.next().unwrap_or_default();
        let (result, expected_bad) = match kind % 3 {
            0 => (builder.field(name, value).map(drop), bad_name(name)),
            1 => (builder.file(name, filename, None, value).map(drop), bad_name(name) || bad_name(filename)),
            _ => (
                builder.file(name, filename, Some(content_type), value).map(drop),
                bad_name(name) || bad_name(filename) || content_type.iter().any(ctl),
            ),
        };
        match result {
            Err(BuildError::DataContainsBoundary) => {
                assert!(contains_delimiter(value, boundary));
                return;
            }
            Err(BuildError::InvalidHeader) => {
                assert!(expected_bad, "refused a valid header");
                return;
            }
            Err(e) => panic!("{e:?}"),
            Ok(()) => assert!(!expected_bad && !contains_delimiter(value, boundary)),
        }
        match kind % 3 {
            0 => fields.push(Field { name: round_trip(name), value: value.to_vec(), content_type: None }),
            k => {
                files.push(FileInfo {
                    name: round_trip(name),
                    filename: Some(round_trip(filename)),
                    filename_star: None,
                    // Header values lose their surrounding whitespace.
                    content_type: (k == 2).then(|| content_type.trim_ascii().to_vec()),
                    size: value.len() as u64,
                });
                file_data.push(value.to_vec());
            }
        }
    }
    assert!(!builder.content_type().is_empty());
    let body = builder.finish();

    // The default limits, without the counts a fuzzed body may exceed.
    let mut limits = Limits::default();
    limits.max_total_bytes = u64::MAX;
    (limits.max_parts, limits.max_files, limits.max_fields) = (usize::MAX, usize::MAX, usize::MAX);
    let mut c = Collector::new(boundary, limits, DEFAULT_MAX_FIELD_MEMORY, Vec::<Vec<u8>>::new()).unwrap();
    let n = body.len();
    let (a, b) = (usize::from(c1) * n / 256, usize::from(c2) * n / 256);
    let (a, b) = (a.min(b), a.max(b));
    for piece in [&body[..a], &body[a..b], &body[b..]] {
        c.feed(piece).unwrap_or_else(|e| panic!("a built body does not collect: {e}"));
    }
    let (form, sink) = c.finish().unwrap_or_else(|e| panic!("a built body does not finish: {e}"));
    assert_eq!(form.fields, fields);
    assert_eq!(form.files, files);
    assert_eq!(sink, file_data);

    let (again, sink) = collect(&body[..], boundary, limits, Vec::<Vec<u8>>::new()).unwrap();
    assert_eq!(again, form);
    assert_eq!(sink, file_data);
});
