//! Interned `bytes` objects for the header names and methods that nearly
//! every request has: handing out a new reference to one shared object
//! costs an increment, creating a `bytes` costs an allocation and a copy.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyBytes;

/// Header names as browsers, proxies and HTTP libraries spell them; each is
/// interned as sent and in lower case.
const HEADER_NAMES: &[&str] = &[
    "Host",
    "User-Agent",
    "Accept",
    "Accept-Language",
    "Accept-Encoding",
    "Accept-Charset",
    "Connection",
    "Keep-Alive",
    "Content-Type",
    "Content-Length",
    "Content-Encoding",
    "Content-Disposition",
    "Transfer-Encoding",
    "Cookie",
    "Referer",
    "Origin",
    "Authorization",
    "Cache-Control",
    "Pragma",
    "Priority",
    "Upgrade",
    "Upgrade-Insecure-Requests",
    "Expect",
    "DNT",
    "TE",
    "Via",
    "Date",
    "Range",
    "If-None-Match",
    "If-Modified-Since",
    "If-Match",
    "If-Range",
    "Sec-Fetch-Dest",
    "Sec-Fetch-Mode",
    "Sec-Fetch-Site",
    "Sec-Fetch-User",
    "Sec-CH-UA",
    "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions",
    "Sec-WebSocket-Protocol",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "X-Real-IP",
    "X-Request-ID",
    "X-Requested-With",
    "Forwarded",
    "Server",
    "Set-Cookie",
    "Location",
    "Vary",
    "ETag",
    "Last-Modified",
    "Expires",
    "Age",
    "Allow",
    "Content-Range",
    "Accept-Ranges",
    "Access-Control-Allow-Origin",
    "Strict-Transport-Security",
    "WWW-Authenticate",
];

/// Request methods, interned for `get_method()`.
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"];

/// The longest name in [`HEADER_NAMES`] plus one: the bucket count.
const BUCKETS: usize = 32;

/// One interned object and the bytes it holds.
type Entry = (Box<[u8]>, Py<PyBytes>);

/// Interned objects, grouped by length so that a lookup compares only names
/// of the right length.
pub(crate) struct Table {
    by_len: Vec<Vec<Entry>>,
}

impl Table {
    fn new(py: Python<'_>, names: &[&'static str], lower: bool) -> Table {
        let mut by_len: Vec<Vec<Entry>> = (0..BUCKETS).map(|_| Vec::new()).collect();
        let mut add = |s: &[u8]| {
            let bucket = &mut by_len[s.len()];
            if !bucket.iter().any(|(k, _)| **k == *s) {
                bucket.push((s.into(), PyBytes::new(py, s).unbind()));
            }
        };
        for name in names {
            add(name.as_bytes());
            if lower {
                add(name.to_ascii_lowercase().as_bytes());
            }
        }
        Table { by_len }
    }

    /// The interned object equal to `s`, if there is one.
    #[inline]
    pub(crate) fn get(&self, py: Python<'_>, s: &[u8]) -> Option<Py<PyBytes>> {
        let bucket = self.by_len.get(s.len())?;
        bucket.iter().find(|(k, _)| **k == *s).map(|(_, v)| v.clone_ref(py))
    }

    /// `s` as a `bytes` object: the interned one, or a new one.
    #[inline]
    pub(crate) fn bytes<'py>(&self, py: Python<'py>, s: &[u8]) -> Bound<'py, PyBytes> {
        match self.get(py, s) {
            Some(b) => b.into_bound(py),
            None => PyBytes::new(py, s),
        }
    }
}

static HEADERS: PyOnceLock<Table> = PyOnceLock::new();
static METHOD_TABLE: PyOnceLock<Table> = PyOnceLock::new();

/// The interned header names.
pub(crate) fn headers(py: Python<'_>) -> &Table {
    HEADERS.get_or_init(py, || Table::new(py, HEADER_NAMES, true))
}

/// The interned methods.
pub(crate) fn methods(py: Python<'_>) -> &Table {
    METHOD_TABLE.get_or_init(py, || Table::new(py, METHODS, false))
}
