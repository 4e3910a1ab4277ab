//! The convenience layer: fields collected into memory (bounded), file
//! parts streamed to a caller-supplied [`FileSink`].
//!
//! No temporary-file policy is baked in: the sink decides where file data
//! goes (a temp file, object storage, a hash, memory for tests).

use std::io::{self, Read};

use crate::error::Error;
use crate::limits::Limits;
use crate::parser::{Event, Parser};
use crate::part::Part;

/// Receives the file parts of a body, one after another.
pub trait FileSink {
    /// A file part starts; `part` has its headers.
    fn open(&mut self, part: &Part<'_>) -> io::Result<()>;
    /// The next piece of the current file.
    fn write(&mut self, data: &[u8]) -> io::Result<()>;
    /// The current file is complete.
    fn close(&mut self) -> io::Result<()>;
}

/// Keeps each file's data in memory, one `Vec` per file part (for tests
/// and small trusted uploads).
impl FileSink for Vec<Vec<u8>> {
    fn open(&mut self, _: &Part<'_>) -> io::Result<()> {
        self.push(Vec::new());
        Ok(())
    }
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        match self.last_mut() {
            Some(f) => f.extend_from_slice(data),
            None => return Err(io::Error::other("write before open")),
        }
        Ok(())
    }
    fn close(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A non-file part, collected into memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The `name` parameter, HTML escapes decoded.
    pub name: Vec<u8>,
    /// The data.
    pub value: Vec<u8>,
    /// The part's `Content-Type`, if sent.
    pub content_type: Option<Vec<u8>>,
}

/// What is known about a file part that was streamed to the sink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    /// The `name` parameter, HTML escapes decoded.
    pub name: Vec<u8>,
    /// The `filename` parameter, HTML escapes decoded, directories not
    /// stripped (see [`ContentDisposition::filename`](crate::ContentDisposition::filename)).
    pub filename: Option<Vec<u8>>,
    /// The decoded `filename*` parameter, if sent; never merged into
    /// `filename`.
    pub filename_star: Option<String>,
    /// The part's `Content-Type`, if sent.
    pub content_type: Option<Vec<u8>>,
    /// Bytes written to the sink.
    pub size: u64,
}

/// The collected form: fields in body order, and the file parts' metadata
/// in body order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// The non-file parts.
    pub fields: Vec<Field>,
    /// The file parts (their data went to the sink).
    pub files: Vec<FileInfo>,
}

/// Why collecting failed.
#[derive(Debug)]
pub enum CollectError {
    /// The body is malformed or broke a [`Limits`] limit.
    Parse(Error),
    /// The fields together exceed the collector's memory limit.
    FieldsTooLarge,
    /// A part has no `Content-Disposition: form-data` with a `name`
    /// (RFC 7578 §4.2 requires one).
    MissingName {
        /// The part's index.
        part: usize,
    },
    /// The sink failed.
    Sink(io::Error),
    /// Reading the body failed (for [`collect`]).
    Read(io::Error),
}

impl core::fmt::Display for CollectError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CollectError::Parse(e) => write!(f, "multipart: {e}"),
            CollectError::FieldsTooLarge => f.write_str("fields exceed the memory limit"),
            CollectError::MissingName { part } => write!(f, "part {part} has no form-data name"),
            CollectError::Sink(e) => write!(f, "file sink: {e}"),
            CollectError::Read(e) => write!(f, "reading body: {e}"),
        }
    }
}

impl std::error::Error for CollectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CollectError::Parse(e) => Some(e),
            CollectError::Sink(e) | CollectError::Read(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for CollectError {
    fn from(e: Error) -> Self {
        CollectError::Parse(e)
    }
}

/// Default for [`Collector::new`]'s `max_field_memory`: 16 MiB, Rack's limit
/// on non-file data.
pub const DEFAULT_MAX_FIELD_MEMORY: u64 = 16 * 1024 * 1024;

/// Push-style collector: feed it chunks, then [`finish`](Self::finish).
///
/// ```
/// use springbok_multipart::collect::{Collector, DEFAULT_MAX_FIELD_MEMORY};
/// use springbok_multipart::{Builder, Limits};
///
/// let mut b = Builder::new(b"bnd")?;
/// b.field(b"title", b"Hi")?.file(b"doc", b"a.txt", None, b"contents")?;
/// let body = b.finish();
///
/// let files: Vec<Vec<u8>> = Vec::new(); // in-memory sink, for the example
/// let mut c = Collector::new(b"bnd", Limits::default(), DEFAULT_MAX_FIELD_MEMORY, files)?;
/// for chunk in body.chunks(5) {
///     c.feed(chunk)?;
/// }
/// let (form, files) = c.finish()?;
/// assert_eq!(form.fields[0].value, b"Hi");
/// assert_eq!(form.files[0].filename.as_deref(), Some(&b"a.txt"[..]));
/// assert_eq!(files, vec![b"contents".to_vec()]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Collector<S> {
    parser: Parser,
    sink: S,
    form: Form,
    max_field_memory: u64,
    field_memory: u64,
    /// Whether the current part is a file (its data goes to the sink).
    in_file: bool,
}

impl<S: FileSink> Collector<S> {
    /// A collector for a body with `boundary`, keeping at most
    /// `max_field_memory` bytes of field names and values in memory.
    pub fn new(boundary: &[u8], limits: Limits, max_field_memory: u64, sink: S) -> Result<Self, CollectError> {
        Ok(Collector {
            parser: Parser::new(boundary, limits)?,
            sink,
            form: Form::default(),
            max_field_memory,
            field_memory: 0,
            in_file: false,
        })
    }

    fn charge(&mut self, n: usize) -> Result<(), CollectError> {
        self.field_memory += n as u64;
        if self.field_memory > self.max_field_memory {
            return Err(CollectError::FieldsTooLarge);
        }
        Ok(())
    }

    /// Parses a chunk of the body.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), CollectError> {
        loop {
            let (n, event) = self.parser.feed(chunk)?;
            match event {
                Event::PartStart(part) => {
                    let cd = part
                        .content_disposition()
                        .filter(|cd| cd.is_form_data())
                        .ok_or(CollectError::MissingName { part: part.index() })?;
                    let name = cd.name().ok_or(CollectError::MissingName { part: part.index() })?.into_owned();
                    let content_type = part.content_type().map(<[u8]>::to_vec);
                    self.in_file = part.is_file();
                    if self.in_file {
                        self.sink.open(&part).map_err(CollectError::Sink)?;
                        self.form.files.push(FileInfo {
                            name,
                            filename: cd.filename().map(|f| f.into_owned()),
                            filename_star: cd.filename_star().map(|f| f.value.clone()),
                            content_type,
                            size: 0,
                        });
                    } else {
                        let size = name.len() + content_type.as_ref().map_or(0, Vec::len);
                        self.form.fields.push(Field { name, value: Vec::new(), content_type });
                        self.charge(size)?;
                    }
                }
                Event::Data(d) => {
                    if self.in_file {
                        self.sink.write(d).map_err(CollectError::Sink)?;
                        if let Some(f) = self.form.files.last_mut() {
                            f.size += d.len() as u64;
                        }
                    } else {
                        let len = d.len();
                        if let Some(f) = self.form.fields.last_mut() {
                            f.value.extend_from_slice(d);
                        }
                        self.charge(len)?;
                    }
                }
                Event::PartEnd => {
                    if self.in_file {
                        self.sink.close().map_err(CollectError::Sink)?;
                        self.in_file = false;
                    }
                }
                // After `End` the rest of the chunk is epilogue: keep
                // feeding so its limit applies.
                Event::End => {}
                Event::NeedMore => return Ok(()),
            }
            chunk = &chunk[n..];
        }
    }

    /// Checks that the body was complete and returns the form and the sink.
    pub fn finish(self) -> Result<(Form, S), CollectError> {
        self.parser.finish()?;
        Ok((self.form, self.sink))
    }
}

/// Reads a whole body from `reader` (64 KiB at a time) and collects it.
///
/// ```
/// use springbok_multipart::{collect, Builder, Limits};
/// let mut b = Builder::new(b"bnd")?;
/// b.field(b"k", b"v")?;
/// let body = b.finish();
/// let (form, _) = collect(&body[..], b"bnd", Limits::default(), Vec::<Vec<u8>>::new())?;
/// assert_eq!(form.fields[0].name, b"k");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn collect<R: Read, S: FileSink>(
    mut reader: R,
    boundary: &[u8],
    limits: Limits,
    sink: S,
) -> Result<(Form, S), CollectError> {
    let mut c = Collector::new(boundary, limits, DEFAULT_MAX_FIELD_MEMORY, sink)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CollectError::Read(e)),
        };
        c.feed(&buf[..n])?;
    }
    c.finish()
}
