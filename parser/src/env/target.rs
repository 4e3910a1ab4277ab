//! The request-target split into the parts the env flavours use: PSGI as
//! HTTP::Parser::XS splits it, Rack as Puma (and Ruby's `URI.parse`) does.

/// The target split into the parts the flavours use.
#[derive(Clone, Copy)]
pub(super) struct Target<'b> {
    pub(super) uri: &'b [u8],
    pub(super) path: &'b [u8],
    pub(super) query: &'b [u8],
    pub(super) fragment: Option<&'b [u8]>,
}

fn split_at_byte(s: &[u8], b: u8) -> (&[u8], Option<&[u8]>) {
    match memchr::memchr(b, s) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

/// RFC 3986 `scheme ":"` at the start of `s`: the length of the scheme.
fn scheme_len(s: &[u8]) -> Option<usize> {
    let colon = memchr::memchr(b':', s)?;
    let scheme = &s[..colon];
    let ok = scheme.first()?.is_ascii_alphabetic()
        && scheme.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    ok.then_some(colon)
}

impl<'b> Target<'b> {
    /// HTTP::Parser::XS: cut at `#`, then split at the first `?`. Also
    /// says whether the path holds a `%`: the path ends at the first `?` or
    /// `#`, so one search for the three finds it, and the `%`s on the way.
    pub(super) fn psgi(target: &'b [u8]) -> (Target<'b>, bool) {
        let find = |from: usize, a, b, c| crate::simd::find_any3(&target[from..], a, b, c).map(|i| from + i);
        let mut percent = false;
        let end = match find(0, b'?', b'#', b'%') {
            Some(i) if target[i] == b'%' => {
                percent = true;
                // A `%` is known to be there; only the end is left.
                find(i + 1, b'?', b'#', b'#')
            }
            end => end,
        };
        let Some(end) = end else {
            return (Target { uri: target, path: target, query: b"", fragment: None }, percent);
        };
        let path = &target[..end];
        let (query, fragment) = if target[end] == b'#' {
            (&b""[..], Some(&target[end + 1..]))
        } else {
            match find(end + 1, b'#', b'#', b'#') {
                Some(hash) => (&target[end + 1..hash], Some(&target[hash + 1..])),
                None => (&target[end + 1..], None),
            }
        };
        (Target { uri: target, path, query, fragment }, percent)
    }

    /// Puma: `REQUEST_URI` and `FRAGMENT` split at `#`; the path of an
    /// origin-form target is before `?`; other forms go through Ruby's
    /// `URI.parse` in `normalize_env`, whose path and query are reproduced
    /// here (`*` is its own path; `scheme://authority/path?query`;
    /// an opaque `scheme:rest`, which includes authority-form `host:port`,
    /// has no path and no query).
    pub(super) fn rack(target: &'b [u8]) -> Target<'b> {
        let (uri, fragment) = split_at_byte(target, b'#');
        let (path, query) = if uri.first() == Some(&b'/') || uri == b"*" {
            split_at_byte(uri, b'?')
        } else if let Some(colon) = scheme_len(uri) {
            let after = &uri[colon + 1..];
            if let Some(hier) = after.strip_prefix(b"//") {
                let auth_end = hier.iter().position(|&b| b == b'/' || b == b'?').unwrap_or(hier.len());
                split_at_byte(&hier[auth_end..], b'?')
            } else {
                (&b""[..], None)
            }
        } else {
            split_at_byte(uri, b'?')
        };
        Target { uri, path, query: query.unwrap_or(b""), fragment }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psgi_target_split_agrees_with_splitting_twice() {
        // Every string of up to 6 bytes over the bytes that matter.
        let alphabet = b"a?#%";
        let mut target = std::vec::Vec::new();
        for len in 0..=6u32 {
            for n in 0..4usize.pow(len) {
                target.clear();
                target.extend((0..len).map(|i| alphabet[n / 4usize.pow(i) % 4]));
                let (before, fragment) = split_at_byte(&target, b'#');
                let (path, query) = split_at_byte(before, b'?');
                let (t, percent) = Target::psgi(&target);
                assert_eq!((t.uri, t.path, t.query, t.fragment), (&target[..], path, query.unwrap_or(b""), fragment));
                assert_eq!(percent, path.contains(&b'%'), "{target:?}");
            }
        }
    }

    #[test]
    fn rack_target_forms() {
        let t = Target::rack(b"http://h:1/p/q?x=1#f");
        assert_eq!(
            (t.uri, t.path, t.query, t.fragment),
            (&b"http://h:1/p/q?x=1"[..], &b"/p/q"[..], &b"x=1"[..], Some(&b"f"[..]))
        );
        let t = Target::rack(b"http://h?x");
        assert_eq!((t.path, t.query), (&b""[..], &b"x"[..]));
        let t = Target::rack(b"example.com:443");
        assert_eq!((t.path, t.query), (&b""[..], &b""[..]));
        let t = Target::rack(b"*");
        assert_eq!((t.path, t.query, t.fragment), (&b"*"[..], &b""[..], None));
    }
}
