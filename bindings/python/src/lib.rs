//! The `springbok._native` extension module: Springbok's parser, multipart
//! and form crates for Python. The `springbok` package re-exports it under
//! the peers' names (`springbok.httptools`, `springbok.multipart`, …).

mod byteclass;
mod callback;
mod forms;
mod http;
mod input;
mod intern;
mod multipart;
mod options;
mod wsgi;

use pyo3::prelude::*;

// Python's allocator aligns objects to 16 bytes: a field needing more
// (the multipart parser's AVX2 searchers need 32) must be boxed.
const _: () = assert!(std::mem::align_of::<http::HttpParser>() <= 16);
const _: () = assert!(std::mem::align_of::<multipart::MultipartParser>() <= 16);
const _: () = assert!(std::mem::align_of::<multipart::EventParser>() <= 16);

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    http::errors::register(m)?;
    m.add_class::<http::HttpParser>()?;
    m.add_class::<http::HttpRequestParser>()?;
    m.add_class::<http::HttpResponseParser>()?;
    m.add_class::<http::url::Url>()?;
    m.add_function(wrap_pyfunction!(http::url::parse_url, m)?)?;
    m.add_function(wrap_pyfunction!(http::url::_url_split, m)?)?;
    m.add_function(wrap_pyfunction!(http::url::_url_split_general, m)?)?;
    m.add_function(wrap_pyfunction!(forms::qsl_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(forms::qsl_str, m)?)?;
    m.add_function(wrap_pyfunction!(forms::raw_pair_spans, m)?)?;
    multipart::register(m)?;
    m.add_class::<byteclass::ByteClass>()?;
    m.add_function(wrap_pyfunction!(options::parse_options_header, m)?)?;
    m.add_function(wrap_pyfunction!(wsgi::environ, m)?)?;
    m.add("BadRequest", m.py().get_type::<wsgi::BadRequest>())?;
    Ok(())
}
