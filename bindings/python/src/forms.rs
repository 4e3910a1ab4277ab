//! `application/x-www-form-urlencoded` pairs for `springbok.parse_qsl`:
//! springbok-form-urlencoded's WHATWG split and decoding (the rules
//! `urllib.parse.parse_qsl` follows), with urllib's blank-value rule. The
//! Python wrapper handles urllib's other arguments.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use springbok_form_urlencoded::{parse, parse_buffered, Options};

/// The decoded pairs of `qs`; with `keep_blank_values` false, pairs with an
/// empty value are left out, as urllib leaves them out.
fn pairs(qs: &[u8], keep_blank_values: bool) -> impl Iterator<Item = (Cow<'_, [u8]>, Cow<'_, [u8]>)> {
    // urllib has no limits of its own besides max_num_fields, which the
    // wrapper checks as urllib does (by counting separators).
    parse(qs, &Options::unlimited()).into_iter().flatten().filter(move |(_, v)| keep_blank_values || !v.is_empty())
}

/// `parse_qsl` on bytes: pairs of `bytes`.
#[pyfunction]
pub(crate) fn qsl_bytes<'py>(py: Python<'py>, qs: &[u8], keep_blank_values: bool) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for (k, v) in pairs(qs, keep_blank_values) {
        list.append(PyTuple::new(py, [PyBytes::new(py, &k), PyBytes::new(py, &v)])?)?;
    }
    Ok(list)
}

/// `parse_qsl` on the UTF-8 encoding of a `str`: pairs of `str`, invalid
/// UTF-8 replaced with U+FFFD (urllib's `encoding='utf-8',
/// errors='replace'`).
#[pyfunction]
pub(crate) fn qsl_str<'py>(py: Python<'py>, qs: &[u8], keep_blank_values: bool) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    // Decoded parts share one buffer and come out as text, checked as
    // they are split (springbok-form-urlencoded's UTF-8 pairs).
    let mut buf = Vec::new();
    let text = parse_buffered(qs, &Options::unlimited(), &mut buf).into_iter().flat_map(|p| p.utf8());
    for (k, v) in text.filter(|(_, v)| keep_blank_values || !v.is_empty()) {
        list.append(PyTuple::new(py, [PyString::new(py, &k), PyString::new(py, &v)])?)?;
    }
    Ok(list)
}

/// The raw (undecoded) pairs of `data` as offsets
/// `(name_start, name_end, value_start, value_end)`, for python-multipart's
/// `QuerystringParser` callbacks, which pass `(data, start, end)`.
#[pyfunction]
pub(crate) fn raw_pair_spans(data: &[u8]) -> PyResult<Vec<(usize, usize, usize, usize)>> {
    let base = data.as_ptr() as usize;
    let at = |s: &[u8]| (s.as_ptr() as usize).wrapping_sub(base).min(data.len());
    let raw = springbok_form_urlencoded::parse_raw(data, &Options::unlimited())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    Ok(raw
        .map(|(k, v)| {
            let (ks, vs) = (at(k), at(v));
            (ks, ks + k.len(), vs, vs + v.len())
        })
        .collect())
}
