//! A small JSON writer for the `/echo` response: objects, arrays, strings,
//! numbers and booleans, with the commas placed for the caller.
//!
//! HTTP bytes need not be UTF-8; strings are written from bytes with each
//! invalid sequence replaced by U+FFFD (as `String::from_utf8_lossy`).

use std::fmt::Write as _;

/// Builds one JSON document in a `String`.
#[derive(Default)]
pub struct Json {
    out: String,
    /// Per open container: whether a value was written in it already.
    nonempty: Vec<bool>,
}

impl Json {
    /// An empty document.
    pub fn new() -> Json {
        Json::default()
    }

    /// The document (complete when every container was closed).
    pub fn finish(self) -> String {
        debug_assert!(self.nonempty.is_empty(), "unclosed JSON container");
        self.out
    }

    /// Before a value: a comma unless it is the first in its container.
    fn value_start(&mut self) {
        if let Some(nonempty) = self.nonempty.last_mut() {
            if *nonempty {
                self.out.push(',');
            }
            *nonempty = true;
        }
    }

    /// Opens an object (as a value).
    pub fn begin_object(&mut self) -> &mut Self {
        self.value_start();
        self.out.push('{');
        self.nonempty.push(false);
        self
    }

    /// Closes the innermost object.
    pub fn end_object(&mut self) -> &mut Self {
        self.nonempty.pop();
        self.out.push('}');
        self
    }

    /// Opens an array (as a value).
    pub fn begin_array(&mut self) -> &mut Self {
        self.value_start();
        self.out.push('[');
        self.nonempty.push(false);
        self
    }

    /// Closes the innermost array.
    pub fn end_array(&mut self) -> &mut Self {
        self.nonempty.pop();
        self.out.push(']');
        self
    }

    /// An object key; the next call writes its value.
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.value_start();
        escape(&mut self.out, key);
        self.out.push(':');
        // The value that follows is not a new element.
        if let Some(nonempty) = self.nonempty.last_mut() {
            *nonempty = false;
        }
        self
    }

    /// A string value from bytes.
    pub fn bytes(&mut self, value: &[u8]) -> &mut Self {
        self.str(&String::from_utf8_lossy(value))
    }

    /// A string value.
    pub fn str(&mut self, value: &str) -> &mut Self {
        self.value_start();
        escape(&mut self.out, value);
        self
    }

    /// An unsigned number.
    pub fn u64(&mut self, value: u64) -> &mut Self {
        self.value_start();
        let _ = write!(self.out, "{value}");
        self
    }

    /// `true` or `false`.
    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.value_start();
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    /// `null`.
    pub fn null(&mut self) -> &mut Self {
        self.value_start();
        self.out.push_str("null");
        self
    }

    /// A `[key, value]` array of two strings.
    pub fn pair(&mut self, key: &[u8], value: &[u8]) -> &mut Self {
        self.begin_array().bytes(key).bytes(value).end_array()
    }
}

/// Writes `s` as a JSON string literal.
fn escape(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 || c == '\u{7f}' => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escaped.is_empty() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(escaped);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_and_nesting() {
        let mut j = Json::new();
        j.begin_object();
        j.key("a").u64(1).key("b").begin_array().str("x").bool(true).null().end_array();
        j.key("c").begin_object().end_object().key("d").pair(b"k", b"v");
        j.end_object();
        assert_eq!(j.finish(), r#"{"a":1,"b":["x",true,null],"c":{},"d":["k","v"]}"#);
    }

    #[test]
    fn escapes() {
        let mut j = Json::new();
        j.begin_array().bytes(b"q\"\\\n\r\t\x01\x7f\xffz").str("caf\u{e9}").end_array();
        assert_eq!(j.finish(), "[\"q\\\"\\\\\\n\\r\\t\\u0001\\u007f\u{fffd}z\",\"caf\u{e9}\"]");
    }
}
