//! The demo application: `GET /` a page with two forms, `GET|POST /echo`
//! the request as JSON, `GET /hello` 13 bytes of text.
//!
//! The server hands the app a parsed head ([`App::start`]); the app answers
//! at once ([`Start::Reject`]) or returns an [`Exchange`] that takes the
//! body piece by piece and then produces the response. An exchange owns
//! what it needs, so the connection's buffer is free for the body.

mod echo;
mod page;
mod upload;

use springbok_parser::framing::{Body as Framing, RequestInfo};
use springbok_parser::Request;

use crate::tmp::TmpDir;
pub use echo::Echo;

/// A response body.
#[derive(Debug)]
pub enum Body {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl Body {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Static(b) => b,
            Body::Owned(v) => v,
        }
    }
}

/// What the app answers; the server adds `Date`, `Content-Length` and
/// `Connection`.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static [u8],
    pub body: Body,
    /// The `Allow` header of a 405.
    pub allow: Option<&'static [u8]>,
    /// Close the connection after this response (a bad request).
    pub close: bool,
    /// Upload files to remove once the response has been written.
    pub hold: Vec<crate::tmp::TempFile>,
}

impl Response {
    /// A response with `body` of `content_type`.
    pub fn new(status: u16, content_type: &'static [u8], body: Body) -> Response {
        Response { status, content_type, body, allow: None, close: false, hold: Vec::new() }
    }

    /// An error: `status`, a one-line text body naming the problem, and the
    /// connection closed after it.
    pub fn error(status: u16, detail: &str) -> Response {
        let reason = springbok_parser::response_head::default_reason(status).unwrap_or("Error");
        let body = format!("{status} {reason}: {detail}\n").into_bytes();
        Response { close: true, ..Response::new(status, b"text/plain; charset=utf-8", Body::Owned(body)) }
    }
}

/// The app's answer to a request head.
pub enum Start {
    /// Read the body (if any) into this exchange, then respond.
    Exchange(Exchange),
    /// Respond now without reading the body; the connection closes if the
    /// request has one.
    Reject(Response),
}

/// A request in progress.
pub enum Exchange {
    /// A fixed answer; a body, if sent, is read and discarded.
    Fixed(Response),
    /// `/echo`.
    Echo(Box<Echo>),
}

impl Exchange {
    /// The next piece of the body. An error response ends the request and
    /// the connection.
    pub fn body(&mut self, data: &[u8]) -> Result<(), Response> {
        match self {
            Exchange::Fixed(_) => Ok(()),
            Exchange::Echo(echo) => echo.body(data),
        }
    }

    /// The body is complete: the response.
    pub fn finish(self) -> Response {
        match self {
            Exchange::Fixed(r) => r,
            Exchange::Echo(echo) => echo.finish(),
        }
    }
}

/// The app's settings, made by the master before it forks.
#[derive(Clone, Debug)]
pub struct App {
    pub tmp: TmpDir,
    pub max_form_bytes: usize,
    pub max_body_bytes: u64,
}

/// The bytes of `/hello`.
pub const HELLO: &[u8] = b"Hello, World!";

impl App {
    /// Routes a request head.
    pub fn start(&self, req: &Request<'_, '_>, info: &RequestInfo<'_>) -> Start {
        let path = match req.target.iter().position(|&b| b == b'?' || b == b'#') {
            Some(end) => &req.target[..end],
            None => req.target,
        };
        let get_or_head = matches!(req.method, b"GET" | b"HEAD");
        match path {
            b"/" if get_or_head => Start::Exchange(Exchange::Fixed(Response::new(
                200,
                b"text/html; charset=utf-8",
                Body::Static(page::INDEX),
            ))),
            b"/hello" if get_or_head => {
                Start::Exchange(Exchange::Fixed(Response::new(200, b"text/plain", Body::Static(HELLO))))
            }
            b"/echo" if get_or_head || req.method == b"POST" => match Echo::start(self, req, info) {
                Ok(echo) => Start::Exchange(Exchange::Echo(Box::new(echo))),
                Err(response) => Start::Reject(response),
            },
            b"/" | b"/hello" | b"/echo" => {
                let allow: &'static [u8] = if path == b"/echo" { b"GET, HEAD, POST" } else { b"GET, HEAD" };
                let mut r = Response::error(405, "method not allowed");
                r.allow = Some(allow);
                r.close = has_body(info);
                Start::Reject(r)
            }
            _ => {
                let mut r = Response::error(404, "no such page (try /, /echo or /hello)");
                r.close = has_body(info);
                Start::Reject(r)
            }
        }
    }
}

/// Whether a request has body bytes to read.
pub fn has_body(info: &RequestInfo<'_>) -> bool {
    !matches!(info.body, Framing::None | Framing::ContentLength(0))
}
