//! `Content-Type` and `Content-Disposition` values split into their type and
//! parameters by the RFC rules: RFC 9110 §5.6.6 tokens and quoted-strings
//! (quoted-pairs unescaped) and RFC 8187 extended (`name*`) parameters.

use std::borrow::Cow;

use crate::boundary::MAX_CONTENT_TYPE_LEN;
use crate::disposition::{is_attr_char, parse_ext_value};
use crate::error::{Error, ErrorKind};
use crate::syntax::{is_tchar, skip_ows, Cursor};

/// Which header a value comes from: the grammars differ slightly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    /// RFC 9110 `media-type`: `type "/" subtype`, no whitespace around `=`.
    ContentType,
    /// RFC 6266 `disposition-type`: one token, whitespace allowed around
    /// `=` (its grammar has RFC 2616's implied whitespace).
    ContentDisposition,
}

impl Which {
    fn error_kind(self) -> ErrorKind {
        match self {
            Which::ContentType => ErrorKind::MalformedContentType,
            Which::ContentDisposition => ErrorKind::MalformedContentDisposition,
        }
    }
}

/// A `Content-Type` or `Content-Disposition` value split into its type and
/// its parameters, borrowing from the value. What python-multipart's
/// `parse_options_header` and Rack's media-type parameter parsing return,
/// with the RFC rules:
///
/// * a parameter value is a token, or a quoted-string whose quoted-pairs
///   (`\"`, `\\`, `\` + any other byte) are unescaped (RFC 9110 §5.6.6);
/// * a parameter whose name ends in `*` is an RFC 8187 extended parameter,
///   `charset'language'percent-encoded`, decoded to UTF-8 from `UTF-8` or
///   `ISO-8859-1` (any other charset, a quoted value or a bad `%XX` makes
///   the value malformed); RFC 2231 continuations (`name*0`) are not joined;
/// * parameters come out in order, names as sent (compare them
///   case-insensitively), repeats included: `title` and `title*` are two
///   parameters, and which one wins is the caller's choice (RFC 8187 says
///   to prefer `title*`).
///
/// **Not for the `name` and `filename` of a `form-data` part.** Browsers do
/// not write those by RFC 9110: they send backslashes raw and escape only
/// `"`, CR and LF as `%22`, `%0D`, `%0A` (the HTML form-data encoding), so
/// unescaping quoted-pairs would turn `C:\dir\a.txt` into `C:dira.txt`.
/// Use [`Part::name`](crate::Part::name), [`Part::filename`](crate::Part::filename)
/// and [`ContentDisposition`](crate::ContentDisposition) for those; use
/// this for `charset` and other `Content-Type` parameters, and for
/// `Content-Disposition` outside form-data (HTTP responses,
/// `multipart/mixed` attachments).
///
/// ```
/// use springbok_multipart::HeaderParams;
///
/// let ct = HeaderParams::content_type(br#"text/plain; charset="utf-8"; note="say \"hi\"""#)?;
/// assert_eq!(ct.type_name(), b"text/plain");
/// let params: Vec<_> = ct.params().map(|p| (p.name, p.value.into_owned())).collect();
/// assert_eq!(params, [(&b"charset"[..], b"utf-8".to_vec()), (&b"note"[..], b"say \"hi\"".to_vec())]);
///
/// let cd = HeaderParams::content_disposition(b"attachment; filename*=UTF-8''%E2%82%AC%20rates.txt")?;
/// let p = cd.params().next().unwrap();
/// assert_eq!((p.name, p.charset, p.language), (&b"filename*"[..], Some(&b"UTF-8"[..]), Some(&b""[..])));
/// assert_eq!(p.value, "€ rates.txt".as_bytes());
/// # Ok::<(), springbok_multipart::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct HeaderParams<'a> {
    value: &'a [u8],
    type_name: &'a [u8],
    params_at: usize,
    which: Which,
}

/// One parameter of a [`HeaderParams`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Param<'a> {
    /// The name as sent, `*` included for an extended parameter.
    pub name: &'a [u8],
    /// The value: a token as sent; a quoted-string without its quotes and
    /// with quoted-pairs unescaped; an extended value percent-decoded and in
    /// UTF-8. Borrowed when nothing needed decoding.
    pub value: Cow<'a, [u8]>,
    /// For an extended parameter, the charset label as sent (`UTF-8` or
    /// `ISO-8859-1`, any case); `None` otherwise.
    pub charset: Option<&'a [u8]>,
    /// For an extended parameter, the language tag as sent (often empty);
    /// `None` otherwise.
    pub language: Option<&'a [u8]>,
}

impl Param<'_> {
    /// Whether this is an RFC 8187 extended (`name*`) parameter.
    pub fn is_extended(&self) -> bool {
        self.charset.is_some()
    }
}

impl<'a> HeaderParams<'a> {
    /// Parses a `Content-Type` value, `type "/" subtype *( OWS ";" OWS
    /// [ parameter ] )` (RFC 9110 §8.3.1, §5.6.6; no whitespace around `=`,
    /// empty parameters allowed). Errors are
    /// [`ErrorKind::MalformedContentType`], or
    /// [`ErrorKind::ContentTypeTooLong`] above
    /// [`MAX_CONTENT_TYPE_LEN`](crate::MAX_CONTENT_TYPE_LEN) bytes, as for
    /// [`boundary()`](crate::boundary()); offsets count from the value's start.
    pub fn content_type(value: &'a [u8]) -> Result<HeaderParams<'a>, Error> {
        if value.len() > MAX_CONTENT_TYPE_LEN {
            return Err(Error::new(ErrorKind::ContentTypeTooLong, MAX_CONTENT_TYPE_LEN as u64));
        }
        let mut c = Cursor::new(value);
        skip_ows(&mut c);
        let start = c.pos();
        let ty = c.take_while(is_tchar);
        if ty.is_empty() || c.peek() != Some(b'/') {
            return Err(c.error(ErrorKind::MalformedContentType));
        }
        c.bump();
        if c.take_while(is_tchar).is_empty() {
            return Err(c.error(ErrorKind::MalformedContentType));
        }
        Self::validate(value, &value[start..c.pos()], c.pos(), Which::ContentType)
    }

    /// Parses a `Content-Disposition` value, `disposition-type *( OWS ";"
    /// OWS [ parameter ] )` (RFC 6266; whitespace allowed around `=`, empty
    /// parameters allowed). Errors are
    /// [`ErrorKind::MalformedContentDisposition`], offsets from the value's
    /// start.
    pub fn content_disposition(value: &'a [u8]) -> Result<HeaderParams<'a>, Error> {
        let mut c = Cursor::new(value);
        skip_ows(&mut c);
        let ty = c.take_while(is_tchar);
        if ty.is_empty() {
            return Err(c.error(ErrorKind::MalformedContentDisposition));
        }
        Self::validate(value, ty, c.pos(), Which::ContentDisposition)
    }

    /// Checks every parameter once, so that iterating cannot fail.
    fn validate(value: &'a [u8], type_name: &'a [u8], params_at: usize, which: Which) -> Result<Self, Error> {
        let mut c = Cursor::at(value, params_at);
        while let Some(raw) = next_raw(&mut c, which)? {
            decode(raw, which)?;
        }
        Ok(HeaderParams { value, type_name, params_at, which })
    }

    /// The media type (`type/subtype`) or disposition type, as sent
    /// (compare it case-insensitively).
    pub fn type_name(&self) -> &'a [u8] {
        self.type_name
    }

    /// The parameters, in order.
    pub fn params(&self) -> Params<'a> {
        Params { cursor: Cursor::at(self.value, self.params_at), which: self.which }
    }
}

/// The parameters of a [`HeaderParams`], in order.
#[derive(Clone)]
pub struct Params<'a> {
    cursor: Cursor<'a>,
    which: Which,
}

impl<'a> Iterator for Params<'a> {
    type Item = Param<'a>;

    fn next(&mut self) -> Option<Param<'a>> {
        // The value was validated when the `HeaderParams` was made, so
        // neither step fails here; `ok()` only keeps this free of panics.
        let raw = next_raw(&mut self.cursor, self.which).ok()??;
        decode(raw, self.which).ok()
    }
}

impl core::fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Params").field("at", &self.cursor.pos()).finish()
    }
}

/// A parameter as it appears in the value.
struct RawParam<'a> {
    name: &'a [u8],
    value: &'a [u8],
    value_at: usize,
    quoted: bool,
    escaped: bool,
}

/// The next parameter, skipping empty ones; `None` at the end of the value.
fn next_raw<'a>(c: &mut Cursor<'a>, which: Which) -> Result<Option<RawParam<'a>>, Error> {
    let kind = which.error_kind();
    let lenient_eq = which == Which::ContentDisposition;
    loop {
        skip_ows(c);
        match c.peek() {
            None => return Ok(None),
            Some(b';') => c.bump(),
            Some(_) => return Err(c.error(kind)),
        }
        skip_ows(c);
        if matches!(c.peek(), None | Some(b';')) {
            continue;
        }
        let name = c.take_while(is_tchar);
        if lenient_eq {
            skip_ows(c);
        }
        if name.is_empty() || c.peek() != Some(b'=') {
            return Err(c.error(kind));
        }
        c.bump();
        if lenient_eq {
            skip_ows(c);
        }
        let value_at = c.pos();
        let (value, quoted, escaped) = if c.peek() == Some(b'"') {
            let (v, escaped) = c.quoted_string().ok_or_else(|| c.error(kind))?;
            (v, true, escaped)
        } else {
            let v = c.take_while(is_tchar);
            if v.is_empty() {
                return Err(c.error(kind));
            }
            (v, false, false)
        };
        return Ok(Some(RawParam { name, value, value_at, quoted, escaped }));
    }
}

/// Decodes a parameter's value by its rule.
fn decode<'a>(raw: RawParam<'a>, which: Which) -> Result<Param<'a>, Error> {
    let bad = || Error::new(which.error_kind(), raw.value_at as u64);
    if let Some((b'*', base)) = raw.name.split_last() {
        // RFC 8187: `parmname "*"` with parmname 1*attr-char, and an
        // ext-value, which is never a quoted-string.
        if base.is_empty() || !base.iter().all(|&b| is_attr_char(b)) || raw.quoted {
            return Err(bad());
        }
        let ext = parse_ext_value(raw.value).ok_or_else(bad)?;
        return Ok(Param {
            name: raw.name,
            value: Cow::Owned(ext.value.into_bytes()),
            charset: Some(ext.charset),
            language: Some(ext.language),
        });
    }
    let value = if raw.escaped { Cow::Owned(unescape_quoted_pairs(raw.value)) } else { Cow::Borrowed(raw.value) };
    Ok(Param { name: raw.name, value, charset: None, language: None })
}

/// Replaces each quoted-pair `\x` with `x` (the quoted-string was validated).
fn unescape_quoted_pairs(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut bytes = v.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'\\' => out.extend(bytes.next()),
            _ => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(v: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let h = HeaderParams::content_type(v).unwrap();
        h.params().map(|p| (p.name.to_vec(), p.value.into_owned())).collect()
    }

    fn pairs(list: &[(&str, &[u8])]) -> Vec<(Vec<u8>, Vec<u8>)> {
        list.iter().map(|(n, v)| (n.as_bytes().to_vec(), v.to_vec())).collect()
    }

    #[test]
    fn tokens_quoted_strings_and_quoted_pairs() {
        assert_eq!(ct(b"text/plain"), pairs(&[]));
        assert_eq!(ct(b"text/plain;charset=UTF-8"), pairs(&[("charset", b"UTF-8")]));
        assert_eq!(
            ct(br#" Multipart/Form-Data ; boundary="a b" ; x="\\\"\a""#),
            pairs(&[("boundary", b"a b"), ("x", br#"\"a"#)])
        );
        assert_eq!(ct(br#"a/b; q="" ; ;; r=1;"#), pairs(&[("q", b""), ("r", b"1")]));
        assert_eq!(ct(b"a/b; x=\"\xe9\t \""), pairs(&[("x", b"\xe9\t ")]));
        let h = HeaderParams::content_type(b" Multipart/Form-Data ; a=b").unwrap();
        assert_eq!(h.type_name(), b"Multipart/Form-Data");
        // Borrowed unless a quoted-pair had to be unescaped.
        let h = HeaderParams::content_type(br#"a/b; x="plain"; y="p\q""#).unwrap();
        let v: Vec<_> = h.params().map(|p| matches!(p.value, Cow::Borrowed(_))).collect();
        assert_eq!(v, [true, false]);
    }

    #[test]
    fn repeats_and_star_params_come_out_in_order() {
        let h = HeaderParams::content_disposition(
            b"attachment; filename=\"plain.txt\"; FILENAME*=iso-8859-1'fr'%E9t%E9.txt; filename=again",
        )
        .unwrap();
        assert_eq!(h.type_name(), b"attachment");
        let ps: Vec<_> = h.params().collect();
        assert_eq!(ps.len(), 3);
        assert_eq!((ps[0].name, &*ps[0].value, ps[0].is_extended()), (&b"filename"[..], &b"plain.txt"[..], false));
        assert_eq!(ps[1].name, b"FILENAME*");
        assert_eq!(&*ps[1].value, "été.txt".as_bytes());
        assert_eq!((ps[1].charset, ps[1].language), (Some(&b"iso-8859-1"[..]), Some(&b"fr"[..])));
        assert_eq!(&*ps[2].value, b"again");
        // RFC 2231 continuations are ordinary parameters here.
        let h = HeaderParams::content_disposition(b"inline; t*0=a; t*1=b").unwrap();
        assert_eq!(h.params().map(|p| p.name).collect::<Vec<_>>(), [&b"t*0"[..], b"t*1"]);
    }

    #[test]
    fn whitespace_around_equals_only_in_content_disposition() {
        let h = HeaderParams::content_disposition(b"form-data ; name = \"a\" ;filename =b").unwrap();
        let v: Vec<_> = h.params().map(|p| p.value.into_owned()).collect();
        assert_eq!(v, [b"a".to_vec(), b"b".to_vec()]);
        let e = HeaderParams::content_type(b"text/plain; charset = utf-8").unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::MalformedContentType, 19));
    }

    #[test]
    fn the_rfc_rule_unescapes_backslashes_the_form_data_rule_does_not() {
        let v = br#"form-data; name="f"; filename="C:\dir\a.txt""#;
        let h = HeaderParams::content_disposition(v).unwrap();
        assert_eq!(&*h.params().nth(1).unwrap().value, b"C:dira.txt");
        let cd = crate::ContentDisposition::parse(v).unwrap();
        assert_eq!(&*cd.filename().unwrap(), br"C:\dir\a.txt");
    }

    #[test]
    fn errors_with_offsets() {
        let ct_err = |v: &[u8]| {
            let e = HeaderParams::content_type(v).unwrap_err();
            (e.kind(), e.offset())
        };
        let cd_err = |v: &[u8]| {
            let e = HeaderParams::content_disposition(v).unwrap_err();
            (e.kind(), e.offset())
        };
        use ErrorKind::{MalformedContentDisposition as CD, MalformedContentType as CT};
        assert_eq!(ct_err(b""), (CT, 0));
        assert_eq!(ct_err(b"text"), (CT, 4));
        assert_eq!(ct_err(b"text/"), (CT, 5));
        assert_eq!(ct_err(b"text/plain x"), (CT, 11));
        assert_eq!(ct_err(b"text/plain; a"), (CT, 13));
        assert_eq!(ct_err(b"text/plain; a="), (CT, 14));
        assert_eq!(ct_err(b"text/plain; =b"), (CT, 12));
        assert_eq!(ct_err(b"text/plain; a=\"b"), (CT, 16));
        assert_eq!(ct_err(b"text/plain; a=\"b\\"), (CT, 16));
        assert_eq!(ct_err(b"text/plain; a=\"b\rc\""), (CT, 16));
        assert_eq!(ct_err(b"text/plain; a=\"b\"c"), (CT, 17));
        assert_eq!(ct_err(b"text/plain; a=b c"), (CT, 16));
        // Extended parameters: errors at the value.
        assert_eq!(ct_err(b"a/b; t*=UTF-8''%E9"), (CT, 8));
        assert_eq!(ct_err(b"a/b; t*=KOI8-R''x"), (CT, 8));
        assert_eq!(ct_err(b"a/b; t*=UTF-8''%4"), (CT, 8));
        assert_eq!(ct_err(b"a/b; t*=UTF-8'x"), (CT, 8));
        assert_eq!(ct_err(b"a/b; t*=\"UTF-8''x\""), (CT, 8));
        assert_eq!(ct_err(b"a/b; *=UTF-8''x"), (CT, 7));
        assert_eq!(ct_err(b"a/b; t%*=UTF-8''x"), (CT, 9));
        assert_eq!(cd_err(b""), (CD, 0));
        assert_eq!(cd_err(b"; a=b"), (CD, 0));
        assert_eq!(cd_err(b"inline a=b"), (CD, 7));
        assert_eq!(cd_err(b"inline; a b"), (CD, 10));
        let mut long = b"a/b; x=".to_vec();
        long.resize(MAX_CONTENT_TYPE_LEN + 1, b'y');
        assert_eq!(ct_err(&long), (ErrorKind::ContentTypeTooLong, MAX_CONTENT_TYPE_LEN as u64));
        long.pop();
        assert_eq!(ct(&long)[0].1.len(), MAX_CONTENT_TYPE_LEN - 7);
    }
}
