//! `springbok.httptools`: httptools 0.9's parser classes.

pub(crate) mod errors;
mod machine;
pub(crate) mod url;

use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Mutex, TryLockError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::gc::PyVisit;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use pyo3::PyTraverseError;

use crate::input::bytes_like;
use machine::{Callbacks, Info, Kind, Machine, Stop};

/// The header storage of every head parse in this module.
pub(crate) const fn machine_max_headers() -> usize {
    machine::MAX_HEADERS
}

/// The base of both parser classes (httptools' internal `HttpParser`).
#[pyclass(subclass, frozen, module = "springbok.httptools")]
pub(crate) struct HttpParser {
    callbacks: Callbacks,
    info: Info,
    /// Boxed, so that nothing in it depends on the alignment Python's
    /// allocator gives the object (16 bytes).
    machine: Mutex<Box<Machine>>,
}

impl HttpParser {
    fn new(protocol: &Bound<'_, PyAny>, kind: Kind) -> PyResult<HttpParser> {
        Ok(HttpParser {
            callbacks: Callbacks::of(protocol, kind)?,
            info: Info::default(),
            machine: Mutex::new(Box::new(Machine::new(kind))),
        })
    }

    /// Runs `f` on the machine; a call from inside a callback (the machine
    /// is busy) is an error, not a deadlock.
    fn with_machine<R>(&self, f: impl FnOnce(&mut Machine) -> PyResult<R>) -> PyResult<R> {
        let mut guard = match self.machine.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(PyRuntimeError::new_err("the parser is busy: called from one of its own callbacks"))
            }
        };
        f(&mut guard)
    }
}

#[pymethods]
impl HttpParser {
    /// Sets httptools' (llhttp's) leniencies; see the package README for
    /// what each maps to. `None` leaves a setting unchanged.
    #[pyo3(signature = (
        lenient_headers=None,
        lenient_chunked_length=None,
        lenient_keep_alive=None,
        lenient_transfer_encoding=None,
        lenient_version=None,
        lenient_data_after_close=None,
        lenient_optional_lf_after_cr=None,
        lenient_optional_cr_before_lf=None,
        lenient_optional_crlf_after_chunk=None,
        lenient_spaces_after_chunk_size=None,
    ))]
    #[allow(clippy::too_many_arguments, unused_variables)]
    fn set_dangerous_leniencies(
        &self,
        lenient_headers: Option<bool>,
        lenient_chunked_length: Option<bool>,
        lenient_keep_alive: Option<bool>,
        lenient_transfer_encoding: Option<bool>,
        lenient_version: Option<bool>,
        lenient_data_after_close: Option<bool>,
        lenient_optional_lf_after_cr: Option<bool>,
        lenient_optional_cr_before_lf: Option<bool>,
        lenient_optional_crlf_after_chunk: Option<bool>,
        lenient_spaces_after_chunk_size: Option<bool>,
    ) -> PyResult<()> {
        self.with_machine(|m| {
            if let Some(v) = lenient_headers {
                m.config.ignore_invalid_headers = v;
            }
            if let Some(v) = lenient_data_after_close {
                m.lenient_data_after_close = v;
            }
            if let Some(v) = lenient_optional_cr_before_lf {
                m.config.allow_bare_lf = v;
            }
            // The others have no Springbok counterpart: Springbok stays
            // strict (see the README's list of differences).
            Ok(())
        })
    }

    /// The HTTP version of the last head, e.g. `"1.1"` (`"0.0"` before one).
    fn get_http_version<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        let (major, minor) = (self.info.major.load(Relaxed), self.info.minor.load(Relaxed));
        match (major, minor) {
            (1, 1) => intern!(py, "1.1").clone(),
            (1, 0) => intern!(py, "1.0").clone(),
            _ => PyString::new(py, &format!("{major}.{minor}")),
        }
    }

    /// Whether the connection may carry another message after the current one.
    fn should_keep_alive(&self) -> bool {
        self.info.keep_alive.load(Relaxed)
    }

    /// Whether the current message switches protocols (set just before
    /// `on_headers_complete`).
    fn should_upgrade(&self) -> bool {
        self.info.upgrade.load(Relaxed)
    }

    /// Springbok's extension: whether the last request head asked for
    /// `100 Continue` (`Expect: 100-continue` in HTTP/1.1).
    fn expect_continue(&self) -> bool {
        self.info.expect_continue.load(Relaxed)
    }

    /// Feeds bytes (any bytes-like object, any split, pipelined messages);
    /// calls the protocol's callbacks. Raises HttpParserUpgrade with the
    /// offset of the first byte after an upgrading message's head.
    fn feed_data(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = bytes_like(data)?;
        self.with_machine(|m| match m.feed(py, &self.callbacks, &self.info, bytes.as_bytes()) {
            Ok(()) => Ok(()),
            Err(Stop::Err(e)) => Err(e),
            Err(Stop::Upgrade(offset)) => Err(machine::upgrade_err(offset)),
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        for cb in self.callbacks.all().into_iter().flatten() {
            cb.visit(&visit)?;
        }
        if let Ok(method) = self.info.method.try_lock() {
            visit.call(&*method)?;
        }
        Ok(())
    }
}

/// httptools' `HttpRequestParser`.
#[pyclass(extends = HttpParser, subclass, frozen, module = "springbok.httptools")]
pub(crate) struct HttpRequestParser;

#[pymethods]
impl HttpRequestParser {
    #[new]
    fn new(protocol: &Bound<'_, PyAny>) -> PyResult<PyClassInitializer<Self>> {
        Ok(PyClassInitializer::from(HttpParser::new(protocol, Kind::Request)?).add_subclass(HttpRequestParser))
    }

    /// The method of the last request head, e.g. `b"GET"` (`b""` before one).
    fn get_method<'py>(slf: &Bound<'py, Self>) -> Bound<'py, PyBytes> {
        let py = slf.py();
        let base = slf.as_super().get();
        let method = base.info.method.lock().unwrap_or_else(|p| p.into_inner());
        match &*method {
            Some(m) => m.clone_ref(py).into_bound(py),
            None => PyBytes::new(py, b""),
        }
    }
}

/// httptools' `HttpResponseParser`.
#[pyclass(extends = HttpParser, subclass, frozen, module = "springbok.httptools")]
pub(crate) struct HttpResponseParser;

#[pymethods]
impl HttpResponseParser {
    #[new]
    fn new(protocol: &Bound<'_, PyAny>) -> PyResult<PyClassInitializer<Self>> {
        Ok(PyClassInitializer::from(HttpParser::new(protocol, Kind::Response)?).add_subclass(HttpResponseParser))
    }

    /// The status code of the last response head (0 before one).
    fn get_status_code(slf: &Bound<'_, Self>) -> u16 {
        slf.as_super().get().info.status.load(Relaxed)
    }
}
