//! `parse_url`: httptools' URL splitter, which is http-parser's
//! `http_parser_parse_url` (strict build, `is_connect = 0`). It only splits
//! (schema, userinfo, host, port, path, query, fragment) and checks each
//! part's characters the way http-parser does; it decodes nothing.
//!
//! The parser crate validates a request-target while parsing the head but
//! has no public splitter into these seven parts, and httptools' users
//! depend on http-parser's exact answers (`parse_url(b"*").path == b"*"`,
//! `parse_url(b"h:80")` fails, ports above 65535 fail), so the grammar is
//! written out here.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::errors::HttpParserInvalidURLError;
use crate::input::bytes_like;

/// httptools refuses URLs longer than this (http-parser keeps offsets in
/// 16 bits).
const MAX_URL_LEN: usize = (1 << 16) - 1;

/// A range of the URL.
type Span = Option<(usize, usize)>;

/// The parts of a URL, as ranges of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) schema: Span,
    pub(crate) host: Span,
    pub(crate) port: Option<u16>,
    pub(crate) path: Span,
    pub(crate) query: Span,
    pub(crate) fragment: Span,
    pub(crate) userinfo: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum S {
    Dead,
    Start,
    Schema,
    SchemaSlash,
    SchemaSlashSlash,
    ServerStart,
    Server,
    ServerWithAt,
    Path,
    QueryStart,
    Query,
    FragmentStart,
    Fragment,
}

fn is_mark(c: u8) -> bool {
    matches!(c, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')')
}

fn is_userinfo(c: u8) -> bool {
    c.is_ascii_alphanumeric() || is_mark(c) || matches!(c, b'%' | b';' | b':' | b'&' | b'=' | b'+' | b'$' | b',')
}

/// http-parser's strict `normal_url_char`: printable ASCII except SP, `#`
/// and `?`.
fn is_url_char(c: u8) -> bool {
    (0x21..0x7f).contains(&c) && c != b'#' && c != b'?'
}

fn step(s: S, c: u8) -> S {
    if matches!(c, b' ' | b'\r' | b'\n' | b'\t' | 0x0c) {
        return S::Dead;
    }
    match s {
        S::Start if c == b'/' || c == b'*' => S::Path,
        S::Start if c.is_ascii_alphabetic() => S::Schema,
        S::Schema if c.is_ascii_alphabetic() => S::Schema,
        S::Schema if c == b':' => S::SchemaSlash,
        S::SchemaSlash if c == b'/' => S::SchemaSlashSlash,
        S::SchemaSlashSlash if c == b'/' => S::ServerStart,
        S::ServerWithAt if c == b'@' => S::Dead,
        S::ServerStart | S::Server | S::ServerWithAt => match c {
            b'/' => S::Path,
            b'?' => S::QueryStart,
            b'@' => S::ServerWithAt,
            _ if is_userinfo(c) || c == b'[' || c == b']' => S::Server,
            _ => S::Dead,
        },
        S::Path if is_url_char(c) => S::Path,
        S::Path if c == b'?' => S::QueryStart,
        S::Path if c == b'#' => S::FragmentStart,
        S::QueryStart | S::Query if is_url_char(c) || c == b'?' => S::Query,
        S::QueryStart | S::Query if c == b'#' => S::FragmentStart,
        S::FragmentStart | S::Fragment if is_url_char(c) || c == b'?' => S::Fragment,
        S::FragmentStart if c == b'#' => S::FragmentStart,
        S::Fragment if c == b'#' => S::Fragment,
        _ => S::Dead,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Schema,
    Host,
    Path,
    Query,
    Fragment,
}

/// The common case, an origin-form target of printable ASCII: http-parser
/// accepts every such byte in a path, query or fragment, so only the first
/// `?` and `#` matter. `None` for anything else.
fn split_origin_form(url: &[u8]) -> Option<Parts> {
    // No early exit, so that the check compiles to vector compares.
    let printable = url.iter().fold(true, |ok, &b| ok & (b.wrapping_sub(0x21) < 0x5e));
    if url.first() != Some(&b'/') || !printable {
        return None;
    }
    let hash = memchr::memchr(b'#', url).unwrap_or(url.len());
    let question = memchr::memchr(b'?', &url[..hash]).unwrap_or(hash);
    let nonempty = |a: usize, b: usize| (a < b).then_some((a, b));
    // http-parser skips every `#` right after the first one.
    let mut fragment = hash + 1;
    while url.get(fragment) == Some(&b'#') {
        fragment += 1;
    }
    Some(Parts {
        path: Some((0, question)),
        query: nonempty(question + 1, hash),
        fragment: nonempty(fragment, url.len()),
        ..Parts::default()
    })
}

/// Splits `url`; `None` when http-parser would reject it.
pub(crate) fn split(url: &[u8]) -> Option<Parts> {
    split_origin_form(url).or_else(|| split_general(url))
}

/// http-parser's state machine, one byte at a time.
fn split_general(url: &[u8]) -> Option<Parts> {
    if url.is_empty() {
        return None;
    }
    let mut parts = Parts::default();
    let mut s = S::Start;
    let mut last: Option<Field> = None;
    let mut found_at = false;
    for (i, &c) in url.iter().enumerate() {
        s = step(s, c);
        let field = match s {
            S::Dead => return None,
            S::SchemaSlash | S::SchemaSlashSlash | S::ServerStart | S::QueryStart | S::FragmentStart => continue,
            S::Schema => Field::Schema,
            S::ServerWithAt => {
                found_at = true;
                Field::Host
            }
            S::Server => Field::Host,
            S::Path => Field::Path,
            S::Query => Field::Query,
            S::Fragment => Field::Fragment,
            S::Start => return None,
        };
        let slot = match field {
            Field::Schema => &mut parts.schema,
            Field::Host => &mut parts.host,
            Field::Path => &mut parts.path,
            Field::Query => &mut parts.query,
            Field::Fragment => &mut parts.fragment,
        };
        if last == Some(field) {
            if let Some((_, end)) = slot {
                *end = i + 1;
            }
        } else {
            *slot = Some((i, i + 1));
            last = Some(field);
        }
    }
    if parts.schema.is_some() && parts.host.is_none() {
        return None;
    }
    if let Some(host) = parts.host {
        split_host(url, host, found_at, &mut parts)?;
    }
    Some(parts)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum H {
    Dead,
    UserinfoStart,
    Userinfo,
    HostStart,
    V6Start,
    V6,
    V6End,
    V6ZoneStart,
    V6Zone,
    Host,
    PortStart,
    Port,
}

fn host_step(s: H, c: u8) -> H {
    let host_char = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let zone_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'%' | b'.' | b'-' | b'_' | b'~');
    match s {
        H::Userinfo | H::UserinfoStart if c == b'@' => H::HostStart,
        H::Userinfo | H::UserinfoStart if is_userinfo(c) => H::Userinfo,
        H::HostStart if c == b'[' => H::V6Start,
        H::HostStart if host_char(c) => H::Host,
        H::Host if host_char(c) => H::Host,
        H::Host | H::V6End if c == b':' => H::PortStart,
        H::V6 if c == b']' => H::V6End,
        H::V6 | H::V6Start if c.is_ascii_hexdigit() || c == b':' || c == b'.' => H::V6,
        H::V6 if c == b'%' => H::V6ZoneStart,
        H::V6Zone if c == b']' => H::V6End,
        H::V6Zone | H::V6ZoneStart if zone_char(c) => H::V6Zone,
        H::Port | H::PortStart if c.is_ascii_digit() => H::Port,
        _ => H::Dead,
    }
}

/// http-parser's `http_parse_host`: userinfo, host (brackets stripped) and
/// port out of the authority.
fn split_host(url: &[u8], (start, end): (usize, usize), found_at: bool, parts: &mut Parts) -> Option<()> {
    let mut s = if found_at { H::UserinfoStart } else { H::HostStart };
    let mut host: Span = None;
    let mut port: Span = None;
    let mut userinfo: Span = None;
    let extend = |span: &mut Span, i: usize, fresh: bool| match span {
        Some((_, e)) if !fresh => *e = i + 1,
        _ => *span = Some((i, i + 1)),
    };
    for (i, &c) in url.iter().enumerate().take(end).skip(start) {
        let next = host_step(s, c);
        match next {
            H::Dead => return None,
            H::Host => extend(&mut host, i, s != H::Host),
            H::V6 => extend(&mut host, i, s != H::V6),
            H::V6ZoneStart | H::V6Zone => extend(&mut host, i, false),
            H::Port => extend(&mut port, i, s != H::Port),
            H::Userinfo => extend(&mut userinfo, i, s != H::Userinfo),
            _ => {}
        }
        s = next;
    }
    if matches!(
        s,
        H::HostStart | H::V6Start | H::V6 | H::V6ZoneStart | H::V6Zone | H::PortStart | H::Userinfo | H::UserinfoStart
    ) {
        return None;
    }
    parts.host = Some(host.unwrap_or((start, start)));
    parts.userinfo = userinfo;
    if let Some((a, b)) = port {
        let mut v: u32 = 0;
        for &d in &url[a..b] {
            v = v * 10 + u32::from(d - b'0');
            if v > 0xffff {
                return None;
            }
        }
        parts.port = Some(v as u16);
    }
    Some(())
}

/// httptools' `URL`: the parts of a URL as `bytes` (or `None`), and the
/// port as an `int` (or `None`).
#[pyclass(frozen, module = "springbok.httptools", name = "URL")]
pub(crate) struct Url {
    #[pyo3(get)]
    schema: Option<Py<PyBytes>>,
    #[pyo3(get)]
    host: Option<Py<PyBytes>>,
    #[pyo3(get)]
    port: Option<u16>,
    #[pyo3(get)]
    path: Option<Py<PyBytes>>,
    #[pyo3(get)]
    query: Option<Py<PyBytes>>,
    #[pyo3(get)]
    fragment: Option<Py<PyBytes>>,
    #[pyo3(get)]
    userinfo: Option<Py<PyBytes>>,
}

#[pymethods]
impl Url {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = |b: &Option<Py<PyBytes>>| -> PyResult<String> {
            Ok(match b {
                Some(b) => b.bind(py).repr()?.to_string(),
                None => "None".into(),
            })
        };
        Ok(format!(
            "<URL schema: {}, host: {}, port: {}, path: {}, query: {}, fragment: {}, userinfo: {}>",
            r(&self.schema)?,
            r(&self.host)?,
            self.port.map_or("None".into(), |p| p.to_string()),
            r(&self.path)?,
            r(&self.query)?,
            r(&self.fragment)?,
            r(&self.userinfo)?
        ))
    }
}

/// All the parts, as a tuple for the tests.
type PartsTuple = (Span, Span, Option<u16>, Span, Span, Span, Span);

/// The general state machine's parts of `url` (schema, host, port, path,
/// query, fragment, userinfo), without the origin-form fast path: the tests
/// check that the two agree.
#[pyfunction]
pub(crate) fn _url_split_general(url: &[u8]) -> Option<PartsTuple> {
    split_general(url).map(|p| (p.schema, p.host, p.port, p.path, p.query, p.fragment, p.userinfo))
}

/// The same with the fast path, for the same tests.
#[pyfunction]
pub(crate) fn _url_split(url: &[u8]) -> Option<PartsTuple> {
    split(url).map(|p| (p.schema, p.host, p.port, p.path, p.query, p.fragment, p.userinfo))
}

/// Splits a URL (bytes-like) into an [`Url`]; raises
/// HttpParserInvalidURLError when http-parser would reject it.
#[pyfunction]
pub(crate) fn parse_url(py: Python<'_>, url: &Bound<'_, PyAny>) -> PyResult<Url> {
    let obj = bytes_like(url)?;
    let buf = obj.as_bytes();
    if buf.len() > MAX_URL_LEN {
        return Err(HttpParserInvalidURLError::new_err(format!(
            "url is too long: url length of {} bytes exceeds the maximum of {MAX_URL_LEN} bytes",
            buf.len()
        )));
    }
    let Some(parts) = split(buf) else {
        return Err(HttpParserInvalidURLError::new_err(format!("invalid url {}", url.repr()?)));
    };
    let b = |span: Span| span.map(|(a, e)| PyBytes::new(py, &buf[a..e]).unbind());
    Ok(Url {
        schema: b(parts.schema),
        host: b(parts.host),
        port: parts.port,
        path: b(parts.path),
        query: b(parts.query),
        fragment: b(parts.fragment),
        userinfo: b(parts.userinfo),
    })
}
