//! A `multipart/form-data` body for `/echo`: parts parsed as the body
//! streams in, file parts written to the upload directory and hashed on the
//! way, fields kept in memory (bounded by the multipart field limit).

use std::io::Write;

use sha2::{Digest, Sha256};
use springbok_multipart::{boundary, Event, Limits, Parser};

use super::echo::hex;
use super::{App, Response};
use crate::json::Json;
use crate::tmp::{TempFile, TmpDir};

/// A finished part.
struct Summary {
    name: Option<Vec<u8>>,
    filename: Option<Vec<u8>>,
    /// The decoded RFC 8187 `filename*`, shown beside `filename`, never
    /// instead of it.
    filename_star: Option<String>,
    content_type: Option<Vec<u8>>,
    size: u64,
    sha256: String,
    /// A field's value (parts without a filename).
    value: Option<Vec<u8>>,
}

/// The part being received.
struct Current {
    summary: Summary,
    hasher: Sha256,
    file: Option<TempFile>,
}

/// A multipart body in progress.
pub struct Upload {
    parser: Parser,
    tmp: TmpDir,
    current: Option<Current>,
    parts: Vec<Summary>,
    files: Vec<TempFile>,
}

fn multipart_error(e: springbok_multipart::Error) -> Response {
    Response::error(e.status(), &format!("multipart: {e}"))
}

fn io_error(e: std::io::Error) -> Response {
    crate::log!("upload file: {e}");
    Response::error(500, "could not store the upload")
}

impl Upload {
    /// A parser for the boundary in `content_type`, with the body limit of
    /// the server as its total limit.
    pub fn start(app: &App, content_type: &[u8]) -> Result<Upload, Response> {
        let mut limits = Limits::default();
        limits.max_total_bytes = app.max_body_bytes;
        let parser = Parser::new(boundary(content_type).map_err(multipart_error)?, limits).map_err(multipart_error)?;
        Ok(Upload { parser, tmp: app.tmp.clone(), current: None, parts: Vec::new(), files: Vec::new() })
    }

    /// The next piece of the body.
    pub fn feed(&mut self, mut data: &[u8]) -> Result<(), Response> {
        loop {
            let (used, event) = self.parser.feed(data).map_err(multipart_error)?;
            match event {
                Event::PartStart(part) => {
                    let file = if part.is_file() { Some(self.tmp.file().map_err(io_error)?) } else { None };
                    let summary = Summary {
                        name: part.name().map(|n| n.into_owned()),
                        filename: part.filename().map(|n| n.into_owned()),
                        filename_star: part.filename_star().map(|f| f.value),
                        content_type: part.content_type().map(<[u8]>::to_vec),
                        size: 0,
                        sha256: String::new(),
                        value: if file.is_none() { Some(Vec::new()) } else { None },
                    };
                    self.current = Some(Current { summary, hasher: Sha256::new(), file });
                }
                Event::Data(d) => {
                    if let Some(current) = &mut self.current {
                        current.hasher.update(d);
                        current.summary.size += d.len() as u64;
                        match (&mut current.file, &mut current.summary.value) {
                            (Some(file), _) => file.file().write_all(d).map_err(io_error)?,
                            (None, Some(value)) => value.extend_from_slice(d),
                            (None, None) => {}
                        }
                    }
                }
                Event::PartEnd => {
                    if let Some(Current { mut summary, hasher, file }) = self.current.take() {
                        summary.sha256 = hex(&hasher.finalize());
                        self.parts.push(summary);
                        self.files.extend(file);
                    }
                }
                Event::End => {}
                Event::NeedMore => return Ok(()),
            }
            data = &data[used..];
        }
    }

    /// Checks that the body was complete and writes `"parts": [...]`;
    /// returns the files, to remove after the response.
    pub fn finish(self, json: &mut Json) -> Result<Vec<TempFile>, Response> {
        self.parser.finish().map_err(multipart_error)?;
        json.key("parts").begin_array();
        for p in &self.parts {
            json.begin_object();
            let opt = |json: &mut Json, key: &str, v: &Option<Vec<u8>>| {
                json.key(key);
                match v {
                    Some(v) => json.bytes(v),
                    None => json.null(),
                };
            };
            opt(json, "name", &p.name);
            opt(json, "filename", &p.filename);
            if let Some(star) = &p.filename_star {
                json.key("filename_star").str(star);
            }
            opt(json, "content_type", &p.content_type);
            json.key("size").u64(p.size).key("sha256").str(&p.sha256);
            if let Some(value) = &p.value {
                json.key("value").bytes(value);
            }
            json.key("stored").str(if p.value.is_some() { "memory" } else { "file" });
            json.end_object();
        }
        json.end_array();
        Ok(self.files)
    }
}
