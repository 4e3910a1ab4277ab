//! Building the env's bytes that are not borrowed: what a pair's key or
//! value is ([`Spec`]), measuring and writing it ([`Count`], [`Fill`]), the
//! bump allocator over the caller's arena ([`Arena`]), and what building
//! needs to know about the request's headers ([`Ctx`]).

use springbok_percent::Plus;

use super::fast;
use super::keys::{maps_to, same_key, Fact, KEY_CONTENT_LENGTH, KEY_CONTENT_TYPE};
use super::Underscores;
use crate::Header;

/// A byte string to emit: borrowed, or built in the arena.
#[derive(Clone, Copy)]
pub(super) enum Spec<'b> {
    /// Borrowed from the request or `'static`: no arena.
    Borrowed(&'b [u8]),
    /// `HTTP_` + the mapped name.
    HttpName(&'b [u8]),
    /// The value of the header at this index, joined with its folds and
    /// with every later header of the same key.
    Joined(usize),
    /// The percent-decoding of the path (already validated), of this length.
    Decoded(&'b [u8], usize),
}

/// Where built bytes go: a length count, or an arena chunk.
trait Bytes {
    fn put(&mut self, s: &[u8]);
    fn put_map(&mut self, name: &[u8]);
    fn put_decoded(&mut self, raw: &[u8], len: usize);
}

struct Count(usize);

impl Bytes for Count {
    fn put(&mut self, s: &[u8]) {
        self.0 += s.len();
    }
    fn put_map(&mut self, name: &[u8]) {
        self.0 += name.len();
    }
    fn put_decoded(&mut self, _: &[u8], len: usize) {
        self.0 += len;
    }
}

/// Writes into a chunk whose length [`Count`] computed over the same calls.
struct Fill<'s> {
    buf: &'s mut [u8],
    pos: usize,
}

impl Fill<'_> {
    fn next(&mut self, n: usize) -> &mut [u8] {
        let start = self.pos;
        self.pos += n;
        &mut self.buf[start..self.pos]
    }
}

impl Bytes for Fill<'_> {
    fn put(&mut self, s: &[u8]) {
        self.next(s.len()).copy_from_slice(s);
    }
    fn put_map(&mut self, name: &[u8]) {
        fast::map_into(name, self.next(name.len()));
    }
    fn put_decoded(&mut self, raw: &[u8], len: usize) {
        // Validated when the spec was made, and `len` is the exact decoded
        // length, so this cannot fail; on a bug the chunk is left partly
        // written rather than panicking.
        let _ = springbok_percent::decode_strict_into(raw, self.next(len), Plus::Literal);
    }
}

/// The bump allocator over the caller's arena.
pub(super) struct Arena<'a> {
    pub(super) rest: &'a mut [u8],
}

impl<'a> Arena<'a> {
    pub(super) fn take(&mut self, n: usize) -> Option<&'a mut [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, tail) = core::mem::take(&mut self.rest).split_at_mut(n);
        self.rest = tail;
        Some(head)
    }
}

/// What building a spec needs to know.
pub(super) struct Ctx<'b, 'h> {
    pub(super) headers: &'h [Header<'b>],
    pub(super) underscores: Underscores,
    pub(super) drop_version: bool,
    pub(super) raw_folds: bool,
}

impl<'b> Ctx<'b, '_> {
    /// Whether a header line starts a field that goes into the env. (With
    /// [`Underscores::Reject`] underscore names were refused up front.)
    pub(super) fn emitted(&self, h: &Header<'_>) -> bool {
        self.emitted_with(h, Fact::of(h.name))
    }

    /// [`Ctx::emitted`] with the name's [`Fact`] at hand.
    #[inline]
    pub(super) fn emitted_with(&self, h: &Header<'_>, fact: Fact) -> bool {
        if h.name.is_empty() {
            return false; // an obs-fold continuation
        }
        if fact.underscore {
            // Only `Allow` emits these, and never as CONTENT_TYPE/_LENGTH.
            return self.underscores == Underscores::Allow
                && fact.key != KEY_CONTENT_TYPE
                && fact.key != KEY_CONTENT_LENGTH
                && !(self.drop_version && maps_to(h.name, b"VERSION"));
        }
        !(self.drop_version && maps_to(h.name, b"VERSION"))
    }

    pub(super) fn arena_len(&self, spec: Spec<'_>) -> usize {
        match spec {
            Spec::Borrowed(_) => 0,
            _ => {
                let mut count = Count(0);
                self.put(spec, &mut count);
                count.0
            }
        }
    }

    /// Materialises `spec`: borrowed as is, or built in an arena chunk.
    #[inline]
    pub(super) fn build<'a>(&self, spec: Spec<'a>, arena: &mut Arena<'a>) -> Option<&'a [u8]>
    where
        'b: 'a,
    {
        if let Spec::Borrowed(s) = spec {
            return Some(s);
        }
        self.build_in(spec, arena)
    }

    /// [`Ctx::build`] of a spec that is not borrowed, out of line.
    #[inline(never)]
    fn build_in<'a>(&self, spec: Spec<'a>, arena: &mut Arena<'a>) -> Option<&'a [u8]>
    where
        'b: 'a,
    {
        if let Spec::HttpName(name) = spec {
            // The usual built key: its length is known, no counting pass.
            let chunk = arena.take(5 + name.len())?;
            let (prefix, rest) = chunk.split_at_mut(5);
            prefix.copy_from_slice(b"HTTP_");
            fast::map_into(name, rest);
            return Some(chunk);
        }
        let chunk = arena.take(self.arena_len(spec))?;
        let mut fill = Fill { buf: chunk, pos: 0 };
        self.put(spec, &mut fill);
        debug_assert_eq!(fill.pos, fill.buf.len());
        Some(fill.buf)
    }

    fn put(&self, spec: Spec<'_>, out: &mut impl Bytes) {
        match spec {
            Spec::Borrowed(s) => out.put(s),
            Spec::HttpName(name) => {
                out.put(b"HTTP_");
                out.put_map(name);
            }
            Spec::Decoded(raw, len) => out.put_decoded(raw, len),
            Spec::Joined(first) => {
                let name = self.headers[first].name;
                for (j, h) in self.headers.iter().enumerate().skip(first) {
                    if j == first {
                        self.put_field(j, out);
                    } else if same_key(h.name, name) && self.emitted(h) {
                        out.put(b", ");
                        self.put_field(j, out);
                    }
                }
            }
        }
    }

    /// The value of the field starting at header `i`: its non-empty fold
    /// pieces (from [`ObsFold::Span`](crate::ObsFold::Span) values and
    /// [`ObsFold::Continuation`](crate::ObsFold::Continuation) lines) joined
    /// with one SP.
    fn put_field(&self, i: usize, out: &mut impl Bytes) {
        for (n, piece) in crate::field::pieces(self.headers, i).enumerate() {
            if n > 0 {
                out.put(b" ");
            }
            out.put(piece);
        }
    }
}
