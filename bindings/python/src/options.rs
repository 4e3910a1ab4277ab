//! `parse_options_header`: a header value split into its lower-cased type
//! and a dict of parameters, as python-multipart returns it.
//!
//! Interim: springbok-multipart has no public parameter parser yet (its
//! `boundary()` and `ContentDisposition::parse` each read their own
//! parameters). This splits `value *( ";" param )` with the RFC 9110
//! quoted-string rules and python-multipart's observable choices (names as
//! lower-cased, `*` parameters skipped); it is to be replaced by the crate's
//! parameter parser when that lands.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::input::bytes_like;

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Splits `value` at the `;`s outside quoted strings.
fn segments(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, &b) in value.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b';' if !quoted => {
                out.push(trim(&value[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(trim(&value[start..]));
    out
}

/// A quoted-string's content with its quoted-pairs unescaped; other values
/// as they are.
fn unquote(v: &[u8]) -> Vec<u8> {
    match v {
        [b'"', inner @ .., b'"'] => {
            let mut out = Vec::with_capacity(inner.len());
            let mut it = inner.iter();
            while let Some(&b) = it.next() {
                match (b, it.as_slice().first()) {
                    (b'\\', Some(&n @ (b'\\' | b'"'))) => {
                        out.push(n);
                        it.next();
                    }
                    _ => out.push(b),
                }
            }
            out
        }
        _ => v.to_vec(),
    }
}

/// `(type, {name: value})` for a Content-Type or Content-Disposition value
/// (bytes, or a latin-1 str).
#[pyfunction]
pub(crate) fn parse_options_header<'py>(
    py: Python<'py>,
    value: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyDict>)> {
    let options = PyDict::new(py);
    let raw: Vec<u8> = match value {
        None => return Ok((PyBytes::new(py, b""), options)),
        Some(v) if v.is_none() => return Ok((PyBytes::new(py, b""), options)),
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => s.to_cow()?.chars().map(|c| u32::from(c).min(0xff) as u8).collect(),
            Err(_) => bytes_like(v)?.into_owned(),
        },
    };
    let mut segs = segments(&raw).into_iter();
    let ty = segs.next().unwrap_or_default().to_ascii_lowercase();
    for seg in segs {
        let (key, val) = match seg.iter().position(|&b| b == b'=') {
            Some(i) => (&seg[..i], &seg[i + 1..]),
            None => (seg, &b""[..]),
        };
        // RFC 7578 §4.2 forbids the extended (`name*`) syntax in form-data.
        if key.contains(&b'*') {
            continue;
        }
        options.set_item(PyBytes::new(py, &key.to_ascii_lowercase()), PyBytes::new(py, &unquote(val)))?;
    }
    Ok((PyBytes::new(py, &ty), options))
}
