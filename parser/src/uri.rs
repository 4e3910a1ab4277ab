//! The URI syntax a request needs beyond its byte classes: which form a
//! request-target takes and whether that form fits the method (RFC 9112
//! §3.2), and the `uri-host [ ":" port ]` of a Host field (RFC 9110 §7.2)
//! with RFC 3986 §3.2.2's IP literals.
//!
//! None of this is on the hot path: the fast request line takes only
//! origin-form targets of methods other than CONNECT, which need no check
//! here; every other target comes through [`check_target`] from the general
//! grammar, and Host values through the framing pass.

use crate::class::{self, TARGET};
use crate::error::ErrorKind;
use crate::ParserConfig;

/// Whether a request with `method` may use `target` (complete, as the
/// scanner accepted it), and the form's own syntax:
///
/// * origin-form (`/path?query`): any method but CONNECT;
/// * asterisk-form (`*`): OPTIONS only, unless
///   [`allow_asterisk_form_any_method`](ParserConfig::allow_asterisk_form_any_method);
/// * authority-form (`host:port`): CONNECT, which may use nothing else;
/// * absolute-form (`scheme:...`): any method but CONNECT.
///
/// A form that does not fit is [`ErrorKind::TargetForm`], as is any CONNECT
/// target that is not a valid `host:port`; an absolute-form authority whose
/// host or port is malformed, or an IP literal outside a host, is
/// [`ErrorKind::Target`]. With
/// [`allow_loose_target`](ParserConfig::allow_loose_target) the bytes of the
/// host, user info, path and query are not checked, only the form's shape.
/// `bracket`: the strict scanner took an IP literal somewhere in `target`.
pub(crate) fn check_target(
    method: &[u8],
    target: &[u8],
    config: &ParserConfig,
    bracket: bool,
) -> Result<(), ErrorKind> {
    let strict = !config.allow_loose_target;
    if method == b"CONNECT" {
        return if authority_form(target, strict) { Ok(()) } else { Err(ErrorKind::TargetForm) };
    }
    match target {
        [b'/', ..] if strict && bracket => Err(ErrorKind::Target),
        [b'/', ..] => Ok(()),
        b"*" if method == b"OPTIONS" || config.allow_asterisk_form_any_method => Ok(()),
        _ => match scheme_len(target) {
            Some(n) if !strict || absolute_rest(&target[n + 1..]) => Ok(()),
            Some(_) => Err(ErrorKind::Target),
            None => Err(ErrorKind::TargetForm),
        },
    }
}

fn has_bracket(s: &[u8]) -> bool {
    memchr::memchr2(b'[', b']', s).is_some()
}

/// `authority-form = uri-host ":" port` with a non-empty host and port
/// (RFC 9110 §9.3.6: a client MUST send a port).
fn authority_form(target: &[u8], strict: bool) -> bool {
    let Some((host, port)) = split_port(target) else { return false };
    if host.is_empty() || port.is_empty() {
        return false;
    }
    if strict {
        is_host(host)
    } else {
        !host.iter().any(|b| matches!(b, b'/' | b'?' | b'#' | b'@'))
    }
}

/// `host` and `port` of `host [ ":" port ]`, the port being all digits
/// (possibly none), or `None` when what follows the host is not `":"
/// *DIGIT`. The host is an IP literal when the value starts with `[`.
fn split_port(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let host_end = match s.first() {
        Some(b'[') => memchr::memchr(b']', s)? + 1,
        _ => memchr::memchr(b':', s).unwrap_or(s.len()),
    };
    let (host, rest) = s.split_at(host_end);
    let port = match rest {
        [] => return Some((host, rest)),
        [b':', port @ ..] => port,
        _ => return None,
    };
    port.iter().all(u8::is_ascii_digit).then_some((host, port))
}

/// The length of `scheme` in `scheme ":" ...`, or `None` when `s` does not
/// start with `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`.
fn scheme_len(s: &[u8]) -> Option<usize> {
    let colon = memchr::memchr(b':', s)?;
    let scheme = &s[..colon];
    let ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    ok.then_some(colon)
}

/// What follows `scheme ":"` in an absolute-form target whose bytes the
/// strict scanner accepted: with `//`, an authority with a valid host and
/// port; IP-literal brackets nowhere but around that host.
fn absolute_rest(rest: &[u8]) -> bool {
    let Some(after) = rest.strip_prefix(b"//") else { return !has_bracket(rest) };
    let end = memchr::memchr2(b'/', b'?', after).unwrap_or(after.len());
    let (authority, path) = after.split_at(end);
    // User info holds no `@`: a second one is in the host, which rejects it.
    let host_port = match memchr::memchr(b'@', authority) {
        Some(at) if has_bracket(&authority[..at]) => return false,
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    matches!(split_port(host_port), Some((host, _)) if is_host(host)) && !has_bracket(path)
}

/// `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2–3.2.3): the
/// value of a Host field. Empty is valid (a target URI without an
/// authority, RFC 9112 §3.2).
pub(crate) fn is_host_port(value: &[u8]) -> bool {
    matches!(split_port(value), Some((host, _)) if is_host(host))
}

/// `host = IP-literal / IPv4address / reg-name`. An IPv4 address is also a
/// reg-name, so two cases remain.
fn is_host(host: &[u8]) -> bool {
    match host {
        [b'[', ..] => is_ip_literal(host),
        _ => is_reg_name(host),
    }
}

/// `reg-name = *( unreserved / pct-encoded / sub-delims )`.
fn is_reg_name(s: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match b {
            b'%' => match s.get(i + 1..i + 3) {
                Some([h1, h2]) if h1.is_ascii_hexdigit() && h2.is_ascii_hexdigit() => i += 3,
                _ => return false,
            },
            _ if is_unreserved_or_sub_delim(b) => i += 1,
            _ => return false,
        }
    }
    true
}

/// `unreserved / sub-delims`: the strict target class without `:`, `@`,
/// `/` and `?`.
fn is_unreserved_or_sub_delim(b: u8) -> bool {
    class::is(b, TARGET) && !matches!(b, b':' | b'@' | b'/' | b'?')
}

/// Whether `b` may appear between the brackets of an IP literal:
/// `unreserved / sub-delims / ":"` (IPvFuture's set, a superset of
/// IPv6address's).
pub(crate) fn is_ip_literal_byte(b: u8) -> bool {
    b == b':' || is_unreserved_or_sub_delim(b)
}

/// `IP-literal = "[" ( IPv6address / IPvFuture ) "]"`.
pub(crate) fn is_ip_literal(s: &[u8]) -> bool {
    match s {
        [b'[', inner @ .., b']'] => is_ipv6(inner) || is_ipv_future(inner),
        _ => false,
    }
}

/// `IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`.
fn is_ipv_future(s: &[u8]) -> bool {
    let [b'v' | b'V', rest @ ..] = s else { return false };
    let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    match rest[digits..] {
        [b'.', ref tail @ ..] => digits > 0 && !tail.is_empty() && tail.iter().all(|&b| is_ip_literal_byte(b)),
        _ => false,
    }
}

/// RFC 3986's `IPv6address`: eight 16-bit groups of 1–4 hex digits
/// separated by `:`, the last two possibly written as an IPv4 address, with
/// one run of zero groups possibly compressed to `::`.
fn is_ipv6(s: &[u8]) -> bool {
    match s.windows(2).position(|w| w == b"::") {
        None => groups(s, true) == Some(8),
        Some(i) => {
            let (left, right) = (&s[..i], &s[i + 2..]);
            match (groups(left, false), groups(right, true)) {
                (Some(l), Some(r)) => l + r <= 7,
                _ => false,
            }
        }
    }
}

/// How many 16-bit groups `s` (`h16 *( ":" h16 )`, or empty) spells, an
/// IPv4 address at the end counting two when `v4_last`; `None` when it is
/// malformed.
fn groups(s: &[u8], v4_last: bool) -> Option<usize> {
    if s.is_empty() {
        return Some(0);
    }
    let mut n = 0;
    let mut parts = s.split(|&b| b == b':').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if last && v4_last && part.contains(&b'.') {
            return is_ipv4(part).then_some(n + 2);
        }
        if part.is_empty() || part.len() > 4 || !part.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// `IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet`,
/// each octet 0–255 without leading zeros.
fn is_ipv4(s: &[u8]) -> bool {
    let mut octets = 0;
    for part in s.split(|&b| b == b'.') {
        let ok = match part {
            [b'0'..=b'9'] => true,
            [b'1'..=b'9', rest @ ..] if rest.len() <= 2 && rest.iter().all(u8::is_ascii_digit) => {
                part.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')) <= 255
            }
            _ => false,
        };
        if !ok {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses() {
        for good in [
            "::",
            "::1",
            "1::",
            "2001:db8::1",
            "2001:DB8:0:0:8:800:200C:417A",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4",
            "::ffff:192.0.2.128",
            "1::1.2.3.4",
            "::0:1:2:3:4:5:6",
        ] {
            assert!(is_ipv6(good.as_bytes()), "{good}");
        }
        for bad in [
            "",
            ":",
            ":::",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "12345::",
            ":1::",
            "1::2:",
            "g::",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1.2.3.4::",
            "::1.2.3",
            "::256.1.1.1",
            "::01.1.1.1",
            "1:2:3:4:5:6:7:8::",
            "::1:2:3:4:5:6:7:8",
        ] {
            assert!(!is_ipv6(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn ip_literals_and_ipv_future() {
        assert!(is_ip_literal(b"[2001:db8::1]"));
        assert!(is_ip_literal(b"[v1.fe80::a+en1]"));
        assert!(is_ip_literal(b"[V7f.x]"));
        for bad in ["[]", "[v.x]", "[v1.]", "[v1x]", "2001:db8::1", "[2001:db8::1", "[::1]]", "[fe80::1%25en0]"] {
            assert!(!is_ip_literal(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn host_values() {
        for good in
            ["", "a", "a.example", "a.example:80", "a:", "[::1]", "[::1]:443", "1.2.3.4:8", "%41b", "a!$&'()*+,;=-._~"]
        {
            assert!(is_host_port(good.as_bytes()), "{good}");
        }
        for bad in [
            "a b",
            "a/b",
            "a@b",
            "a:b",
            "\u{ff}a\u{ff}",
            "a:8:8",
            "[::1",
            "[::1]x",
            "[::1]:x",
            "::1",
            "%4",
            "%zz",
            "a?",
        ] {
            assert!(!is_host_port(bad.as_bytes()), "{bad}");
        }
        assert!(!is_host_port(b"\xffa\xff"));
    }
}
