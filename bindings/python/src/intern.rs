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

/// Slots of a [`Table`]: a power of two, four times the entries or more.
const SLOTS: usize = 512;

/// One interned object and the bytes it holds.
type Entry = (Box<[u8]>, Py<PyBytes>);

/// Interned objects in an open-addressing table hashed on a name's length
/// and three of its bytes: a lookup is one hash, usually one slot, and one
/// compare.
pub(crate) struct Table {
    slots: Vec<Option<Entry>>,
}

#[inline]
fn slot_hash(s: &[u8]) -> usize {
    let (n, first, mid, last) = (s.len(), s[0], s[s.len() / 2], s[s.len() - 1]);
    let h = (n as u32).wrapping_mul(0x9e37_79b9)
        ^ u32::from(first).wrapping_mul(0x85eb_ca6b)
        ^ u32::from(mid).wrapping_mul(0xc2b2_ae35)
        ^ u32::from(last).wrapping_mul(0x27d4_eb2f);
    (h ^ (h >> 15)) as usize % SLOTS
}

impl Table {
    fn new(py: Python<'_>, names: &[&'static str], lower: bool) -> Table {
        let mut slots: Vec<Option<Entry>> = (0..SLOTS).map(|_| None).collect();
        let mut add = |s: &[u8]| {
            let mut i = slot_hash(s);
            while let Some((k, _)) = &slots[i] {
                if **k == *s {
                    return;
                }
                i = (i + 1) % SLOTS;
            }
            slots[i] = Some((s.into(), PyBytes::new(py, s).unbind()));
        };
        for name in names {
            add(name.as_bytes());
            if lower {
                add(name.to_ascii_lowercase().as_bytes());
            }
        }
        Table { slots }
    }

    /// The interned object equal to `s`, if there is one.
    #[inline]
    pub(crate) fn get(&self, py: Python<'_>, s: &[u8]) -> Option<Py<PyBytes>> {
        if s.is_empty() {
            return None;
        }
        let mut i = slot_hash(s);
        loop {
            match &self.slots[i] {
                Some((k, v)) if **k == *s => return Some(v.clone_ref(py)),
                Some(_) => i = (i + 1) % SLOTS,
                None => return None,
            }
        }
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

/// Header names a connection has sent before: clients send the same names
/// on every request of a keep-alive connection, so a name not in the static
/// table is looked up here before a new `bytes` object is made. An
/// open-addressing table that keeps the first [`CACHE_ENTRIES`] distinct
/// names of at most [`CACHE_MAX_NAME`] bytes (a few KiB per connection at
/// most) and never evicts, so that a connection with more names than it
/// holds does not thrash it.
pub(crate) struct NameCache {
    slots: Vec<Option<Entry>>,
    len: usize,
}

const CACHE_SLOTS: usize = 256;
/// Most names a [`NameCache`] keeps.
pub(crate) const CACHE_ENTRIES: usize = 128;
/// Longest name a [`NameCache`] keeps.
pub(crate) const CACHE_MAX_NAME: usize = 64;

impl NameCache {
    pub(crate) fn new() -> NameCache {
        NameCache { slots: Vec::new(), len: 0 }
    }

    fn hash(name: &[u8]) -> usize {
        // FNV-1a over the length and the last 8 bytes, where names of one
        // family (`X-Custom-Header-1`, `-2`, …) differ.
        let tail = &name[name.len().saturating_sub(8)..];
        let mut h: u32 = 0x811c_9dc5 ^ name.len() as u32;
        for &b in tail {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
        h as usize
    }

    /// `name` as a `bytes` object: interned, cached, or new (and cached
    /// while there is room).
    #[inline]
    pub(crate) fn bytes<'py>(&mut self, py: Python<'py>, table: &Table, name: &[u8]) -> Bound<'py, PyBytes> {
        if let Some(b) = table.get(py, name) {
            return b.into_bound(py);
        }
        if name.len() > CACHE_MAX_NAME {
            return PyBytes::new(py, name);
        }
        if self.slots.is_empty() {
            self.slots.resize_with(CACHE_SLOTS, || None);
        }
        let mut i = Self::hash(name) % CACHE_SLOTS;
        loop {
            match &self.slots[i] {
                Some((k, v)) if **k == *name => return v.clone_ref(py).into_bound(py),
                Some(_) => i = (i + 1) % CACHE_SLOTS,
                None => break,
            }
        }
        let b = PyBytes::new(py, name);
        if self.len < CACHE_ENTRIES {
            self.slots[i] = Some((name.into(), b.clone().unbind()));
            self.len += 1;
        }
        b
    }
}
