//! `ByteClass`: a set of bytes with a regex-like `search`, standing in for
//! a compiled single-character-class regex (uvicorn's response-header
//! checks) at a table lookup per byte.

use pyo3::prelude::*;

use crate::input::bytes_like;

/// A set of byte values.
#[pyclass(frozen, module = "springbok._native")]
pub(crate) struct ByteClass {
    member: [bool; 256],
}

#[pymethods]
impl ByteClass {
    /// The class of the bytes in `members`.
    #[new]
    fn new(members: &[u8]) -> ByteClass {
        let mut member = [false; 256];
        for &b in members {
            member[usize::from(b)] = true;
        }
        ByteClass { member }
    }

    /// `True` when `data` holds a byte of the class, `None` otherwise: what
    /// `re.compile(b"[...]").search(data)` answers, as a truth value.
    fn search(&self, data: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
        let data = bytes_like(data)?;
        Ok(data.as_bytes().iter().any(|&b| self.member[usize::from(b)]).then_some(true))
    }
}
