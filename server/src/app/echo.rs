//! `/echo`: the request as JSON.
//!
//! The head's part of the document (method, target, headers, the PSGI and
//! Rack env, query pairs, framing) is written when the head arrives; the
//! body's part when the body is complete:
//! - `application/x-www-form-urlencoded`: the decoded pairs (the body is
//!   held in memory, up to `--max-form-bytes`);
//! - `multipart/form-data`: each part's name, filename, content type, size
//!   and SHA-256 (file parts streamed to the upload directory);
//! - anything else: the size and SHA-256 of the decoded body.

use sha2::{Digest, Sha256};
use springbok_form_urlencoded::{self as urlencoded, Options as FormOptions};
use springbok_parser::env::{EnvConfig, EMPTY_PAIR};
use springbok_parser::framing::{Body as Framing, Expect, RequestInfo};
use springbok_parser::Request;

use super::upload::Upload;
use super::{has_body, App, Body, Response};
use crate::json::Json;

/// What the body is collected as.
enum Collect {
    None,
    Raw(Sha256),
    Form { bytes: Vec<u8>, limit: usize },
    Multipart(Box<Upload>),
}

/// An `/echo` request in progress.
pub struct Echo {
    json: Json,
    collect: Collect,
    bytes: u64,
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The media type of a `Content-Type` value (before any parameter),
/// trimmed, ASCII lower-cased.
fn media_type(value: &[u8]) -> Vec<u8> {
    let end = value.iter().position(|&b| b == b';').unwrap_or(value.len());
    value[..end].trim_ascii().to_ascii_lowercase()
}

impl Echo {
    /// Writes the head's part of the document and picks how to collect
    /// the body; an unusable `Content-Type` or an oversized form is an
    /// error response.
    pub fn start(app: &App, req: &Request<'_, '_>, info: &RequestInfo<'_>) -> Result<Echo, Response> {
        let content_type = req.headers.iter().find(|h| h.name.eq_ignore_ascii_case(b"content-type")).map(|h| h.value);
        let collect = match (has_body(info), content_type) {
            (false, _) => Collect::None,
            (true, Some(ct)) if media_type(ct) == b"application/x-www-form-urlencoded" => {
                if let Framing::ContentLength(n) = info.body {
                    if n > app.max_form_bytes as u64 {
                        return Err(Response::error(413, "urlencoded form larger than --max-form-bytes"));
                    }
                }
                Collect::Form { bytes: Vec::new(), limit: app.max_form_bytes }
            }
            (true, Some(ct)) if media_type(ct) == b"multipart/form-data" => {
                Collect::Multipart(Box::new(Upload::start(app, ct)?))
            }
            (true, _) => Collect::Raw(Sha256::new()),
        };
        let mut json = Json::new();
        json.begin_object();
        json.key("method").bytes(req.method);
        json.key("target").bytes(req.target);
        json.key("version").str(if req.minor_version == 0 { "HTTP/1.0" } else { "HTTP/1.1" });
        json.key("headers").begin_array();
        for h in req.headers {
            json.pair(h.name, h.value);
        }
        json.end_array();
        json.key("env").begin_object();
        env(&mut json, "psgi", EnvConfig::psgi(), req);
        env(&mut json, "rack", EnvConfig::rack(), req);
        json.end_object();
        query(&mut json, req.target);
        json.key("framing").begin_object();
        match info.body {
            Framing::None => json.key("body").str("none"),
            Framing::ContentLength(n) => json.key("body").str("content-length").key("content_length").u64(n),
            Framing::Chunked => json.key("body").str("chunked"),
            Framing::UntilClose => json.key("body").str("until-close"),
        };
        json.key("keep_alive").bool(info.keep_alive);
        json.key("expect_continue").bool(info.expect == Expect::Continue);
        json.end_object();
        Ok(Echo { json, collect, bytes: 0 })
    }

    /// The next piece of the decoded body.
    pub fn body(&mut self, data: &[u8]) -> Result<(), Response> {
        self.bytes += data.len() as u64;
        match &mut self.collect {
            Collect::None => {}
            Collect::Raw(hasher) => hasher.update(data),
            Collect::Form { bytes, limit } => {
                if bytes.len() + data.len() > *limit {
                    return Err(Response::error(413, "urlencoded form larger than --max-form-bytes"));
                }
                bytes.extend_from_slice(data);
            }
            Collect::Multipart(upload) => upload.feed(data)?,
        }
        Ok(())
    }

    /// The document, completed with the body's part.
    pub fn finish(self) -> Response {
        let Echo { mut json, collect, bytes } = self;
        json.key("body").begin_object().key("bytes").u64(bytes);
        let mut hold = Vec::new();
        match collect {
            Collect::None => {
                json.key("kind").str("none");
            }
            Collect::Raw(hasher) => {
                json.key("kind").str("raw").key("sha256").str(&hex(&hasher.finalize()));
            }
            Collect::Form { bytes, limit } => {
                json.key("kind").str("urlencoded");
                let options = FormOptions::new().max_input_bytes(limit);
                match urlencoded::parse(&bytes, &options) {
                    Ok(pairs) => {
                        json.key("form").begin_array();
                        for (k, v) in pairs {
                            json.pair(&k, &v);
                        }
                        json.end_array();
                    }
                    Err(e) => return Response::error(413, &e.to_string()),
                }
            }
            Collect::Multipart(upload) => {
                json.key("kind").str("multipart");
                match upload.finish(&mut json) {
                    Ok(files) => hold = files,
                    Err(response) => return response,
                }
            }
        }
        json.end_object();
        json.end_object();
        let mut body = json.finish().into_bytes();
        body.push(b'\n');
        let mut response = Response::new(200, b"application/json", Body::Owned(body));
        response.hold = hold;
        response
    }
}

/// `"name": {...}`: the env the flattener builds, as an object (each key
/// appears once), or `{"error": ...}`.
fn env(json: &mut Json, name: &str, config: EnvConfig, req: &Request<'_, '_>) {
    json.key(name).begin_object();
    let flattened = config.sizes(req).and_then(|sizes| {
        let mut pairs = vec![EMPTY_PAIR; sizes.pairs];
        let mut arena = vec![0u8; sizes.arena];
        let env = config.flatten(req, &mut pairs, &mut arena)?;
        for pair in env {
            json.key(&String::from_utf8_lossy(pair.key)).bytes(pair.value);
        }
        Ok(())
    });
    if let Err(e) = flattened {
        json.key("error").str(&e.to_string());
    }
    json.end_object();
}

/// `"query": [[k, v], ...]`: the decoded pairs of the query string.
fn query(json: &mut Json, target: &[u8]) {
    let query = match target.iter().position(|&b| b == b'?') {
        Some(q) => {
            let rest = &target[q + 1..];
            &rest[..rest.iter().position(|&b| b == b'#').unwrap_or(rest.len())]
        }
        None => b"",
    };
    json.key("query");
    match urlencoded::parse(query, &FormOptions::new()) {
        Ok(pairs) => {
            json.begin_array();
            for (k, v) in pairs {
                json.pair(&k, &v);
            }
            json.end_array();
        }
        Err(e) => {
            json.begin_object().key("error").str(&e.to_string()).end_object();
        }
    }
}
