//! Writing a `multipart/form-data` body (for clients and tests).

use core::fmt;

use crate::boundary::is_valid_boundary;

/// Why [`Builder`] refused a part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// The boundary is not 1–70 RFC 2046 `bchars` (see
    /// [`is_valid_boundary`](crate::is_valid_boundary)).
    InvalidBoundary,
    /// The part's data contains the delimiter (`CRLF--boundary`) or starts
    /// with `--boundary`: choose another boundary.
    DataContainsBoundary,
    /// A header name is not a token, or a value has a control byte other
    /// than HTAB (CR, LF, NUL, DEL, …): the parser's field-value grammar
    /// (HTAB, SP, VCHAR, obs-text) would refuse the part. Names and
    /// filenames have their `"`, CR and LF escaped first, as HTML does.
    InvalidHeader,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BuildError::InvalidBoundary => "invalid boundary",
            BuildError::DataContainsBoundary => "part data contains the boundary",
            BuildError::InvalidHeader => "invalid part header",
        })
    }
}

impl std::error::Error for BuildError {}

/// Writes a `multipart/form-data` body part by part, escaping names and
/// filenames as HTML does (`"` → `%22`, CR → `%0D`, LF → `%0A`).
///
/// ```
/// use springbok_multipart::Builder;
/// let mut b = Builder::new(b"XyZ")?;
/// b.field(b"a", b"1")?.file(b"f", b"x.txt", Some(b"text/plain"), b"hi")?;
/// assert_eq!(b.content_type(), b"multipart/form-data; boundary=XyZ");
/// let body = b.finish();
/// assert!(body.starts_with(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"));
/// assert!(body.ends_with(b"\r\n--XyZ--\r\n"));
/// # Ok::<(), springbok_multipart::BuildError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    boundary: Vec<u8>,
    body: Vec<u8>,
    finder: memchr::memmem::Finder<'static>,
}

impl Builder {
    /// Starts a body with `boundary` (without the leading `--`).
    pub fn new(boundary: &[u8]) -> Result<Builder, BuildError> {
        if !is_valid_boundary(boundary) {
            return Err(BuildError::InvalidBoundary);
        }
        let mut delim = b"\r\n--".to_vec();
        delim.extend_from_slice(boundary);
        Ok(Builder {
            boundary: boundary.to_vec(),
            body: Vec::new(),
            finder: memchr::memmem::Finder::new(&delim).into_owned(),
        })
    }

    /// The `Content-Type` value to send with the body.
    pub fn content_type(&self) -> Vec<u8> {
        let mut v = b"multipart/form-data; boundary=".to_vec();
        let quote = self.boundary.iter().any(|&b| !crate::syntax::is_tchar(b));
        if quote {
            v.push(b'"');
        }
        v.extend_from_slice(&self.boundary);
        if quote {
            v.push(b'"');
        }
        v
    }

    /// Adds a field: `Content-Disposition: form-data; name="…"`.
    pub fn field(&mut self, name: &[u8], value: &[u8]) -> Result<&mut Self, BuildError> {
        let cd = disposition(name, None);
        self.part(&[(b"Content-Disposition", &cd)], value)
    }

    /// Adds a file part with a `filename` and an optional `Content-Type`.
    pub fn file(
        &mut self,
        name: &[u8],
        filename: &[u8],
        content_type: Option<&[u8]>,
        data: &[u8],
    ) -> Result<&mut Self, BuildError> {
        let cd = disposition(name, Some(filename));
        match content_type {
            Some(ct) => self.part(&[(b"Content-Disposition", &cd), (b"Content-Type", ct)], data),
            None => self.part(&[(b"Content-Disposition", &cd)], data),
        }
    }

    /// Adds a part with the given headers (written as given) and data.
    pub fn part(&mut self, headers: &[(&[u8], &[u8])], data: &[u8]) -> Result<&mut Self, BuildError> {
        for (n, v) in headers {
            if n.is_empty()
                || !n.iter().all(|&b| crate::syntax::is_tchar(b))
                || v.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
            {
                return Err(BuildError::InvalidHeader);
            }
        }
        if self.finder.find(data).is_some() || data.starts_with(&self.finder.needle()[2..]) {
            return Err(BuildError::DataContainsBoundary);
        }
        self.delimiter_line();
        self.body.extend_from_slice(b"\r\n");
        for (n, v) in headers {
            self.body.extend_from_slice(n);
            self.body.extend_from_slice(b": ");
            self.body.extend_from_slice(v);
            self.body.extend_from_slice(b"\r\n");
        }
        self.body.extend_from_slice(b"\r\n");
        self.body.extend_from_slice(data);
        Ok(self)
    }

    fn delimiter_line(&mut self) {
        if !self.body.is_empty() {
            self.body.extend_from_slice(b"\r\n");
        }
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(&self.boundary);
    }

    /// Writes the close delimiter and a final CRLF and returns the body.
    pub fn finish(mut self) -> Vec<u8> {
        self.delimiter_line();
        self.body.extend_from_slice(b"--\r\n");
        self.body
    }
}

/// `form-data; name="…"[; filename="…"]` with HTML's escaping.
fn disposition(name: &[u8], filename: Option<&[u8]>) -> Vec<u8> {
    let mut v = b"form-data; name=\"".to_vec();
    html_escape(name, &mut v);
    v.push(b'"');
    if let Some(f) = filename {
        v.extend_from_slice(b"; filename=\"");
        html_escape(f, &mut v);
        v.push(b'"');
    }
    v
}

fn html_escape(s: &[u8], out: &mut Vec<u8>) {
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(b),
        }
    }
}
