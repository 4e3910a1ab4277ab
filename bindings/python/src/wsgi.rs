//! `springbok.wsgi.environ(head)`: a request head parsed and flattened into
//! a PEP 3333 environ dict by the parser crate's env module (PSGI flavour:
//! `PATH_INFO` percent-decoded, fragment stripped).

use std::mem::MaybeUninit;

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use springbok_parser::env::{EnvConfig, EnvError, Underscores};
use springbok_parser::{framing, Header, ParserConfig, Status};

use crate::http::machine_max_headers;
use crate::input::bytes_like;

create_exception!(
    springbok.wsgi,
    BadRequest,
    PyValueError,
    "The head is invalid: `status` is the HTTP status to answer with."
);

fn bad_request(message: String, status: u16) -> PyErr {
    Python::attach(|py| {
        let err = BadRequest::new_err(message);
        let _ = err.value(py).setattr("status", status);
        err
    })
}

/// A PEP 3333 "native string": the bytes as latin-1.
fn latin1<'py>(py: Python<'py>, b: &[u8]) -> Bound<'py, PyString> {
    match std::str::from_utf8(b) {
        Ok(s) if b.is_ascii() => PyString::new(py, s),
        _ => PyString::new(py, &b.iter().map(|&c| char::from(c)).collect::<String>()),
    }
}

/// `(environ, head_len)` for the request head at the start of `head`, or
/// `None` when the head is not complete yet. Raises BadRequest (with the
/// status to answer) for an invalid head or an unsafe body framing.
#[pyfunction]
#[pyo3(signature = (head, *, underscores="drop"))]
pub(crate) fn environ<'py>(
    py: Python<'py>,
    head: &Bound<'py, PyAny>,
    underscores: &str,
) -> PyResult<Option<(Bound<'py, PyDict>, usize)>> {
    let mut config = EnvConfig::psgi();
    config.underscores = match underscores {
        "drop" => Underscores::Drop,
        "reject" => Underscores::Reject,
        "allow" => Underscores::Allow,
        _ => return Err(PyValueError::new_err("underscores must be 'drop', 'reject' or 'allow'")),
    };
    let head = bytes_like(head)?;
    let buf = head.as_bytes();
    let mut storage = [const { MaybeUninit::<Header<'_>>::uninit() }; machine_max_headers()];
    let parser = ParserConfig::new();
    let config = config.for_parser(&parser);
    let req = match parser.parse_request_uninit(buf, 0, &mut storage) {
        Ok(Status::Complete(req)) => req,
        Ok(Status::Partial) => return Ok(None),
        Err(e) => return Err(bad_request(e.to_string(), e.status())),
    };
    if let Err(e) = framing::request_body(req.minor_version, req.headers) {
        return Err(bad_request(e.to_string(), e.status()));
    }
    let env_err = |e: EnvError| bad_request(e.to_string(), 400);
    // Sizes first, then the pairs straight into the dict.
    let plan = config.plan(&req).map_err(env_err)?;
    let mut arena = vec![0u8; plan.sizes().arena];
    let dict = PyDict::new(py);
    let mut failed = None;
    plan.write(&mut arena, |p| {
        if failed.is_none() {
            failed = dict.set_item(latin1(py, p.key), latin1(py, p.value)).err();
        }
    })
    .map_err(env_err)?;
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(Some((dict, req.head_len)))
}
