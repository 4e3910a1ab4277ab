//! A protocol callback, with bound methods taken apart once: calling the
//! function with the instance prepended skips the bound method's own call
//! step on every call (one per header in a head).

use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use pyo3::PyTraverseError;

/// A callable to call with positional arguments.
pub(crate) enum Callback {
    /// Any callable.
    Any(Py<PyAny>),
    /// A bound method (`types.MethodType`): its function and instance.
    Method { func: Py<PyAny>, this: Py<PyAny> },
}

static METHOD_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

impl Callback {
    /// `obj`, or `None` when it is `None`.
    pub(crate) fn new(obj: Bound<'_, PyAny>) -> PyResult<Option<Callback>> {
        if obj.is_none() {
            return Ok(None);
        }
        let py = obj.py();
        let method_type = METHOD_TYPE.import(py, "types", "MethodType")?;
        if obj.get_type().is(method_type) {
            return Ok(Some(Callback::Method {
                func: obj.getattr("__func__")?.unbind(),
                this: obj.getattr("__self__")?.unbind(),
            }));
        }
        Ok(Some(Callback::Any(obj.unbind())))
    }

    #[inline]
    pub(crate) fn call0(&self, py: Python<'_>) -> PyResult<()> {
        match self {
            Callback::Any(f) => f.call0(py).map(drop),
            Callback::Method { func, this } => func.call1(py, (this,)).map(drop),
        }
    }

    #[inline]
    pub(crate) fn call1(&self, py: Python<'_>, a: Bound<'_, PyAny>) -> PyResult<()> {
        match self {
            Callback::Any(f) => f.call1(py, (a,)).map(drop),
            Callback::Method { func, this } => func.call1(py, (this, a)).map(drop),
        }
    }

    #[inline]
    pub(crate) fn call2(&self, py: Python<'_>, a: Bound<'_, PyAny>, b: Bound<'_, PyAny>) -> PyResult<()> {
        match self {
            Callback::Any(f) => f.call1(py, (a, b)).map(drop),
            Callback::Method { func, this } => func.call1(py, (this, a, b)).map(drop),
        }
    }

    #[inline]
    pub(crate) fn call3(
        &self,
        py: Python<'_>,
        a: Bound<'_, PyAny>,
        b: Bound<'_, PyAny>,
        c: Bound<'_, PyAny>,
    ) -> PyResult<()> {
        match self {
            Callback::Any(f) => f.call1(py, (a, b, c)).map(drop),
            Callback::Method { func, this } => func.call1(py, (this, a, b, c)).map(drop),
        }
    }

    /// Visits the references, for the garbage collector.
    pub(crate) fn visit(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        match self {
            Callback::Any(f) => visit.call(f),
            Callback::Method { func, this } => {
                visit.call(func)?;
                visit.call(this)
            }
        }
    }
}
