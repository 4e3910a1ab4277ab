//! Bytes-like arguments: borrowed when they are `bytes`, copied otherwise.

use std::borrow::Cow;

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The bytes of a bytes-like object (`bytes`, `bytearray`, `memoryview`,
/// `array('B')`, …). `bytes` is immutable and is borrowed; any other buffer
/// is copied, because Python code run from a callback could change it while
/// Rust holds a slice of it.
pub(crate) fn bytes_like<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    let not_bytes = || PyTypeError::new_err(format!("a bytes-like object is required, not '{}'", type_name(obj)));
    if obj.is_instance_of::<pyo3::types::PyString>() {
        return Err(not_bytes());
    }
    let buffer = PyBuffer::<u8>::get(obj).map_err(|_| not_bytes())?;
    Ok(Cow::Owned(buffer.to_vec(obj.py())?))
}

/// The Python type name of `obj`, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into())
}
