//! `springbok.multipart`: python-multipart's `MultipartParser` callback
//! interface and an event interface for iterators, both on
//! springbok-multipart's push parser, and the limit errors.

use std::sync::Mutex;

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use pyo3::PyTraverseError;
use springbok_multipart::{Error, ErrorKind, Event, Limits, Parser, Part};

use crate::callback::Callback;
use crate::input::bytes_like;
use crate::intern;

create_exception!(springbok.multipart, FormParserError, PyValueError, "Base of the form parsing errors.");
create_exception!(springbok.multipart, ParseError, FormParserError, "The form body is invalid.");
create_exception!(springbok.multipart, MultipartParseError, ParseError, "The multipart body is invalid.");
create_exception!(springbok.multipart, QuerystringParseError, ParseError, "The urlencoded body is invalid.");
create_exception!(
    springbok.multipart,
    LimitExceeded,
    MultipartParseError,
    "A limit was exceeded: `limit` names it, `value` is its setting."
);

/// The keyword argument that sets the limit an error kind reports.
fn limit_name(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::TooManyParts => "max_parts",
        ErrorKind::HeaderTooLarge => "max_header_bytes",
        ErrorKind::TooManyHeaders => "max_headers",
        ErrorKind::PreambleTooLarge => "max_preamble_bytes",
        ErrorKind::EpilogueTooLarge => "max_epilogue_bytes",
        ErrorKind::FieldTooLarge => "max_field_bytes",
        ErrorKind::BodyTooLarge => "max_total_bytes",
        ErrorKind::FileTooLarge => "max_file_bytes",
        ErrorKind::TooManyFiles => "max_files",
        ErrorKind::TooManyFields => "max_fields",
        _ => return None,
    })
}

fn limit_value(limits: &Limits, name: &str) -> u64 {
    match name {
        "max_parts" => limits.max_parts as u64,
        "max_header_bytes" => limits.max_header_bytes as u64,
        "max_headers" => limits.max_headers as u64,
        "max_preamble_bytes" => limits.max_preamble_bytes,
        "max_epilogue_bytes" => limits.max_epilogue_bytes,
        "max_field_bytes" => limits.max_field_bytes,
        "max_file_bytes" => limits.max_file_bytes,
        "max_files" => limits.max_files as u64,
        "max_fields" => limits.max_fields as u64,
        _ => limits.max_total_bytes,
    }
}

/// The exception for a parser error: LimitExceeded naming the limit, or
/// MultipartParseError; both carry `offset` and `status`.
pub(crate) fn to_err(py: Python<'_>, e: &Error, limits: &Limits) -> PyErr {
    let err = match limit_name(e.kind()) {
        Some(name) => {
            let value = limit_value(limits, name);
            let err = LimitExceeded::new_err(format!("{name}={value} exceeded: {e}"));
            let v = err.value(py);
            let _ = v.setattr("limit", name);
            let _ = v.setattr("value", value);
            err
        }
        None => MultipartParseError::new_err(e.to_string()),
    };
    let v = err.value(py);
    let _ = v.setattr("offset", e.offset());
    let _ = v.setattr("status", e.status());
    err
}

/// Limits from keyword arguments; `None` keeps a default. python-multipart's
/// `max_size` (a float, `inf` for none), `max_header_count` and
/// `max_header_size` set `max_total_bytes`, `max_headers` and
/// `max_header_bytes`.
#[derive(Default)]
pub(crate) struct LimitArgs {
    max_parts: Option<usize>,
    max_header_bytes: Option<usize>,
    max_headers: Option<usize>,
    max_preamble_bytes: Option<u64>,
    max_epilogue_bytes: Option<u64>,
    max_field_bytes: Option<u64>,
    max_file_bytes: Option<u64>,
    max_files: Option<usize>,
    max_fields: Option<usize>,
    max_total_bytes: Option<u64>,
}

impl LimitArgs {
    /// The limits in a `**kwargs` dict; an unknown name is a TypeError.
    fn from_kwargs(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<LimitArgs> {
        let mut a = LimitArgs::default();
        let Some(d) = kwargs else { return Ok(a) };
        for (k, v) in d.iter() {
            let k: String = k.extract()?;
            if v.is_none() {
                continue;
            }
            match k.as_str() {
                "max_parts" => a.max_parts = Some(v.extract()?),
                "max_header_bytes" => a.max_header_bytes = Some(v.extract()?),
                "max_headers" => a.max_headers = Some(v.extract()?),
                "max_preamble_bytes" => a.max_preamble_bytes = Some(v.extract()?),
                "max_epilogue_bytes" => a.max_epilogue_bytes = Some(v.extract()?),
                "max_field_bytes" => a.max_field_bytes = Some(v.extract()?),
                "max_file_bytes" => a.max_file_bytes = Some(v.extract()?),
                "max_files" => a.max_files = Some(v.extract()?),
                "max_fields" => a.max_fields = Some(v.extract()?),
                "max_total_bytes" => a.max_total_bytes = Some(v.extract()?),
                _ => return Err(pyo3::exceptions::PyTypeError::new_err(format!("unknown limit {k:?}"))),
            }
        }
        Ok(a)
    }

    fn limits(&self, max_size: Option<f64>) -> PyResult<Limits> {
        let mut l = Limits::default();
        if let Some(s) = max_size {
            if s.is_nan() || s < 0.0 {
                return Err(PyValueError::new_err("max_size must be a non-negative number"));
            }
            l.max_total_bytes = if s.is_infinite() || s >= u64::MAX as f64 { u64::MAX } else { s as u64 };
        }
        if let Some(v) = self.max_parts {
            l.max_parts = v;
        }
        if let Some(v) = self.max_header_bytes {
            l.max_header_bytes = v;
        }
        if let Some(v) = self.max_headers {
            l.max_headers = v;
        }
        if let Some(v) = self.max_preamble_bytes {
            l.max_preamble_bytes = v;
        }
        if let Some(v) = self.max_epilogue_bytes {
            l.max_epilogue_bytes = v;
        }
        if let Some(v) = self.max_field_bytes {
            l.max_field_bytes = v;
        }
        if let Some(v) = self.max_file_bytes {
            l.max_file_bytes = v;
        }
        if let Some(v) = self.max_files {
            l.max_files = v;
        }
        if let Some(v) = self.max_fields {
            l.max_fields = v;
        }
        if let Some(v) = self.max_total_bytes {
            l.max_total_bytes = v;
        }
        Ok(l)
    }
}

/// The boundary argument: `bytes` or a latin-1 `str`.
fn boundary_bytes(boundary: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = boundary.cast::<PyString>() {
        let s = s.to_cow()?;
        return s
            .chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| PyValueError::new_err("boundary must be latin-1")))
            .collect();
    }
    Ok(bytes_like(boundary)?.as_bytes().to_vec())
}

fn new_parser(py: Python<'_>, boundary: &Bound<'_, PyAny>, limits: Limits) -> PyResult<Parser> {
    let b = boundary_bytes(boundary)?;
    Parser::new(&b, limits).map_err(|e| to_err(py, &e, &limits))
}

/// The callbacks of python-multipart's `MultipartCallbacks`.
struct Callbacks {
    part_begin: Option<Callback>,
    part_data: Option<Callback>,
    part_end: Option<Callback>,
    header_begin: Option<Callback>,
    header_field: Option<Callback>,
    header_value: Option<Callback>,
    header_end: Option<Callback>,
    headers_finished: Option<Callback>,
    end: Option<Callback>,
}

impl Callbacks {
    fn of(callbacks: Option<&Bound<'_, PyAny>>) -> PyResult<Callbacks> {
        let get = |name: &str| -> PyResult<Option<Callback>> {
            let Some(cbs) = callbacks else { return Ok(None) };
            if cbs.is_none() {
                return Ok(None);
            }
            Callback::new(cbs.call_method1("get", (name,))?)
        };
        Ok(Callbacks {
            part_begin: get("on_part_begin")?,
            part_data: get("on_part_data")?,
            part_end: get("on_part_end")?,
            header_begin: get("on_header_begin")?,
            header_field: get("on_header_field")?,
            header_value: get("on_header_value")?,
            header_end: get("on_header_end")?,
            headers_finished: get("on_headers_finished")?,
            end: get("on_end")?,
        })
    }

    fn all(&self) -> [&Option<Callback>; 9] {
        [
            &self.part_begin,
            &self.part_data,
            &self.part_end,
            &self.header_begin,
            &self.header_field,
            &self.header_value,
            &self.header_end,
            &self.headers_finished,
            &self.end,
        ]
    }
}

fn call0(py: Python<'_>, cb: &Option<Callback>) -> PyResult<()> {
    match cb {
        Some(cb) => cb.call0(py),
        None => Ok(()),
    }
}

/// Calls `cb(data, start, end)`.
fn call_span(
    py: Python<'_>,
    cb: &Option<Callback>,
    data: &Bound<'_, PyBytes>,
    start: usize,
    end: usize,
) -> PyResult<()> {
    match cb {
        Some(cb) => cb.call3(
            py,
            data.clone().into_any(),
            start.into_pyobject(py)?.into_any(),
            end.into_pyobject(py)?.into_any(),
        ),
        None => Ok(()),
    }
}

struct State {
    /// Boxed: the parser's SIMD searchers need 32-byte alignment, more than
    /// Python's allocator gives the object that holds them.
    parser: Box<Parser>,
    limits: Limits,
    /// A callback raised: the parser's position in the stream is lost.
    broken: bool,
}

/// python-multipart's `MultipartParser(boundary, callbacks, max_size)`:
/// `write(data)` calls the callbacks for what `data` completes,
/// `finalize()` checks that the body ended with its close delimiter.
#[pyclass(frozen, module = "springbok.multipart")]
pub(crate) struct MultipartParser {
    callbacks: Callbacks,
    state: Mutex<State>,
}

#[pymethods]
impl MultipartParser {
    #[new]
    #[pyo3(signature = (boundary, callbacks=None, max_size=None, *, max_header_count=None, max_header_size=None, **limits))]
    fn new(
        py: Python<'_>,
        boundary: &Bound<'_, PyAny>,
        callbacks: Option<&Bound<'_, PyAny>>,
        max_size: Option<f64>,
        max_header_count: Option<usize>,
        max_header_size: Option<usize>,
        limits: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut args = LimitArgs::from_kwargs(limits)?;
        args.max_headers = args.max_headers.or(max_header_count);
        args.max_header_bytes = args.max_header_bytes.or(max_header_size);
        let limits = args.limits(max_size)?;
        Ok(MultipartParser {
            callbacks: Callbacks::of(callbacks)?,
            state: Mutex::new(State { parser: Box::new(new_parser(py, boundary, limits)?), limits, broken: false }),
        })
    }

    /// Parses `data` (any bytes-like object), calling the callbacks; returns
    /// `len(data)`.
    fn write(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<usize> {
        let Ok(mut guard) = self.state.try_lock() else {
            return Err(PyRuntimeError::new_err("the parser is busy: called from one of its own callbacks"));
        };
        let st = &mut *guard;
        if st.broken {
            return Err(MultipartParseError::new_err("the parser cannot go on after a callback raised"));
        }
        // Data that lies in the input is passed as (this object, start, end),
        // without a copy.
        let whole = bytes_like(data)?;
        let input = whole.as_bytes();
        let cb = &self.callbacks;
        let mut rest: &[u8] = input;
        let limits = st.limits;
        loop {
            let (n, event) = st.parser.feed(rest).map_err(|e| to_err(py, &e, &limits))?;
            let result = match event {
                Event::NeedMore => break,
                Event::PartStart(part) => part_start(py, cb, &part),
                Event::Data(d) => {
                    let offset = (d.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
                    if offset < input.len() && d.len() <= input.len() - offset {
                        call_span(py, &cb.part_data, &whole, offset, offset + d.len())
                    } else {
                        call_span(py, &cb.part_data, &PyBytes::new(py, d), 0, d.len())
                    }
                }
                Event::PartEnd => call0(py, &cb.part_end),
                Event::End => call0(py, &cb.end),
            };
            if let Err(e) = result {
                st.broken = true;
                return Err(e);
            }
            rest = &rest[n..];
        }
        Ok(input.len())
    }

    /// Checks that the close delimiter was seen (python-multipart checks
    /// nothing here).
    fn finalize(&self, py: Python<'_>) -> PyResult<()> {
        let Ok(guard) = self.state.try_lock() else {
            return Err(PyRuntimeError::new_err("the parser is busy: called from one of its own callbacks"));
        };
        guard.parser.finish().map_err(|e| to_err(py, &e, &guard.limits))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        for cb in self.callbacks.all().into_iter().flatten() {
            cb.visit(&visit)?;
        }
        Ok(())
    }
}

/// The callbacks for a part's start: on_part_begin, then each header as
/// field, value, end, then on_headers_finished.
fn part_start(py: Python<'_>, cb: &Callbacks, part: &Part<'_>) -> PyResult<()> {
    call0(py, &cb.part_begin)?;
    let names = intern::headers(py);
    for (name, value) in part.headers() {
        call0(py, &cb.header_begin)?;
        if cb.header_field.is_some() {
            call_span(py, &cb.header_field, &names.bytes(py, name), 0, name.len())?;
        }
        if cb.header_value.is_some() {
            call_span(py, &cb.header_value, &PyBytes::new(py, value), 0, value.len())?;
        }
        call0(py, &cb.header_end)?;
    }
    call0(py, &cb.headers_finished)
}

/// A part's headers and Content-Disposition, for the event interface.
#[pyclass(frozen, module = "springbok.multipart", name = "PartHeaders")]
pub(crate) struct PartHeaders {
    /// The part's position in the body, from 0.
    #[pyo3(get)]
    index: usize,
    /// `name` of a form-data Content-Disposition (HTML escapes decoded).
    #[pyo3(get)]
    name: Option<Py<PyBytes>>,
    /// `filename`, raw apart from HTML escapes: directories are kept.
    #[pyo3(get)]
    filename: Option<Py<PyBytes>>,
    /// The decoded RFC 8187 `filename*`, exposed on its own (it never
    /// replaces `filename`).
    #[pyo3(get)]
    filename_star: Option<String>,
    /// The part's Content-Type value as sent.
    #[pyo3(get)]
    content_type: Option<Py<PyBytes>>,
    /// Whether the part is a file (has `filename` or `filename*`).
    #[pyo3(get)]
    is_file: bool,
    /// The headers as `(name, value)` pairs of bytes, in order.
    #[pyo3(get)]
    headers: Py<PyList>,
}

#[pymethods]
impl PartHeaders {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = |b: &Option<Py<PyBytes>>| -> PyResult<String> {
            Ok(match b {
                Some(b) => b.bind(py).repr()?.to_string(),
                None => "None".into(),
            })
        };
        Ok(format!("<PartHeaders {} name={} filename={}>", self.index, r(&self.name)?, r(&self.filename)?))
    }
}

fn part_headers(py: Python<'_>, part: &Part<'_>) -> PyResult<PartHeaders> {
    let names = intern::headers(py);
    let headers = PyList::empty(py);
    for (n, v) in part.headers() {
        headers.append(PyTuple::new(py, [names.bytes(py, n), PyBytes::new(py, v)])?)?;
    }
    let b = |s: Option<&[u8]>| s.map(|s| PyBytes::new(py, s).unbind());
    Ok(PartHeaders {
        index: part.index(),
        name: b(part.name().as_deref()),
        filename: b(part.filename().as_deref()),
        filename_star: part.filename_star().map(|f| f.value),
        content_type: b(part.content_type()),
        is_file: part.is_file(),
        headers: headers.unbind(),
    })
}

/// The push parser with events as values: `feed(data)` returns a list of
/// `PartHeaders` (a part starts), `bytes` (its data), `PART_END` and `END`.
#[pyclass(frozen, module = "springbok.multipart")]
pub(crate) struct EventParser {
    /// Boxed for the alignment, as in [`State`].
    state: Mutex<(Box<Parser>, Limits)>,
}

/// Event markers: a part ended, the body ended.
pub(crate) const PART_END: u8 = 1;
pub(crate) const END: u8 = 2;

#[pymethods]
impl EventParser {
    #[new]
    #[pyo3(signature = (boundary, **limits))]
    fn new(py: Python<'_>, boundary: &Bound<'_, PyAny>, limits: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let args = LimitArgs::from_kwargs(limits)?;
        let limits = args.limits(None)?;
        Ok(EventParser { state: Mutex::new((Box::new(new_parser(py, boundary, limits)?), limits)) })
    }

    /// The events `data` completes.
    fn feed<'py>(&self, py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let data = bytes_like(data)?;
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (parser, limits) = &mut *guard;
        let out = PyList::empty(py);
        let mut rest: &[u8] = data.as_bytes();
        loop {
            let (n, event) = parser.feed(rest).map_err(|e| to_err(py, &e, limits))?;
            match event {
                Event::NeedMore => break,
                Event::PartStart(part) => out.append(Bound::new(py, part_headers(py, &part)?)?)?,
                Event::Data(d) => out.append(PyBytes::new(py, d))?,
                Event::PartEnd => out.append(PART_END)?,
                Event::End => out.append(END)?,
            }
            rest = &rest[n..];
        }
        Ok(out)
    }

    /// Checks that the close delimiter was seen.
    fn finish(&self, py: Python<'_>) -> PyResult<()> {
        let guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.finish().map_err(|e| to_err(py, &e, &guard.1))
    }
}

/// The boundary parameter of a multipart Content-Type value (bytes or
/// latin-1 str).
#[pyfunction]
pub(crate) fn boundary<'py>(py: Python<'py>, content_type: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let ct = boundary_bytes(content_type)?;
    match springbok_multipart::boundary(&ct) {
        Ok(b) => Ok(PyBytes::new(py, b)),
        Err(e) => Err(to_err(py, &e, &Limits::default())),
    }
}

/// The last path component of a client-sent file name (after the last `/`
/// or `\\`): what RFC 7578 §4.2 leaves a recipient to use. Not a sanitizer.
#[pyfunction]
pub(crate) fn basename<'py>(py: Python<'py>, filename: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let f = bytes_like(filename)?;
    Ok(PyBytes::new(py, springbok_multipart::basename(f.as_bytes())))
}

/// Registers the classes, functions and exceptions in `m`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("FormParserError", py.get_type::<FormParserError>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("MultipartParseError", py.get_type::<MultipartParseError>())?;
    m.add("QuerystringParseError", py.get_type::<QuerystringParseError>())?;
    m.add("LimitExceeded", py.get_type::<LimitExceeded>())?;
    m.add_class::<MultipartParser>()?;
    m.add_class::<EventParser>()?;
    m.add_class::<PartHeaders>()?;
    m.add("PART_END", PART_END)?;
    m.add("END", END)?;
    m.add_function(wrap_pyfunction!(boundary, m)?)?;
    m.add_function(wrap_pyfunction!(basename, m)?)?;
    Ok(())
}
