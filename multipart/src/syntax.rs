//! Small lexical helpers shared by the header-value parsers
//! (`Content-Type` parameters, `Content-Disposition`, [`HeaderParams`](crate::HeaderParams)).

use crate::error::{Error, ErrorKind};

/// RFC 9110 `tchar`, as a table.
static TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        i += 1;
    }
    t
};

/// RFC 9110 `tchar`.
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// RFC 9110 `qdtext` (HTAB, SP, VCHAR except `"` and `\`, obs-text).
fn is_qdtext(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | 0x21 | 0x23..=0x5b | 0x5d..=0x7e | 0x80..=0xff)
}

/// A read position over a header value.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    /// A cursor at `pos` (at most `buf.len()`).
    pub(crate) fn at(buf: &'a [u8], pos: usize) -> Self {
        Cursor { buf, pos: pos.min(buf.len()) }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    pub(crate) fn bump(&mut self) {
        self.pos += 1;
    }

    pub(crate) fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, self.pos as u64)
    }

    #[inline]
    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        let n = self.buf[start..].iter().take_while(|&&b| f(b)).count();
        self.pos += n;
        &self.buf[start..self.pos]
    }

    /// An RFC 9110 quoted-string starting at the current `"`. Returns the
    /// bytes between the quotes (quoted-pairs left as they are) and whether
    /// any quoted-pair occurred; `None` if it is unterminated or has a byte
    /// that is neither `qdtext` nor a valid quoted-pair.
    pub(crate) fn quoted_string(&mut self) -> Option<(&'a [u8], bool)> {
        debug_assert_eq!(self.peek(), Some(b'"'));
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'"' => {
                    let inner = &self.buf[start..self.pos];
                    self.pos += 1;
                    return Some((inner, escaped));
                }
                b'\\' => {
                    let next = *self.buf.get(self.pos + 1)?;
                    if !(next == b'\t' || next == b' ' || next >= 0x21 && next != 0x7f) {
                        return None;
                    }
                    escaped = true;
                    self.pos += 2;
                }
                b if is_qdtext(b) => self.pos += 1,
                _ => return None,
            }
        }
    }

    /// A quoted string as HTML's form serializer writes it: everything up to
    /// the next `"` is content, backslashes included (browsers do not escape
    /// them). CR, LF and other controls except HTAB are rejected (browsers
    /// send them as `%0D`/`%0A`).
    pub(crate) fn html_quoted_string(&mut self) -> Option<&'a [u8]> {
        debug_assert_eq!(self.peek(), Some(b'"'));
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'"' => {
                    let inner = &self.buf[start..self.pos];
                    self.pos += 1;
                    return Some(inner);
                }
                b if b == b'\t' || b >= 0x20 && b != 0x7f => self.pos += 1,
                _ => return None,
            }
        }
    }
}

/// Skips SP and HTAB.
pub(crate) fn skip_ows(c: &mut Cursor<'_>) {
    c.take_while(|b| b == b' ' || b == b'\t');
}
