//! Chunked bodies: framing bytes go to the parser crate's `ChunkedDecoder`
//! one at a time, so that the machine sees where each chunk starts and
//! ends (httptools' `on_chunk_header` / `on_chunk_complete`; the decoder
//! reports no such events), and each chunk's data goes through it in bulk.
//! The trailer section is parsed with the header-block parser, so that its
//! fields can go to `on_header`, as llhttp reports them.

use std::mem::MaybeUninit;

use pyo3::prelude::*;
use springbok_parser::{Header, Status};

use super::super::errors::{Class, Failure};
use super::{call0, call_bytes, call_headers, Callbacks, Machine, State, Stop, MAX_HEADERS};

/// Where in a chunked body the machine is. Framing bytes go to the decoder
/// one at a time, so that the machine sees where each chunk starts and
/// ends; data goes through in bulk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Chunk {
    /// In a size line (or before one).
    Framing,
    /// In a chunk's data: this many bytes to go.
    Data(u64),
    /// In the CRLF after a chunk's data: this many bytes to go.
    Crlf(u8),
    /// In the trailer section; its bytes so far are in `Machine::trailer`.
    Trailers,
}

impl Machine {
    /// One step in a chunked body; returns the position after what it
    /// consumed.
    pub(super) fn chunked_step(
        &mut self,
        py: Python<'_>,
        cb: &Callbacks,
        chunk: Chunk,
        input: &[u8],
        pos: usize,
    ) -> Result<usize, Stop> {
        match chunk {
            Chunk::Framing | Chunk::Crlf(_) => {
                let before = self.decoder.body_len();
                let mut byte = [input[pos]];
                let decoded = match self.decoder.decode(&mut byte) {
                    Ok(d) => d,
                    Err(e) => return Err(self.fail(Failure::chunked(e))),
                };
                if let Chunk::Crlf(left) = chunk {
                    if left > 1 {
                        self.state = State::Chunked(Chunk::Crlf(left - 1));
                    } else {
                        self.state = State::Chunked(Chunk::Framing);
                        if let Err(e) = call0(py, &cb.chunk_complete) {
                            return Err(self.fail_callback(py, "on_chunk_complete", e));
                        }
                    }
                } else if decoded.complete {
                    // The last chunk's size line: the trailer section follows.
                    self.state = State::Chunked(Chunk::Trailers);
                    self.trailer.clear();
                    self.trailer_last = 0;
                    if let Err(e) = call0(py, &cb.chunk_header) {
                        return Err(self.fail_callback(py, "on_chunk_header", e));
                    }
                } else if self.decoder.is_in_data() {
                    self.state = State::Chunked(Chunk::Data(self.decoder.body_len() - before));
                    if let Err(e) = call0(py, &cb.chunk_header) {
                        return Err(self.fail_callback(py, "on_chunk_header", e));
                    }
                }
                Ok(pos + 1)
            }
            Chunk::Data(left) => {
                let n = (input.len() - pos).min(usize::try_from(left).unwrap_or(usize::MAX));
                let data = &input[pos..pos + n];
                // The decoder checks and counts the data (its body limit);
                // it decodes in place, so it gets a copy.
                self.scratch.clear();
                self.scratch.extend_from_slice(data);
                if let Err(e) = self.decoder.decode(&mut self.scratch) {
                    return Err(self.fail(Failure::chunked(e)));
                }
                let left = left - n as u64;
                self.state = State::Chunked(if left == 0 { Chunk::Crlf(2) } else { Chunk::Data(left) });
                if let Err(e) = call_bytes(py, &cb.body, data) {
                    return Err(self.fail_callback(py, "on_body", e));
                }
                Ok(pos + n)
            }
            Chunk::Trailers => self.trailer_step(py, cb, input, pos),
        }
    }

    /// The trailer section: parsed as a header block; its fields go to
    /// on_header, as llhttp reports them.
    fn trailer_step(&mut self, py: Python<'_>, cb: &Callbacks, input: &[u8], pos: usize) -> Result<usize, Stop> {
        let mut config = self.config;
        config.max_head_bytes = self.chunked.max_trailer_bytes;
        let old = self.trailer.len();
        let take = (input.len() - pos).min(config.max_head_bytes.saturating_sub(old).max(1));
        let mut trailer = std::mem::take(&mut self.trailer);
        trailer.extend_from_slice(&input[pos..pos + take]);
        let mut storage = [const { MaybeUninit::<Header<'_>>::uninit() }; MAX_HEADERS];
        let parsed = config.parse_headers_uninit(&trailer, self.trailer_last, &mut storage);
        let consumed = match parsed {
            Ok(Status::Complete(block)) => {
                if let Err(e) = call_headers(py, cb, &mut self.names, block.headers) {
                    self.trailer = trailer;
                    return Err(self.fail_callback(py, "on_header", e));
                }
                let used = block.len - old;
                trailer.clear();
                self.trailer = trailer;
                if let Err(e) = call0(py, &cb.chunk_complete) {
                    return Err(self.fail_callback(py, "on_chunk_complete", e));
                }
                self.message_complete(py, cb)?;
                used
            }
            Ok(Status::Partial) => {
                self.trailer_last = trailer.len();
                self.trailer = trailer;
                take
            }
            Err(e) => {
                self.trailer = trailer;
                let mut f = Failure::head(e);
                f.class = Class::Parser;
                f.message = format!("invalid trailer section: {}", f.message);
                return Err(self.fail(f));
            }
        };
        Ok(pos + consumed)
    }
}
