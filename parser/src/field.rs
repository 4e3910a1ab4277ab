//! A field's value as its recipient must read it: with obsolete line
//! folding accepted, RFC 9112 §5.2 says to replace each fold with SP
//! before interpreting the value. The parser reports a folded field either
//! as one value holding the raw folds ([`ObsFold::Span`](crate::ObsFold::Span))
//! or as its first line followed by nameless continuation headers
//! ([`ObsFold::Continuation`](crate::ObsFold::Continuation)); [`pieces`] reads
//! both the same way, and [`elements`] splits the unfolded value into list
//! elements without copying it. The framing and env code read field values
//! only through here, so `Content-Length: 5\r\n 0` is `5 0` to both.

use crate::{unfold, Header, Unfold};

/// The non-empty pieces of the field whose first line is `headers[i]`,
/// whitespace around each fold removed: joined with one SP each, they are
/// the field's value. See [`pieces`].
#[derive(Clone, Debug)]
pub(crate) struct Pieces<'h, 'b> {
    /// The nameless continuation headers not yet read.
    rest: &'h [Header<'b>],
    /// The pieces of the header being read.
    current: Unfold<'b>,
}

/// The pieces of the field whose first line is `headers[i]`: its value
/// split at raw folds, then the values of the nameless headers that follow
/// it, each split the same way; empty pieces skipped.
pub(crate) fn pieces<'h, 'b>(headers: &'h [Header<'b>], i: usize) -> Pieces<'h, 'b> {
    let after = &headers[i + 1..];
    let conts = after.iter().take_while(|h| h.name.is_empty()).count();
    Pieces { rest: &after[..conts], current: unfold(headers[i].value) }
}

impl<'b> Iterator for Pieces<'_, 'b> {
    type Item = &'b [u8];

    fn next(&mut self) -> Option<&'b [u8]> {
        loop {
            match self.current.next() {
                Some(piece) if !piece.is_empty() => return Some(piece),
                Some(_) => {}
                None => {
                    let (next, rest) = self.rest.split_first()?;
                    self.rest = rest;
                    self.current = unfold(next.value);
                }
            }
        }
    }
}

/// Whether the field whose first line is `headers[i]` is one piece equal
/// to `want` (ASCII case-insensitive): a folded value has an SP inside.
pub(crate) fn is(headers: &[Header<'_>], i: usize, want: &[u8]) -> bool {
    let mut p = pieces(headers, i);
    matches!((p.next(), p.next()), (Some(v), None) if v.eq_ignore_ascii_case(want))
}

/// The field whose first line is `headers[i]` as one slice when it is not
/// folded (the empty slice for an empty value), or `None` when it is: its
/// value then has an SP where each fold was.
pub(crate) fn single<'b>(headers: &[Header<'b>], i: usize) -> Option<&'b [u8]> {
    let mut p = pieces(headers, i);
    match (p.next(), p.next()) {
        (None, _) => Some(b""),
        (Some(v), None) => Some(v),
        (Some(_), Some(_)) => None,
    }
}

/// One element of a comma-separated list (RFC 9110 §5.6.1), OWS-trimmed,
/// in the unfolded value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Element<'b> {
    /// The element, or when it has a fold inside, its part before the
    /// first fold.
    pub head: &'b [u8],
    /// For an element with a fold inside: the first byte after that fold
    /// (and after the OWS around it). The element is then `head`, SP, and
    /// more, starting with this byte.
    pub folded: Option<u8>,
}

impl<'b> Element<'b> {
    /// The element as one slice, when no fold is inside it.
    pub fn whole(&self) -> Option<&'b [u8]> {
        match self.folded {
            None => Some(self.head),
            Some(_) => None,
        }
    }

    /// Whether the element is empty (`a,,b` has one).
    pub fn is_empty(&self) -> bool {
        self.head.is_empty()
    }
}

/// Iterator returned by [`elements`].
#[derive(Clone, Debug)]
pub(crate) struct Elements<'h, 'b> {
    pieces: Pieces<'h, 'b>,
    /// What remains of the current piece; `None` after the last element.
    current: Option<&'b [u8]>,
}

/// The elements of the comma-separated list that is the unfolded value of
/// the field whose first line is `headers[i]`, empty elements included:
/// exactly `value.split(',')` of the value joined as RFC 9112 §5.2 says,
/// each element OWS-trimmed.
pub(crate) fn elements<'h, 'b>(headers: &'h [Header<'b>], i: usize) -> Elements<'h, 'b> {
    let mut pieces = pieces(headers, i);
    let first = pieces.next().unwrap_or(b"");
    Elements { pieces, current: Some(first) }
}

impl<'b> Iterator for Elements<'_, 'b> {
    type Item = Element<'b>;

    fn next(&mut self) -> Option<Element<'b>> {
        let current = self.current?;
        if let Some(comma) = memchr::memchr(b',', current) {
            self.current = Some(&current[comma + 1..]);
            return Some(Element { head: trim_ows(&current[..comma]), folded: None });
        }
        // The element runs to the end of this piece and on into the next
        // ones, up to a comma: a fold (SP) joins each piece to the next.
        let mut element = Element { head: trim_ows(current), folded: None };
        loop {
            let Some(piece) = self.pieces.next() else {
                self.current = None;
                return Some(element);
            };
            let (part, rest) = match memchr::memchr(b',', piece) {
                Some(comma) => (trim_ows(&piece[..comma]), Some(&piece[comma + 1..])),
                None => (piece, None),
            };
            if let Some(&first) = part.first() {
                if element.head.is_empty() {
                    element.head = part;
                } else if element.folded.is_none() {
                    element.folded = Some(first);
                }
            }
            if rest.is_some() {
                self.current = rest;
                return Some(element);
            }
        }
    }
}

/// `s` without its leading and trailing SP and HTAB bytes.
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn h<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<Header<'a>> {
        pairs.iter().map(|(n, v)| Header { name: n.as_bytes(), value: v.as_bytes() }).collect()
    }

    /// The elements, each as its unfolded text: head, then " ..." when a
    /// fold is inside.
    fn els(headers: &[Header<'_>]) -> Vec<std::string::String> {
        elements(headers, 0)
            .map(|e| {
                let mut s = std::string::String::from_utf8_lossy(e.head).into_owned();
                if let Some(b) = e.folded {
                    s.push(' ');
                    s.push(b as char);
                    s.push_str("...");
                }
                s
            })
            .collect()
    }

    /// The joined value's `split(',')`, trimmed, rendered like `els`.
    fn reference(joined: &str) -> Vec<std::string::String> {
        joined
            .split(',')
            .map(|e| {
                let e = e.trim_matches([' ', '\t']);
                match e.split_once(' ') {
                    Some((a, b)) => std::format!("{} {}...", a.trim_matches([' ', '\t']), &b.trim_start()[..1]),
                    None => e.into(),
                }
            })
            .collect()
    }

    #[test]
    fn continuation_lines_and_raw_folds_read_alike() {
        let cases: [(&[(&str, &str)], &str); 8] = [
            (&[("A", "5"), ("", "0")], "5 0"),
            (&[("A", "5\r\n 0")], "5 0"),
            (&[("A", "keep-alive,"), ("", "close")], "keep-alive, close"),
            (&[("A", "chunked\r\n\t,gzip")], "chunked ,gzip"),
            (&[("A", ""), ("", "x"), ("", "y,z")], "x y,z"),
            (&[("A", "a,\r\n \r\n b")], "a, b"),
            (&[("A", "")], ""),
            (&[("A", "a, b ,, c"), ("B", "x")], "a, b ,, c"),
        ];
        for (headers, joined) in cases {
            let headers = h(headers);
            assert_eq!(els(&headers), reference(joined), "{joined:?}");
        }
    }

    #[test]
    fn single_and_is() {
        let folded = h(&[("Host", "a"), ("", "b")]);
        assert_eq!(single(&folded, 0), None);
        assert!(!is(&folded, 0, b"a"));
        let plain = h(&[("Expect", "100-Continue"), ("X", "y")]);
        assert_eq!(single(&plain, 0), Some(&b"100-Continue"[..]));
        assert!(is(&plain, 0, b"100-continue"));
        assert_eq!(single(&h(&[("Host", "")]), 0), Some(&b""[..]));
    }
}
