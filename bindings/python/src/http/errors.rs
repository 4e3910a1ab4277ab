//! httptools' exception family, and the mapping from Springbok's error
//! values onto it.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use springbok_parser::chunked::ChunkedError;
use springbok_parser::framing::FramingError;
use springbok_parser::{Error, ErrorKind};

create_exception!(springbok.httptools, HttpParserError, PyException, "The input is not valid HTTP/1.x.");
create_exception!(
    springbok.httptools,
    HttpParserCallbackError,
    HttpParserError,
    "A protocol callback raised; the original exception is the `__context__`."
);
create_exception!(springbok.httptools, HttpParserInvalidStatusError, HttpParserError, "An invalid status line.");
create_exception!(springbok.httptools, HttpParserInvalidMethodError, HttpParserError, "An invalid method.");
create_exception!(springbok.httptools, HttpParserInvalidURLError, HttpParserError, "An invalid request-target.");
create_exception!(
    springbok.httptools,
    HttpParserUpgrade,
    PyException,
    "The message switches protocols: `args[0]` is the offset, in the data just fed, of the first byte after it."
);

/// Which exception class a failure raises. Kept (with its message) while
/// the parser is failed, so that every later `feed_data` raises it again,
/// as httptools does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Parser,
    Callback,
    Status,
    Method,
    Url,
}

/// A failure of the byte stream: its class and message.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub(crate) class: Class,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(class: Class, message: impl Into<String>) -> Failure {
        Failure { class, message: message.into() }
    }

    /// The head parser's error: method, target and status-line errors have
    /// their own httptools classes.
    pub(crate) fn head(e: Error) -> Failure {
        let class = match e.kind() {
            ErrorKind::Method => Class::Method,
            ErrorKind::Target | ErrorKind::TargetTooLong => Class::Url,
            ErrorKind::StatusCode => Class::Status,
            _ => Class::Parser,
        };
        Failure::new(class, format!("{e} (HTTP {})", e.status()))
    }

    pub(crate) fn framing(e: FramingError) -> Failure {
        Failure::new(Class::Parser, format!("{e} (HTTP {})", e.status()))
    }

    pub(crate) fn chunked(e: ChunkedError) -> Failure {
        Failure::new(Class::Parser, format!("{e} in the chunked body (HTTP {})", e.status()))
    }

    pub(crate) fn to_err(&self) -> PyErr {
        let m = self.message.clone();
        match self.class {
            Class::Parser => HttpParserError::new_err(m),
            Class::Callback => HttpParserCallbackError::new_err(m),
            Class::Status => HttpParserInvalidStatusError::new_err(m),
            Class::Method => HttpParserInvalidMethodError::new_err(m),
            Class::Url => HttpParserInvalidURLError::new_err(m),
        }
    }
}

/// Registers the exception classes in `m`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("HttpParserError", py.get_type::<HttpParserError>())?;
    m.add("HttpParserCallbackError", py.get_type::<HttpParserCallbackError>())?;
    m.add("HttpParserInvalidStatusError", py.get_type::<HttpParserInvalidStatusError>())?;
    m.add("HttpParserInvalidMethodError", py.get_type::<HttpParserInvalidMethodError>())?;
    m.add("HttpParserInvalidURLError", py.get_type::<HttpParserInvalidURLError>())?;
    m.add("HttpParserUpgrade", py.get_type::<HttpParserUpgrade>())?;
    Ok(())
}
