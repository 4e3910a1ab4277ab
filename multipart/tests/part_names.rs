//! What a part says about its names and type: `name` and `filename` by the
//! HTML form-data rule, `filename*` by RFC 8187, `basename`, and the part's
//! `Content-Type` parameters by RFC 9110 — the same at every split.

use springbok_multipart::{basename, Event, HeaderParams, Limits, Parser};

/// Per part: name, filename, filename* (value, charset, language), charset
/// parameter of the part's Content-Type.
type Facts = (Option<Vec<u8>>, Option<Vec<u8>>, Option<(String, Vec<u8>, Vec<u8>)>, Option<Vec<u8>>);

fn facts(body: &[u8], piece: usize) -> Vec<Facts> {
    let mut p = Parser::new(b"b", Limits::default()).unwrap();
    let mut out = Vec::new();
    for chunk in body.chunks(piece) {
        let mut rest = chunk;
        loop {
            let (n, ev) = p.feed(rest).unwrap();
            if let Event::PartStart(part) = &ev {
                let charset = part.content_type().map(|ct| {
                    let ct = HeaderParams::content_type(ct).unwrap();
                    let p = ct.params().find(|p| p.name.eq_ignore_ascii_case(b"charset"));
                    p.map(|p| p.value.into_owned()).unwrap_or_default()
                });
                out.push((
                    part.name().map(|n| n.into_owned()),
                    part.filename().map(|n| n.into_owned()),
                    part.filename_star().map(|f| (f.value, f.charset.to_vec(), f.language.to_vec())),
                    charset,
                ));
            }
            if matches!(ev, Event::NeedMore) {
                break;
            }
            rest = &rest[n..];
        }
    }
    p.finish().unwrap();
    out
}

fn all_splits(body: &[u8]) -> Vec<Facts> {
    let whole = facts(body, body.len());
    for piece in 1..=body.len().min(40) {
        assert_eq!(facts(body, piece), whole, "{piece}-byte pieces");
    }
    whole
}

const BODY: &[u8] = b"--b\r\n\
    Content-Disposition: form-data; name=\"only-star\"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nx\r\n\
    --b\r\n\
    Content-Disposition: form-data; name=\"both\"; filename=\"C:\\dir\\plain.txt\"; filename*=iso-8859-1'fr'%E9t%E9.txt\r\n\
    Content-Type: text/plain; charset=\"ISO-8859-1\"\r\n\r\nx\r\n\
    --b\r\n\
    Content-Disposition: attachment; filename*=UTF-8''not-form-data.txt\r\n\r\nx\r\n\
    --b\r\n\
    Content-Disposition: form-data; name=\"a%22b\"\r\nContent-Type: text/plain;charset=UTF-8\r\n\r\nx\r\n\
    --b--";

#[test]
fn filename_star_is_exposed_separately_and_never_replaces_filename() {
    let f = all_splits(BODY);
    assert_eq!(f.len(), 4);
    // Only filename*: filename stays absent.
    assert_eq!(f[0].0.as_deref(), Some(&b"only-star"[..]));
    assert_eq!(f[0].1, None);
    assert_eq!(f[0].2, Some(("€ rates.txt".to_string(), b"UTF-8".to_vec(), b"".to_vec())));
    // Both: each as sent, ISO-8859-1 converted to UTF-8.
    assert_eq!(f[1].1.as_deref(), Some(&br"C:\dir\plain.txt"[..]));
    assert_eq!(f[1].2, Some(("été.txt".to_string(), b"iso-8859-1".to_vec(), b"fr".to_vec())));
    assert_eq!(f[1].3.as_deref(), Some(&b"ISO-8859-1"[..]));
    // Not form-data: no form-data names at all.
    assert_eq!((&f[2].0, &f[2].1, &f[2].2), (&None, &None, &None));
    // HTML escapes in name; the part's charset by the RFC rule.
    assert_eq!(f[3].0.as_deref(), Some(&b"a\"b"[..]));
    assert_eq!((&f[3].2, f[3].3.as_deref()), (&None, Some(&b"UTF-8"[..])));
}

#[test]
fn basename_of_part_filenames() {
    let f = all_splits(BODY);
    assert_eq!(basename(f[1].1.as_deref().unwrap()), b"plain.txt");
    // The raw value is still there.
    assert_eq!(f[1].1.as_deref(), Some(&br"C:\dir\plain.txt"[..]));
    assert_eq!(basename(f[0].2.as_ref().unwrap().0.as_bytes()), "€ rates.txt".as_bytes());
    assert_eq!(basename(b"../../etc/passwd"), b"passwd");
}

/// The same `Content-Disposition` value by the two rules: the form-data
/// rule keeps backslashes and decodes `%22`; the RFC rule unescapes
/// quoted-pairs and keeps `%22`.
#[test]
fn which_rule_applies_where() {
    let v = br#"form-data; name="a%22b"; filename="C:\dir\x\"y.txt""#;
    let cd = springbok_multipart::ContentDisposition::parse(v);
    // By the form-data rule the quoted value ends at the first `"`.
    assert!(cd.is_err());
    let v = br#"form-data; name="a%22b"; filename="C:\dir\x.txt""#;
    let cd = springbok_multipart::ContentDisposition::parse(v).unwrap();
    assert_eq!(cd.name().as_deref(), Some(&b"a\"b"[..]));
    assert_eq!(cd.filename().as_deref(), Some(&br"C:\dir\x.txt"[..]));
    let rfc = HeaderParams::content_disposition(v).unwrap();
    let values: Vec<Vec<u8>> = rfc.params().map(|p| p.value.into_owned()).collect();
    assert_eq!(values, [b"a%22b".to_vec(), b"C:dirx.txt".to_vec()]);
}
