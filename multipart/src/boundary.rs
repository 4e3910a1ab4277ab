//! The boundary parameter of a `multipart/*` `Content-Type` value.

use crate::error::{Error, ErrorKind};
use crate::syntax::{is_tchar, skip_ows, Cursor};

/// The longest `Content-Type` value [`boundary()`] looks at; longer values
/// are rejected with [`ErrorKind::ContentTypeTooLong`] before any parsing.
///
/// Real values are well under 200 bytes; the bound keeps the work done on a
/// hostile value small (python-multipart CVE-2024-24762 was a regular
/// expression over this header that backtracked).
pub const MAX_CONTENT_TYPE_LEN: usize = 4096;

/// The longest boundary RFC 2046 allows.
pub const MAX_BOUNDARY_LEN: usize = 70;

/// Extracts the boundary from a `Content-Type` header value.
///
/// The value must be a `multipart/<subtype>` media type (type and subtype
/// compared case-insensitively) with exactly one `boundary` parameter (the
/// parameter name is case-insensitive), given as a token or a quoted-string.
/// Other parameters are skipped by the same grammar, so a `boundary=` inside
/// another parameter's quoted value is never picked up. The boundary must be
/// 1–70 bytes of RFC 2046's `bchars` (`DIGIT ALPHA ' ( ) + _ , - . / : = ?`
/// and SP, but not ending with SP). A quoted boundary containing a
/// backslash (quoted-pair) is rejected: no valid boundary needs one.
///
/// The returned slice borrows from `content_type` and is the boundary
/// without the leading `--`.
///
/// ```
/// let b = springbok_multipart::boundary(b"multipart/form-data; boundary=\"a b\"")?;
/// assert_eq!(b, b"a b");
/// let b = springbok_multipart::boundary(b"Multipart/Form-Data;BOUNDARY=xyz;charset=utf-8")?;
/// assert_eq!(b, b"xyz");
/// assert!(springbok_multipart::boundary(b"text/plain; boundary=x").is_err());
/// # Ok::<(), springbok_multipart::Error>(())
/// ```
pub fn boundary(content_type: &[u8]) -> Result<&[u8], Error> {
    if content_type.len() > MAX_CONTENT_TYPE_LEN {
        return Err(Error::new(ErrorKind::ContentTypeTooLong, MAX_CONTENT_TYPE_LEN as u64));
    }
    let mut c = Cursor::new(content_type);
    skip_ows(&mut c);
    let ty = c.take_while(is_tchar);
    if ty.is_empty() || c.peek() != Some(b'/') {
        return Err(c.error(ErrorKind::MalformedContentType));
    }
    c.bump();
    let subtype = c.take_while(is_tchar);
    if subtype.is_empty() {
        return Err(c.error(ErrorKind::MalformedContentType));
    }
    if !ty.eq_ignore_ascii_case(b"multipart") {
        return Err(Error::new(ErrorKind::NotMultipart, 0));
    }
    let mut found: Option<&[u8]> = None;
    loop {
        skip_ows(&mut c);
        match c.peek() {
            None => break,
            Some(b';') => c.bump(),
            Some(_) => return Err(c.error(ErrorKind::MalformedContentType)),
        }
        skip_ows(&mut c);
        if matches!(c.peek(), None | Some(b';')) {
            continue; // empty parameter, allowed by RFC 9110
        }
        let name_at = c.pos();
        let name = c.take_while(is_tchar);
        if name.is_empty() || c.peek() != Some(b'=') {
            return Err(c.error(ErrorKind::MalformedContentType));
        }
        c.bump();
        let value_at = c.pos();
        let (value, escaped) = if c.peek() == Some(b'"') {
            c.quoted_string().ok_or_else(|| c.error(ErrorKind::MalformedContentType))?
        } else {
            let v = c.take_while(is_tchar);
            if v.is_empty() {
                return Err(c.error(ErrorKind::MalformedContentType));
            }
            (v, false)
        };
        if name.eq_ignore_ascii_case(b"boundary") {
            if found.is_some() {
                return Err(Error::new(ErrorKind::DuplicateBoundary, name_at as u64));
            }
            if escaped || !is_valid_boundary(value) {
                return Err(Error::new(ErrorKind::InvalidBoundary, value_at as u64));
            }
            found = Some(value);
        }
    }
    found.ok_or(Error::new(ErrorKind::MissingBoundary, content_type.len() as u64))
}

/// Whether `b` is a valid RFC 2046 boundary: 1–70 `bchars`, not ending in SP.
///
/// ```
/// assert!(springbok_multipart::is_valid_boundary(b"----WebKitFormBoundary7MA4YWxkTrZu0gW"));
/// assert!(!springbok_multipart::is_valid_boundary(b"ends with space "));
/// assert!(!springbok_multipart::is_valid_boundary(b""));
/// ```
pub fn is_valid_boundary(b: &[u8]) -> bool {
    !b.is_empty() && b.len() <= MAX_BOUNDARY_LEN && b.last() != Some(&b' ') && b.iter().all(|&x| is_bchar(x))
}

fn is_bchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(b, b'\'' | b'(' | b')' | b'+' | b'_' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?' | b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(v: &[u8]) -> ErrorKind {
        boundary(v).unwrap_err().kind()
    }

    #[test]
    fn token_and_quoted() {
        assert_eq!(boundary(b"multipart/form-data; boundary=abc").unwrap(), b"abc");
        assert_eq!(boundary(b"multipart/form-data; boundary=\"a:b?c\"").unwrap(), b"a:b?c");
        assert_eq!(boundary(b"multipart/mixed;boundary=x").unwrap(), b"x");
        assert_eq!(boundary(b"  multipart/form-data ; charset=utf-8 ;  BoUnDaRy=zz  ").unwrap(), b"zz");
        assert_eq!(boundary(b"multipart/form-data;; boundary=zz;").unwrap(), b"zz");
    }

    #[test]
    fn boundary_inside_other_quoted_param_is_skipped() {
        assert_eq!(boundary(b"multipart/form-data; x=\"; boundary=evil\"; boundary=good").unwrap(), b"good");
        assert_eq!(boundary(b"multipart/form-data; x=\"a\\\"; boundary=evil\"; boundary=good").unwrap(), b"good");
    }

    #[test]
    fn errors() {
        assert_eq!(kind(b"text/plain; boundary=x"), ErrorKind::NotMultipart);
        assert_eq!(kind(b"multipart/form-data"), ErrorKind::MissingBoundary);
        assert_eq!(kind(b"multipart/form-data; charset=x"), ErrorKind::MissingBoundary);
        assert_eq!(kind(b"multipart/form-data; boundary=a; boundary=a"), ErrorKind::DuplicateBoundary);
        assert_eq!(kind(b"multipart/form-data; boundary="), ErrorKind::MalformedContentType);
        assert_eq!(kind(b"multipart/form-data; boundary=\"\""), ErrorKind::InvalidBoundary);
        assert_eq!(kind(b"multipart/form-data; boundary=\"a \""), ErrorKind::InvalidBoundary);
        assert_eq!(kind(b"multipart/form-data; boundary=\"a\\b\""), ErrorKind::InvalidBoundary);
        assert_eq!(kind(b"multipart/form-data; boundary=a*b"), ErrorKind::InvalidBoundary);
        assert_eq!(kind(b"multipart/form-data; boundary=\"abc"), ErrorKind::MalformedContentType);
        assert_eq!(kind(b"multipart/form-data boundary=abc"), ErrorKind::MalformedContentType);
        assert_eq!(kind(b"multipart; boundary=abc"), ErrorKind::MalformedContentType);
        assert_eq!(kind(b"multipart/form-data; boundary=a b"), ErrorKind::MalformedContentType);
        let long = [b'a'; 71];
        let mut v = b"multipart/form-data; boundary=".to_vec();
        v.extend_from_slice(&long);
        assert_eq!(kind(&v), ErrorKind::InvalidBoundary);
        v.pop();
        assert_eq!(boundary(&v).unwrap().len(), 70);
    }

    #[test]
    fn length_limit() {
        let mut v = b"multipart/form-data; boundary=a".to_vec();
        v.resize(MAX_CONTENT_TYPE_LEN, b' ');
        assert_eq!(boundary(&v).unwrap(), b"a");
        v.push(b' ');
        assert_eq!(kind(&v), ErrorKind::ContentTypeTooLong);
    }
}
