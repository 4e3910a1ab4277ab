//! `parse_options_header`: a Content-Type or Content-Disposition value as
//! python-multipart returns it, `(lower-cased type, {lower-cased name:
//! value})`, from springbok-multipart's parameter parser.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use springbok_multipart::{ContentDisposition, HeaderParams};

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

/// `(type, {name: value})` for a Content-Type or Content-Disposition value
/// (bytes, or a latin-1 str):
///
/// * a value whose type has a `/` is read as a Content-Type (RFC 9110),
///   anything else as a Content-Disposition (RFC 6266), both with
///   springbok-multipart's `HeaderParams` (quoted-pairs unescaped);
/// * `name` and `filename` of a `form-data` disposition are read as
///   browsers write them (`ContentDisposition`: backslashes kept, `%22`,
///   `%0D`, `%0A` decoded), as the multipart parser reads them;
/// * extended (`name*`) parameters are left out, as python-multipart leaves
///   them out (RFC 7578 forbids them in form-data): see
///   `PartHeaders.filename_star`;
/// * a value the grammar refuses gives its type and no parameters (as
///   python-multipart, this never raises).
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
            Err(_) => bytes_like(v)?.as_bytes().to_vec(),
        },
    };
    let head = trim(raw.split(|&b| b == b';').next().unwrap_or_default());
    let parsed =
        if head.contains(&b'/') { HeaderParams::content_type(&raw) } else { HeaderParams::content_disposition(&raw) };
    let Ok(params) = parsed else {
        return Ok((PyBytes::new(py, &head.to_ascii_lowercase()), options));
    };
    let type_name = params.type_name().to_ascii_lowercase();
    let form_data = (type_name == b"form-data").then(|| ContentDisposition::parse(&raw).ok()).flatten();
    for p in params.params() {
        if p.is_extended() {
            continue;
        }
        let name = p.name.to_ascii_lowercase();
        let value: Cow<'_, [u8]> = match (&form_data, name.as_slice()) {
            (Some(cd), b"name") => cd.name().unwrap_or(p.value),
            (Some(cd), b"filename") => cd.filename().unwrap_or(p.value),
            _ => p.value,
        };
        options.set_item(PyBytes::new(py, &name), PyBytes::new(py, &value))?;
    }
    Ok((PyBytes::new(py, &type_name), options))
}
