//! A connection's output side.
//!
//! A response is written as the response-head writer's iovecs followed by
//! the body, with `writev`. While a connection's buffered, pipelined
//! requests are being answered, their responses are staged and go out
//! together in one `writev` (up to [`MAX_STAGED`]), the way they arrived;
//! a lone request's response is a `writev` of its own. Whatever the socket
//! does not take at once is copied into a queue and written when it
//! becomes writable.

use std::io::{self, IoSlice};
use std::time::Instant;

use springbok_parser::response_head::{ResponseHead, ResponseOptions};
use springbok_parser::{Header, EMPTY_HEADER};

use crate::app::Response;
use crate::net::Stream;
use crate::tmp::TempFile;

/// Responses staged before a write at most.
pub const MAX_STAGED: usize = 16;
/// Headers the server writes: Date, Content-Type, Content-Length, Allow,
/// Connection.
const HEADERS: usize = 5;
/// iovecs of one staged response at most: the status line (4), the
/// headers (4 each), the final CRLF, and the body.
const PIECES: usize = 4 + 4 * HEADERS + 1 + 1;

const INTERNAL_ERROR: &[u8] = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Something to write.
enum Staged {
    Response {
        response: Response,
        /// `Connection: close`.
        close: bool,
        /// `Connection: keep-alive` (an HTTP/1.0 client that asked for it).
        keep_alive: bool,
        /// A reply to HEAD: the head only.
        head_only: bool,
    },
    /// Fixed bytes (`100 Continue`).
    Raw(&'static [u8]),
}

/// See the [module docs](self).
#[derive(Default)]
pub struct Output {
    staged: Vec<Staged>,
    /// Bytes the socket did not take: `queue[pos..]`.
    queue: Vec<u8>,
    pos: usize,
    /// Upload files to remove once their response is written.
    hold: Vec<TempFile>,
    /// When the queue last made no progress, while it is not empty.
    pub stalled_since: Option<Instant>,
    /// A write failed: the connection is dead.
    pub broken: bool,
}

/// `n` in decimal at the end of `buf`; returns where it starts.
fn decimal(buf: &mut [u8; 20], mut n: u64) -> usize {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return i;
        }
    }
}

impl Output {
    /// Stages a response; returns whether the stage is full (then call
    /// [`write_staged`](Self::write_staged)).
    pub fn stage(&mut self, response: Response, close: bool, keep_alive: bool, head_only: bool) -> bool {
        self.staged.push(Staged::Response { response, close, keep_alive, head_only });
        self.staged.len() >= MAX_STAGED
    }

    /// Stages fixed bytes.
    pub fn stage_raw(&mut self, bytes: &'static [u8]) {
        self.staged.push(Staged::Raw(bytes));
    }

    /// Bytes written to the socket but not taken yet.
    pub fn queued(&self) -> usize {
        self.queue.len() - self.pos
    }

    /// Writes the staged responses: one `writev` when nothing is queued,
    /// else onto the queue.
    pub fn write_staged(&mut self, stream: &mut Stream, date: &[u8], now: Instant) {
        // Arrays sized for the batch: a lone response does not pay for
        // sixteen.
        match self.staged.len() {
            0 => {}
            1 => self.write_group::<1, PIECES>(stream, date, now),
            2..=4 => self.write_group::<4, { 4 * PIECES }>(stream, date, now),
            _ => self.write_group::<MAX_STAGED, { MAX_STAGED * PIECES }>(stream, date, now),
        }
    }

    /// [`write_staged`](Self::write_staged) for at most `N` responses of
    /// at most `P` slices in all.
    fn write_group<const N: usize, const P: usize>(&mut self, stream: &mut Stream, date: &[u8], now: Instant) {
        let mut staged = std::mem::take(&mut self.staged);
        debug_assert!(staged.len() <= N);
        let options = ResponseOptions::new();
        // Content-Length values, then the header lists borrowing them, then
        // the heads borrowing those, then the slices.
        let mut lengths = [[0u8; 20]; N];
        let mut starts = [0usize; N];
        for (i, s) in staged.iter().enumerate() {
            if let Staged::Response { response, .. } = s {
                starts[i] = decimal(&mut lengths[i], response.body.as_bytes().len() as u64);
            }
        }
        let mut headers = [[EMPTY_HEADER; HEADERS]; N];
        let mut counts = [0usize; N];
        for (i, s) in staged.iter().enumerate() {
            let Staged::Response { response, close, keep_alive, .. } = s else { continue };
            let list = &mut headers[i];
            let mut k = 0;
            let mut push = |name: &'static [u8], value| {
                list[k] = Header { name, value };
                k += 1;
            };
            push(b"Date", date);
            push(b"Content-Type", response.content_type);
            push(b"Content-Length", &lengths[i][starts[i]..]);
            if let Some(allow) = response.allow {
                push(b"Allow", allow);
            }
            if *close {
                push(b"Connection", b"close");
            } else if *keep_alive {
                push(b"Connection", b"keep-alive");
            }
            counts[i] = k;
        }
        let mut pieces: [&[u8]; P] = [&[]; P];
        let mut n = 0;
        for (i, s) in staged.iter().enumerate() {
            match s {
                Staged::Raw(bytes) => {
                    pieces[n] = bytes;
                    n += 1;
                }
                Staged::Response { response, head_only, .. } => {
                    match ResponseHead::new(response.status, None, &headers[i][..counts[i]], &options)
                        .map_err(|e| e.to_string())
                        .and_then(|head| head.fill_iovecs(&mut pieces[n..]).map_err(|e| e.to_string()))
                    {
                        Ok(count) => {
                            n += count;
                            if !head_only {
                                pieces[n] = response.body.as_bytes();
                                n += 1;
                            }
                        }
                        Err(e) => {
                            crate::log!("cannot write a response head ({e}); sending 500");
                            pieces[n] = INTERNAL_ERROR;
                            n += 1;
                        }
                    }
                }
            }
        }
        self.write::<P>(stream, &pieces[..n], now);
        for s in staged.drain(..) {
            if let Staged::Response { response, .. } = s {
                self.hold.extend(response.hold);
            }
        }
        if self.queued() == 0 {
            self.hold.clear();
        }
        // Keep the allocation for the next batch.
        self.staged = staged;
    }

    /// One `writev` of `pieces` if nothing is queued; what is not written
    /// is queued.
    fn write<const P: usize>(&mut self, stream: &mut Stream, pieces: &[&[u8]], now: Instant) {
        let mut written = 0;
        if self.queued() == 0 {
            let mut iov = [IoSlice::new(&[]); P];
            for (slot, piece) in iov.iter_mut().zip(pieces) {
                *slot = IoSlice::new(piece);
            }
            loop {
                match stream.writev(&iov[..pieces.len()]) {
                    Ok(n) => written = n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(_) => self.broken = true,
                }
                break;
            }
            self.queue.clear();
            self.pos = 0;
        }
        for piece in pieces {
            let skip = written.min(piece.len());
            written -= skip;
            self.queue.extend_from_slice(&piece[skip..]);
        }
        if self.queued() > 0 {
            self.stalled_since.get_or_insert(now);
        }
    }

    /// Writes the queue; `Ok(true)` when it is empty.
    pub fn flush(&mut self, stream: &mut Stream, now: Instant) -> io::Result<bool> {
        while self.pos < self.queue.len() {
            match stream.write(&self.queue[self.pos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.pos += n;
                    self.stalled_since = Some(now);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.queue.clear();
        self.pos = 0;
        self.stalled_since = None;
        self.hold.clear();
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        let mut b = [0u8; 20];
        let i = decimal(&mut b, 0);
        assert_eq!(&b[i..], b"0");
        let i = decimal(&mut b, 13);
        assert_eq!(&b[i..], b"13");
        let i = decimal(&mut b, u64::MAX);
        assert_eq!(&b[i..], u64::MAX.to_string().as_bytes());
    }
}
