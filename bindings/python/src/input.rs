//! Bytes-like arguments as a `bytes` object: the argument itself when it is
//! `bytes`, else a copy made through a `memoryview` (any object with the
//! buffer protocol, as httptools accepts). A copy, because Python code run
//! from a callback could change a `bytearray` while Rust reads it; through
//! `memoryview`, because that works under the stable ABI too.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMemoryView, PyString};

/// `obj` as `bytes`; `str`, `int` and other objects without the buffer
/// protocol are a TypeError.
pub(crate) fn bytes_like<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(b) = obj.cast_exact::<PyBytes>() {
        return Ok(b.clone());
    }
    let not_bytes = || PyTypeError::new_err(format!("a bytes-like object is required, not '{}'", type_name(obj)));
    if obj.is_instance_of::<PyString>() {
        return Err(not_bytes());
    }
    let view = PyMemoryView::from(obj).map_err(|_| not_bytes())?;
    Ok(view.call_method0("tobytes")?.cast_into::<PyBytes>()?)
}

/// The Python type name of `obj`, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into())
}
