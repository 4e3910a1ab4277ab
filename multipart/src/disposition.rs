//! The `Content-Disposition` header of a part (RFC 7578 §4.2, HTML's
//! form-data encoding).

use std::borrow::Cow;

use crate::error::{Error, ErrorKind};
use crate::syntax::{is_tchar, skip_ows, Cursor};

/// A parsed `Content-Disposition` value, borrowing from the header value.
///
/// ```
/// use springbok_multipart::ContentDisposition;
/// let cd = ContentDisposition::parse(
///     br#"form-data; name="up%22load"; filename="C:\dir\a.txt"; filename*=UTF-8''%E2%82%AC.txt"#,
/// )?;
/// assert!(cd.is_form_data());
/// assert_eq!(cd.name().as_deref(), Some(&b"up\"load"[..]));
/// // Backslashes are kept: browsers send them raw.
/// assert_eq!(cd.filename().as_deref(), Some(&br"C:\dir\a.txt"[..]));
/// // `filename*` is decoded and exposed on its own; it never replaces `filename`.
/// assert_eq!(cd.filename_star().map(|f| f.value.as_str()), Some("€.txt"));
/// # Ok::<(), springbok_multipart::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentDisposition<'a> {
    disposition: &'a [u8],
    name: Option<&'a [u8]>,
    filename: Option<&'a [u8]>,
    filename_star: Option<FilenameStar<'a>>,
    filename_star_raw: Option<&'a [u8]>,
}

/// A decoded RFC 8187 `filename*` parameter (`charset'language'value`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilenameStar<'a> {
    /// The charset label as sent: `UTF-8` or `ISO-8859-1` (any case).
    pub charset: &'a [u8],
    /// The language tag as sent (often empty).
    pub language: &'a [u8],
    /// The percent-decoded value, converted from the charset.
    pub value: String,
}

impl<'a> ContentDisposition<'a> {
    /// Parses a `Content-Disposition` value:
    /// `disposition-type *( OWS ";" OWS param ) OWS`, where a param is
    /// `token "=" ( token / quoted-string )`, names compared
    /// case-insensitively.
    ///
    /// Quoted strings follow HTML's form serializer rather than RFC 9110:
    /// the value runs to the next `"` and a backslash is an ordinary byte
    /// (browsers send Windows paths and `\` raw and escape only `"`, CR and
    /// LF, as `%22`, `%0D`, `%0A`). Control bytes other than HTAB are
    /// rejected. `name`, `filename` and `filename*` may each appear at most
    /// once (a duplicate is an error: peers would disagree on which wins);
    /// other parameters are skipped. `filename*` must be an RFC 8187
    /// ext-value in `UTF-8` or `ISO-8859-1` with valid `%XX` escapes.
    pub fn parse(value: &'a [u8]) -> Result<ContentDisposition<'a>, Error> {
        let raw = RawDisposition::scan(value)?;
        Ok(ContentDisposition {
            disposition: raw.disposition,
            name: raw.name,
            filename: raw.filename,
            // Checked by `scan`: always `Some` when sent.
            filename_star: raw.filename_star.and_then(parse_ext_value),
            filename_star_raw: raw.filename_star,
        })
    }

    /// The disposition type as sent (`form-data` for form uploads).
    pub fn disposition(&self) -> &'a [u8] {
        self.disposition
    }

    /// Whether the disposition type is `form-data` (case-insensitive).
    pub fn is_form_data(&self) -> bool {
        self.disposition.eq_ignore_ascii_case(b"form-data")
    }

    /// The `name` parameter with HTML's `%22`, `%0D`, `%0A` escapes decoded
    /// (borrowed when there is nothing to decode).
    pub fn name(&self) -> Option<Cow<'a, [u8]>> {
        self.name.map(html_unescape)
    }

    /// The `name` parameter exactly as sent (between the quotes).
    pub fn name_raw(&self) -> Option<&'a [u8]> {
        self.name
    }

    /// The `filename` parameter with HTML's `%22`, `%0D`, `%0A` escapes
    /// decoded and nothing else: backslashes are kept and directory parts are
    /// **not** stripped. The name is client-controlled: before using it as a
    /// path, the application must reduce it to a safe base name itself.
    pub fn filename(&self) -> Option<Cow<'a, [u8]>> {
        self.filename.map(html_unescape)
    }

    /// The `filename` parameter exactly as sent (between the quotes).
    pub fn filename_raw(&self) -> Option<&'a [u8]> {
        self.filename
    }

    /// The decoded RFC 8187 `filename*` parameter, if sent. RFC 7578 forbids
    /// it and peers disagree (busboy prefers it, Rack and python-multipart
    /// ignore it), so it is exposed only here and never replaces
    /// [`filename`](Self::filename).
    pub fn filename_star(&self) -> Option<&FilenameStar<'a>> {
        self.filename_star.as_ref()
    }

    /// The `filename*` parameter exactly as sent (`charset'language'value`,
    /// between the quotes if it was quoted).
    pub fn filename_star_raw(&self) -> Option<&'a [u8]> {
        self.filename_star_raw
    }

    /// Whether the part is a file upload: it has a `filename` or a
    /// `filename*` parameter (even an empty one, as browsers send for an
    /// empty file input).
    pub fn is_file(&self) -> bool {
        self.filename.is_some() || self.filename_star.is_some()
    }
}

/// A `Content-Disposition` value's parts as sent, checked as
/// [`ContentDisposition::parse`] checks them but without decoding
/// `filename*`: what the parser needs at every part's start, without the
/// decoded copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawDisposition<'a> {
    pub(crate) disposition: &'a [u8],
    /// The disposition type is `form-data` (any case).
    pub(crate) form_data: bool,
    pub(crate) name: Option<&'a [u8]>,
    pub(crate) filename: Option<&'a [u8]>,
    pub(crate) filename_star: Option<&'a [u8]>,
}

impl<'a> RawDisposition<'a> {
    /// See [`ContentDisposition::parse`] for the grammar and the errors.
    pub(crate) fn scan(value: &'a [u8]) -> Result<RawDisposition<'a>, Error> {
        match Self::browser_shape(value) {
            Some(cd) => Ok(cd),
            None => Self::scan_any(value),
        }
    }

    /// The exact shape browsers send, `form-data; name="…"` with an
    /// optional `; filename="…"`, where `scan_any` would find the same; or
    /// `None` (then `scan_any` decides). Most parts are this, and checking
    /// it whole costs a fraction of the general grammar.
    #[inline]
    pub(crate) fn browser_shape(value: &'a [u8]) -> Option<RawDisposition<'a>> {
        /// The rest of an HTML quoted string after its opening quote: the
        /// content and what follows the closing quote.
        fn quoted(v: &[u8]) -> Option<(&[u8], &[u8])> {
            let end = v.iter().position(|&b| b == b'"' || !(b == b'\t' || b >= 0x20 && b != 0x7f))?;
            (v[end] == b'"').then(|| (&v[..end], &v[end + 1..]))
        }
        let (name, rest) = quoted(value.strip_prefix(b"form-data; name=\"")?)?;
        let (filename, rest) = match rest.strip_prefix(b"; filename=\"") {
            Some(r) => {
                let (f, rest) = quoted(r)?;
                (Some(f), rest)
            }
            None => (None, rest),
        };
        rest.is_empty().then_some(RawDisposition {
            disposition: &value[..9],
            form_data: true,
            name: Some(name),
            filename,
            filename_star: None,
        })
    }

    fn scan_any(value: &'a [u8]) -> Result<RawDisposition<'a>, Error> {
        let bad = |c: &Cursor<'_>| c.error(ErrorKind::MalformedContentDisposition);
        let mut c = Cursor::new(value);
        skip_ows(&mut c);
        let disposition = c.take_while(is_tchar);
        if disposition.is_empty() {
            return Err(bad(&c));
        }
        let form_data = disposition.eq_ignore_ascii_case(b"form-data");
        let mut cd = RawDisposition { disposition, form_data, name: None, filename: None, filename_star: None };
        loop {
            skip_ows(&mut c);
            match c.peek() {
                None => return Ok(cd),
                Some(b';') => c.bump(),
                Some(_) => return Err(bad(&c)),
            }
            skip_ows(&mut c);
            if c.peek().is_none() {
                return Ok(cd);
            }
            let name_at = c.pos();
            let pname = c.take_while(is_tchar);
            skip_ows(&mut c);
            if pname.is_empty() || c.peek() != Some(b'=') {
                return Err(bad(&c));
            }
            c.bump();
            skip_ows(&mut c);
            let value_at = c.pos();
            let pvalue = if c.peek() == Some(b'"') {
                c.html_quoted_string().ok_or_else(|| bad(&c))?
            } else {
                let v = c.take_while(is_tchar);
                if v.is_empty() {
                    return Err(bad(&c));
                }
                v
            };
            let slot = if pname.eq_ignore_ascii_case(b"name") {
                &mut cd.name
            } else if pname.eq_ignore_ascii_case(b"filename") {
                &mut cd.filename
            } else if pname.eq_ignore_ascii_case(b"filename*") {
                if parse_ext_value(pvalue).is_none() {
                    return Err(Error::new(ErrorKind::MalformedContentDisposition, value_at as u64));
                }
                &mut cd.filename_star
            } else {
                continue;
            };
            if slot.replace(pvalue).is_some() {
                return Err(Error::new(ErrorKind::MalformedContentDisposition, name_at as u64));
            }
        }
    }

    /// See [`ContentDisposition::is_file`].
    pub(crate) fn is_file(&self) -> bool {
        self.filename.is_some() || self.filename_star.is_some()
    }
}

/// Decodes HTML's `%22`, `%0D` and `%0A` (hex digits in either case); every
/// other byte, `%` sequences included, is kept as it is.
pub(crate) fn html_unescape(v: &[u8]) -> Cow<'_, [u8]> {
    // Names are short: a byte loop is done before memchr would start.
    let escaped = if v.len() <= 32 { v.contains(&b'%') } else { memchr::memchr(b'%', v).is_some() };
    if !escaped {
        return Cow::Borrowed(v);
    }
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let decoded = match v.get(i..i + 3) {
            Some([b'%', b'2', b'2']) => Some(b'"'),
            Some([b'%', b'0', b'D' | b'd']) => Some(b'\r'),
            Some([b'%', b'0', b'A' | b'a']) => Some(b'\n'),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(v[i]);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// RFC 8187 `attr-char`.
pub(crate) fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(b, b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// Parses `charset "'" [ language ] "'" value-chars` and decodes it, with
/// `value-chars = *( pct-encoded / attr-char )`: the grammar is checked here,
/// the `%XX` decoding is the workspace's one percent-decoder.
pub(crate) fn parse_ext_value(v: &[u8]) -> Option<FilenameStar<'_>> {
    let q1 = memchr::memchr(b'\'', v)?;
    let q2 = q1 + 1 + memchr::memchr(b'\'', &v[q1 + 1..])?;
    let (charset, language, chars) = (&v[..q1], &v[q1 + 1..q2], &v[q2 + 1..]);
    if !chars.iter().all(|&b| b == b'%' || is_attr_char(b)) {
        return None;
    }
    let bytes = springbok_percent::decode_strict(chars, springbok_percent::Plus::Literal).ok()?.into_owned();
    let value = if charset.eq_ignore_ascii_case(b"UTF-8") {
        String::from_utf8(bytes).ok()?
    } else if charset.eq_ignore_ascii_case(b"ISO-8859-1") {
        bytes.iter().map(|&b| b as char).collect()
    } else {
        return None;
    };
    Some(FilenameStar { charset, language, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_shape_agrees_with_the_grammar() {
        let bases: [&[u8]; 4] = [
            b"form-data; name=\"field1\"",
            b"form-data; name=\"a\"; filename=\"b c.txt\"",
            b"form-data; name=\"\"; filename=\"\"",
            br#"form-data; name="x\"; filename="C:\d\%22e""#,
        ];
        let bytes = [b'"', b';', b' ', b'\t', b'\r', b'\n', 0, 0x7f, 0x80, b'=', b'*', b'F', b'x', b'%'];
        let mut fast_hits = 0;
        for base in bases {
            assert!(RawDisposition::browser_shape(base).is_some(), "{:?}", String::from_utf8_lossy(base));
            for i in 0..=base.len() {
                for &b in &bytes {
                    for op in 0..3 {
                        let mut v = base.to_vec();
                        match op {
                            0 if i < v.len() => v[i] = b,
                            1 => v.insert(i, b),
                            2 if i < v.len() => {
                                v.remove(i);
                            }
                            _ => continue,
                        }
                        let any = RawDisposition::scan_any(&v);
                        if let Some(fast) = RawDisposition::browser_shape(&v) {
                            fast_hits += 1;
                            assert_eq!(Ok(fast), any, "{:?}", String::from_utf8_lossy(&v));
                        }
                        assert_eq!(RawDisposition::scan(&v), any, "{:?}", String::from_utf8_lossy(&v));
                    }
                }
            }
        }
        assert!(fast_hits > 100, "{fast_hits}");
    }

    fn cd(v: &[u8]) -> ContentDisposition<'_> {
        ContentDisposition::parse(v).unwrap()
    }

    #[test]
    fn browser_shape() {
        let d = cd(b"form-data; name=\"field1\"; filename=\"a b.txt\"");
        assert!(d.is_form_data());
        assert_eq!(d.name().unwrap().as_ref(), b"field1");
        assert_eq!(d.filename().unwrap().as_ref(), b"a b.txt");
        assert!(d.is_file());
        assert!(matches!(d.name().unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn html_escapes_decoded_backslashes_kept() {
        let d = cd(br#"form-data; name="a%22b%0D%0Ac%0d%0a"; filename="C:\x\%22y%22.txt""#);
        assert_eq!(d.name().unwrap().as_ref(), b"a\"b\r\nc\r\n");
        assert_eq!(d.filename().unwrap().as_ref(), br#"C:\x\"y".txt"#);
        assert_eq!(d.filename_raw().unwrap(), br#"C:\x\%22y%22.txt"#);
        // Other escapes are literal, a trailing backslash does not escape the quote.
        let d = cd(br#"form-data; name="%41%2"; filename="dir\""#);
        assert_eq!(d.name().unwrap().as_ref(), b"%41%2");
        assert_eq!(d.filename().unwrap().as_ref(), br"dir\");
    }

    #[test]
    fn paths_not_stripped() {
        let d = cd(b"form-data; name=f; filename=\"../../etc/passwd\"");
        assert_eq!(d.filename().unwrap().as_ref(), b"../../etc/passwd");
    }

    #[test]
    fn tokens_case_and_whitespace() {
        let d = cd(b"  FORM-DATA ;NAME=abc ; FileName = x.bin ;");
        assert!(d.is_form_data());
        assert_eq!(d.name().unwrap().as_ref(), b"abc");
        assert_eq!(d.filename().unwrap().as_ref(), b"x.bin");
        let d = cd(b"form-data; name=\"\"; filename=\"\"");
        assert_eq!(d.name().unwrap().as_ref(), b"");
        assert!(d.is_file());
        let d = cd(b"attachment");
        assert!(!d.is_form_data());
        assert!(d.name().is_none() && !d.is_file());
    }

    #[test]
    fn filename_star_is_separate() {
        let d = cd(b"form-data; name=f; filename=\"plain.txt\"; filename*=utf-8'en'%C3%A9t%C3%A9.txt");
        assert_eq!(d.filename().unwrap().as_ref(), b"plain.txt");
        let fs = d.filename_star().unwrap();
        assert_eq!(fs.value, "été.txt");
        assert_eq!(fs.language, b"en");
        let d = cd(b"form-data; name=f; filename*=ISO-8859-1''%E9t%E9");
        assert!(d.filename().is_none());
        assert!(d.is_file());
        assert_eq!(d.filename_star().unwrap().value, "été");
    }

    #[test]
    fn errors() {
        for v in [
            &b""[..],
            b"; name=a",
            b"form-data; name",
            b"form-data; name=",
            b"form-data; name=\"abc",
            b"form-data; name=\"a\rb\"",
            b"form-data; name=\"a\nb\"",
            b"form-data; name=\"a\"x",
            b"form-data; name=a; name=b",
            b"form-data; name=a; NAME=a",
            b"form-data; filename=a; filename=b",
            b"form-data; filename*=UTF-8''%E9",
            b"form-data; filename*=UTF-8''%4",
            b"form-data; filename*=UTF-8''a b",
            b"form-data; filename*=UTF-8'a",
            b"form-data; filename*=KOI8-R''abc",
            b"form-data; filename*=\"UTF-8''abc\"; filename*=UTF-8''abc",
            b"form-data name=a",
        ] {
            let e = ContentDisposition::parse(v).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::MalformedContentDisposition, "{v:?}");
        }
    }
}
