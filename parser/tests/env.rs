//! Env flattening: the PSGI flavour against HTTP::Parser::XS's recorded
//! output (golden file, no Perl needed at run time), the Rack flavour
//! against Puma's documented behaviour, one test per rule, and properties
//! over generated requests.

use std::collections::BTreeMap;

use proptest::prelude::*;
use springbok_parser::env::{EnvConfig, EnvError, EnvPair, Flavor, Underscores, EMPTY_PAIR};
use springbok_parser::{Header, ObsFold, ParserConfig, Request, Status, EMPTY_HEADER};

type Env = Vec<(Vec<u8>, Vec<u8>)>;

/// Flattens with exactly the storage `sizes` asks for, checking that it is
/// enough and that one byte or pair less is reported precisely.
fn flatten(config: &EnvConfig, req: &Request<'_, '_>) -> Result<Env, EnvError> {
    let sizes = config.sizes(req)?;
    let mut pairs = vec![EMPTY_PAIR; sizes.pairs];
    let mut arena = vec![0u8; sizes.arena];
    let env: Env = {
        let got = config.flatten(req, &mut pairs, &mut arena).expect("exact sizes suffice");
        assert_eq!(got.len(), sizes.pairs);
        got.iter().map(|p| (p.key.to_vec(), p.value.to_vec())).collect()
    };
    if sizes.arena > 0 {
        let mut pairs = vec![EMPTY_PAIR; sizes.pairs];
        let mut short = vec![0u8; sizes.arena - 1];
        assert_eq!(config.flatten(req, &mut pairs, &mut short), Err(EnvError::ArenaTooSmall { needed: sizes.arena }));
    }
    let mut few = vec![EMPTY_PAIR; sizes.pairs - 1];
    let mut arena = vec![0u8; sizes.arena];
    assert_eq!(config.flatten(req, &mut few, &mut arena), Err(EnvError::PairsTooSmall { needed: sizes.pairs }));
    Ok(env)
}

fn parse_with<'b, 'h>(config: &ParserConfig, buf: &'b [u8], headers: &'h mut [Header<'b>]) -> Request<'b, 'h> {
    match config.parse_request(buf, 0, headers) {
        Ok(Status::Complete(req)) => req,
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(buf)),
    }
}

fn env_of(config: &EnvConfig, buf: &[u8]) -> Result<Env, EnvError> {
    let mut headers = [EMPTY_HEADER; 64];
    let parser = ParserConfig::picohttpparser_compatible();
    let req = parse_with(&parser, buf, &mut headers);
    flatten(config, &req)
}

fn get<'e>(env: &'e Env, key: &str) -> Option<&'e [u8]> {
    env.iter().find(|(k, _)| k == key.as_bytes()).map(|(_, v)| v.as_slice())
}

fn keys(env: &Env) -> Vec<String> {
    env.iter().map(|(k, _)| String::from_utf8(k.clone()).unwrap()).collect()
}

fn psgi_allow() -> EnvConfig {
    let mut c = EnvConfig::psgi();
    c.underscores = Underscores::Allow;
    c
}

// ---------------------------------------------------------------------------
// Golden: HTTP::Parser::XS

struct GoldenCase {
    name: String,
    request: Vec<u8>,
    ret: i64,
    env: BTreeMap<Vec<u8>, Vec<u8>>,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn golden() -> Vec<GoldenCase> {
    let text = include_str!("data/psgi_env_golden.txt");
    let mut cases = Vec::new();
    let mut cur: Option<GoldenCase> = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut words = line.splitn(3, ' ');
        match (words.next(), words.next(), words.next()) {
            (Some("case"), Some(name), None) => {
                cur = Some(GoldenCase { name: name.into(), request: vec![], ret: 0, env: BTreeMap::new() })
            }
            (Some("request"), Some(hex), None) => cur.as_mut().unwrap().request = unhex(hex),
            (Some("ret"), Some(ret), None) => cur.as_mut().unwrap().ret = ret.parse().unwrap(),
            (Some("env"), Some(key), value) => {
                cur.as_mut().unwrap().env.insert(key.as_bytes().to_vec(), unhex(value.unwrap_or("")));
            }
            (Some("end"), None, None) => cases.push(cur.take().unwrap()),
            _ => panic!("bad golden line {line:?}"),
        }
    }
    cases
}

/// Where the env deliberately differs from HTTP::Parser::XS 0.17 (see the
/// `env` module docs): (case, key, our value — `None` for absent).
const DEVIATIONS: &[(&str, &str, Option<&[u8]>)] = &[
    // XS copies the decoded path as a C string and stops at the NUL.
    ("encoded_nul", "PATH_INFO", Some(b"/a\0b")),
    // HTTP_CONTENT_TYPE / HTTP_CONTENT_LENGTH are never emitted.
    ("underscore_content_type", "HTTP_CONTENT_TYPE", None),
    ("underscore_content_length", "HTTP_CONTENT_LENGTH", None),
    // The parser trims trailing OWS (RFC 9110 §5.5); XS's picohttpparser does not.
    ("value_whitespace", "HTTP_X_PAD", Some(b"padded")),
];

#[test]
fn psgi_golden_matches_http_parser_xs() {
    let cases = golden();
    assert!(cases.len() >= 45, "golden corpus is {} cases", cases.len());
    for case in &cases {
        let got = env_of(&psgi_allow(), &case.request);
        if case.ret < 0 {
            assert!(
                matches!(got, Err(EnvError::BadPercentEncoding { .. })),
                "{}: XS failed ({}), we gave {got:?}",
                case.name,
                case.ret
            );
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let mut expected = case.env.clone();
        for (_, key, ours) in DEVIATIONS.iter().filter(|d| d.0 == case.name) {
            assert!(expected.remove(key.as_bytes()).is_some(), "{}: stale deviation {key}", case.name);
            if let Some(v) = ours {
                expected.insert(key.as_bytes().to_vec(), v.to_vec());
            }
        }
        let got_map: BTreeMap<Vec<u8>, Vec<u8>> = got.iter().cloned().collect();
        assert_eq!(got_map.len(), got.len(), "{}: duplicate keys in {:?}", case.name, keys(&got));
        if got_map != expected {
            let show = |m: &BTreeMap<Vec<u8>, Vec<u8>>| {
                m.iter()
                    .map(|(k, v)| format!("{}={:?}", String::from_utf8_lossy(k), String::from_utf8_lossy(v)))
                    .collect::<Vec<_>>()
            };
            panic!("{}:\n ours {:#?}\n   xs {:#?}", case.name, show(&got_map), show(&expected));
        }
    }
    // Every deviation names a real case.
    for (name, _, _) in DEVIATIONS {
        assert!(cases.iter().any(|c| c.name == *name), "deviation for unknown case {name}");
    }
}

#[test]
fn psgi_golden_under_default_policy_only_loses_underscore_headers() {
    for case in golden().iter().filter(|c| c.ret >= 0) {
        let has_underscore = case.request.split(|&b| b == b'\n').skip(1).any(|line| {
            let name_end = line.iter().position(|&b| b == b':').unwrap_or(0);
            line[..name_end].contains(&b'_')
        });
        let allow = env_of(&psgi_allow(), &case.request).unwrap();
        let drop = env_of(&EnvConfig::psgi(), &case.request).unwrap();
        if !has_underscore {
            assert_eq!(allow, drop, "{}", case.name);
        } else {
            // Dropping only removes keys or shortens joins, never adds.
            for (k, v) in &drop {
                let a = get(&allow, std::str::from_utf8(k).unwrap()).unwrap();
                assert!(a == v.as_slice() || a.starts_with(v) || a.ends_with(v), "{}", case.name);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// PSGI rules

#[test]
fn psgi_fixed_keys_in_xs_order() {
    let env = env_of(&EnvConfig::psgi(), b"GET /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert_eq!(
        keys(&env),
        ["REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_PROTOCOL", "HTTP_HOST"]
    );
    assert_eq!(get(&env, "SCRIPT_NAME"), Some(&b""[..]));
}

#[test]
fn psgi_path_info_is_percent_decoded() {
    let env = env_of(&EnvConfig::psgi(), b"GET /a%2Fb%20c/%C3%A9?x=%41 HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(get(&env, "PATH_INFO"), Some("/a/b c/é".as_bytes()));
    assert_eq!(get(&env, "QUERY_STRING"), Some(&b"x=%41"[..]), "query stays raw");
    assert_eq!(get(&env, "REQUEST_URI"), Some(&b"/a%2Fb%20c/%C3%A9?x=%41"[..]));
}

#[test]
fn psgi_path_without_escapes_needs_no_arena() {
    let mut headers = [EMPTY_HEADER; 4];
    let req = parse_with(&ParserConfig::new(), b"GET /plain+path HTTP/1.1\r\nHost: h\r\n\r\n", &mut headers);
    let sizes = EnvConfig::psgi().sizes(&req).unwrap();
    assert_eq!(sizes.arena, 0);
    let mut pairs = [EMPTY_PAIR; 8];
    let env = EnvConfig::psgi().flatten(&req, &mut pairs, &mut []).unwrap();
    assert_eq!(env[3], EnvPair { key: b"PATH_INFO", value: b"/plain+path" });
}

#[test]
fn psgi_bad_percent_is_error_with_target_offset() {
    let cases: &[(&[u8], usize)] = &[
        (b"GET /ab%zz HTTP/1.1\r\n\r\n", 3),
        (b"GET /ab%4 HTTP/1.1\r\n\r\n", 3),
        (b"GET /%?q HTTP/1.1\r\n\r\n", 1),
        (b"GET /ok%20/%G0#x HTTP/1.1\r\n\r\n", 7),
    ];
    for (buf, offset) in cases {
        assert_eq!(env_of(&EnvConfig::psgi(), buf), Err(EnvError::BadPercentEncoding { offset: *offset }));
        // Rack leaves the path raw: no error.
        assert!(env_of(&EnvConfig::rack(), buf).is_ok());
    }
    // A bad escape in the query or fragment is not PATH_INFO's business.
    assert!(env_of(&EnvConfig::psgi(), b"GET /a?%zz#%zz HTTP/1.1\r\n\r\n").is_ok());
}

#[test]
fn psgi_fragment_stripped_but_kept_in_request_uri() {
    let env = env_of(&EnvConfig::psgi(), b"GET /p%41?x=1#frag HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(get(&env, "PATH_INFO"), Some(&b"/pA"[..]));
    assert_eq!(get(&env, "QUERY_STRING"), Some(&b"x=1"[..]));
    assert_eq!(get(&env, "REQUEST_URI"), Some(&b"/p%41?x=1#frag"[..]));
    assert_eq!(get(&env, "FRAGMENT"), None);
}

#[test]
fn query_string_empty_without_question_mark() {
    for config in [EnvConfig::psgi(), EnvConfig::rack()] {
        let env = env_of(&config, b"GET /x HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(get(&env, "QUERY_STRING"), Some(&b""[..]));
        let env = env_of(&config, b"GET /x?a?b HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(get(&env, "QUERY_STRING"), Some(&b"a?b"[..]));
    }
}

#[test]
fn server_protocol_follows_version() {
    for (buf, proto) in [(&b"GET / HTTP/1.0\r\n\r\n"[..], &b"HTTP/1.0"[..]), (b"GET / HTTP/1.1\r\n\r\n", b"HTTP/1.1")] {
        for config in [EnvConfig::psgi(), EnvConfig::rack()] {
            assert_eq!(get(&env_of(&config, buf).unwrap(), "SERVER_PROTOCOL"), Some(proto));
        }
    }
}

// ---------------------------------------------------------------------------
// Header rules (both flavours)

#[test]
fn content_type_and_length_are_unprefixed() {
    for config in [EnvConfig::psgi(), EnvConfig::rack()] {
        let env = env_of(&config, b"POST / HTTP/1.1\r\ncOnTeNt-TyPe: a/b\r\nCONTENT-LENGTH: 3\r\n\r\n").unwrap();
        assert_eq!(get(&env, "CONTENT_TYPE"), Some(&b"a/b"[..]));
        assert_eq!(get(&env, "CONTENT_LENGTH"), Some(&b"3"[..]));
        assert!(!keys(&env).iter().any(|k| k.starts_with("HTTP_CONTENT_")));
    }
}

#[test]
fn never_http_content_type_or_length_even_with_allow() {
    let mut rack_allow = EnvConfig::rack();
    rack_allow.underscores = Underscores::Allow;
    for config in [psgi_allow(), rack_allow] {
        let env =
            env_of(&config, b"POST / HTTP/1.1\r\nContent_Type: x\r\ncontent_length: 9\r\nContent-Length: 1\r\n\r\n")
                .unwrap();
        assert_eq!(get(&env, "HTTP_CONTENT_TYPE"), None);
        assert_eq!(get(&env, "HTTP_CONTENT_LENGTH"), None);
        assert_eq!(get(&env, "CONTENT_TYPE"), None);
        assert_eq!(get(&env, "CONTENT_LENGTH"), Some(&b"1"[..]), "the underscore spelling does not join");
    }
}

#[test]
fn http_names_upper_cased_dashes_mapped() {
    let env = env_of(&EnvConfig::psgi(), b"GET / HTTP/1.1\r\nx-my-Header: 1\r\nX.Odd~Name: 2\r\n\r\n").unwrap();
    assert_eq!(get(&env, "HTTP_X_MY_HEADER"), Some(&b"1"[..]));
    assert_eq!(get(&env, "HTTP_X.ODD~NAME"), Some(&b"2"[..]));
}

#[test]
fn duplicates_joined_in_first_seen_position() {
    let env = env_of(&EnvConfig::psgi(), b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\na: 3\r\nC: 4\r\nA: 5\r\n\r\n").unwrap();
    assert_eq!(&keys(&env)[6..], ["HTTP_A", "HTTP_B", "HTTP_C"]);
    assert_eq!(get(&env, "HTTP_A"), Some(&b"1, 3, 5"[..]));
    let env = env_of(&EnvConfig::rack(), b"GET / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n").unwrap();
    assert_eq!(get(&env, "CONTENT_LENGTH"), Some(&b"5, 5"[..]));
}

#[test]
fn many_headers_duplicates_found_past_the_key_filter() {
    // 3000 distinct names fill much of the 4096-bit repeat filter, so many
    // headers take the comparing path; a few names come back far apart.
    let mut buf = b"GET / HTTP/1.1\r\n".to_vec();
    let mut expected = BTreeMap::new();
    for i in 0..3000 {
        buf.extend_from_slice(format!("X-Name-{i}: v{i}\r\n").as_bytes());
        expected.insert(format!("HTTP_X_NAME_{i}"), format!("v{i}"));
    }
    for i in [0, 1023, 2999] {
        buf.extend_from_slice(format!("x-name-{i}: again\r\n").as_bytes());
        expected.insert(format!("HTTP_X_NAME_{i}"), format!("v{i}, again"));
    }
    buf.extend_from_slice(b"\r\n");
    let mut headers = vec![EMPTY_HEADER; 4000];
    let req = parse_with(&ParserConfig::default(), &buf, &mut headers);
    let env = flatten(&EnvConfig::rack(), &req).unwrap();
    let http: BTreeMap<String, String> = env
        .iter()
        .filter(|(k, _)| k.starts_with(b"HTTP_X_NAME_"))
        .map(|(k, v)| (String::from_utf8(k.clone()).unwrap(), String::from_utf8(v.clone()).unwrap()))
        .collect();
    assert_eq!(http, expected);
    assert_eq!(env.len(), 3000 + 9 - 1, "one pair per key (no FRAGMENT)");
}

#[test]
fn repeated_names_among_few_headers_are_joined() {
    let env = env_of(&EnvConfig::rack(), b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\na: 3\r\nC: 4\r\nb: 5\r\n\r\n").unwrap();
    assert_eq!(get(&env, "HTTP_A"), Some(&b"1, 3"[..]));
    assert_eq!(get(&env, "HTTP_B"), Some(&b"2, 5"[..]));
    assert_eq!(get(&env, "HTTP_C"), Some(&b"4"[..]));
}

#[test]
fn common_names_use_no_arena() {
    let buf = b"GET / HTTP/1.1\r\nHost: h\r\nuser-agent: u\r\nACCEPT: */*\r\nAccept-Encoding: gzip\r\n\
                Accept-Language: en\r\nConnection: close\r\nCookie: a=b\r\nReferer: r\r\nX-Forwarded-For: f\r\n\
                Content-Type: t\r\nContent-Length: 0\r\nSec-Fetch-Mode: cors\r\nIf-None-Match: e\r\n\r\n";
    let mut headers = [EMPTY_HEADER; 16];
    let req = parse_with(&ParserConfig::new(), buf, &mut headers);
    for config in [EnvConfig::psgi(), EnvConfig::rack()] {
        assert_eq!(config.sizes(&req).unwrap().arena, 0);
    }
    // An uncommon name costs `HTTP_` plus its length.
    let mut headers = [EMPTY_HEADER; 4];
    let req = parse_with(&ParserConfig::new(), b"GET / HTTP/1.1\r\nX-Rare: 1\r\n\r\n", &mut headers);
    assert_eq!(EnvConfig::psgi().sizes(&req).unwrap().arena, 11);
}

#[test]
fn obs_fold_pieces_joined_with_one_space() {
    let buf = b"GET / HTTP/1.1\r\nX-F: a\r\n  b\r\n\tc\r\nX-F: d\r\n\r\n";
    for obs_fold in [ObsFold::Continuation, ObsFold::Span] {
        let mut parser = ParserConfig::new();
        parser.obs_fold = obs_fold;
        let mut headers = [EMPTY_HEADER; 8];
        let req = parse_with(&parser, buf, &mut headers);
        for config in [EnvConfig::psgi(), EnvConfig::rack()] {
            let env = flatten(&config, &req).unwrap();
            assert_eq!(get(&env, "HTTP_X_F"), Some(&b"a b c, d"[..]), "{obs_fold:?}");
        }
    }
}

#[test]
fn obs_fold_of_dropped_header_is_dropped() {
    let mut parser = ParserConfig::new();
    parser.obs_fold = ObsFold::Continuation;
    let mut headers = [EMPTY_HEADER; 8];
    let req = parse_with(&parser, b"GET / HTTP/1.1\r\nX_U: a\r\n b\r\nX-K: k\r\n\r\n", &mut headers);
    let env = flatten(&EnvConfig::psgi(), &req).unwrap();
    assert_eq!(&keys(&env)[6..], ["HTTP_X_K"]);
    assert_eq!(get(&env, "HTTP_X_K"), Some(&b"k"[..]));
}

// ---------------------------------------------------------------------------
// Underscore policy

const SPOOF: &[u8] = b"GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\nX_Forwarded_For: 6.6.6.6\r\nX_Other: o\r\n\r\n";

#[test]
fn underscores_drop_is_default() {
    assert_eq!(EnvConfig::psgi().underscores, Underscores::Drop);
    assert_eq!(EnvConfig::rack().underscores, Underscores::Drop);
    for config in [EnvConfig::psgi(), EnvConfig::rack()] {
        let env = env_of(&config, SPOOF).unwrap();
        assert_eq!(get(&env, "HTTP_X_FORWARDED_FOR"), Some(&b"10.0.0.1"[..]));
        assert_eq!(get(&env, "HTTP_X_OTHER"), None);
    }
}

#[test]
fn underscores_reject_names_the_header() {
    for flavor in [Flavor::Psgi, Flavor::Rack] {
        let mut config = if flavor == Flavor::Psgi { EnvConfig::psgi() } else { EnvConfig::rack() };
        config.underscores = Underscores::Reject;
        assert_eq!(env_of(&config, SPOOF), Err(EnvError::UnderscoreHeader { index: 1 }));
        assert!(env_of(&config, b"GET / HTTP/1.1\r\nX-Ok: 1\r\n\r\n").is_ok());
    }
}

#[test]
fn underscores_allow_joins_like_xs() {
    let env = env_of(&psgi_allow(), SPOOF).unwrap();
    assert_eq!(get(&env, "HTTP_X_FORWARDED_FOR"), Some(&b"10.0.0.1, 6.6.6.6"[..]));
    assert_eq!(get(&env, "HTTP_X_OTHER"), Some(&b"o"[..]));
}

// ---------------------------------------------------------------------------
// Rack flavour (Puma)

#[test]
fn rack_keys_and_raw_path() {
    let env = env_of(&EnvConfig::rack(), b"GET /a%2Fb/c?x=%41 HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert_eq!(
        keys(&env),
        [
            "REQUEST_METHOD",
            "REQUEST_URI",
            "SCRIPT_NAME",
            "PATH_INFO",
            "QUERY_STRING",
            "SERVER_PROTOCOL",
            "REQUEST_PATH",
            "HTTP_VERSION",
            "HTTP_HOST"
        ]
    );
    assert_eq!(get(&env, "PATH_INFO"), Some(&b"/a%2Fb/c"[..]));
    assert_eq!(get(&env, "REQUEST_PATH"), Some(&b"/a%2Fb/c"[..]));
    assert_eq!(get(&env, "QUERY_STRING"), Some(&b"x=%41"[..]));
    assert_eq!(get(&env, "HTTP_VERSION"), Some(&b"HTTP/1.1"[..]));
}

#[test]
fn rack_fragment_split_off_request_uri() {
    let env = env_of(&EnvConfig::rack(), b"GET /p?q=1#top HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(get(&env, "REQUEST_URI"), Some(&b"/p?q=1"[..]));
    assert_eq!(get(&env, "FRAGMENT"), Some(&b"top"[..]));
    assert_eq!(get(&env, "PATH_INFO"), Some(&b"/p"[..]));
    assert_eq!(get(&env, "HTTP_VERSION"), Some(&b"HTTP/1.0"[..]));
    let env = env_of(&EnvConfig::rack(), b"GET /p HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(get(&env, "FRAGMENT"), None);
    let env = env_of(&EnvConfig::rack(), b"GET /p# HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(get(&env, "FRAGMENT"), Some(&b""[..]));
}

#[test]
fn rack_absolute_form_and_asterisk() {
    let env = env_of(&EnvConfig::rack(), b"GET http://h:8080/p/a%20th?x=1 HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(get(&env, "REQUEST_URI"), Some(&b"http://h:8080/p/a%20th?x=1"[..]));
    assert_eq!(get(&env, "PATH_INFO"), Some(&b"/p/a%20th"[..]));
    assert_eq!(get(&env, "QUERY_STRING"), Some(&b"x=1"[..]));
    let env = env_of(&EnvConfig::rack(), b"OPTIONS * HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(get(&env, "PATH_INFO"), Some(&b"*"[..]));
    let env = env_of(&EnvConfig::rack(), b"CONNECT example.com:443 HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(get(&env, "PATH_INFO"), Some(&b""[..]));
    assert_eq!(get(&env, "REQUEST_URI"), Some(&b"example.com:443"[..]));
}

#[test]
fn rack_http_version_option_and_version_header() {
    let buf = b"GET / HTTP/1.1\r\nVersion: spoof\r\n\r\n";
    let env = env_of(&EnvConfig::rack(), buf).unwrap();
    assert_eq!(get(&env, "HTTP_VERSION"), Some(&b"HTTP/1.1"[..]), "Puma overwrites the client's Version header");
    assert_eq!(env.iter().filter(|(k, _)| k == b"HTTP_VERSION").count(), 1);
    let mut config = EnvConfig::rack();
    config.rack_http_version = false;
    let env = env_of(&config, buf).unwrap();
    assert_eq!(get(&env, "HTTP_VERSION"), Some(&b"spoof"[..]));
    // PSGI never emits HTTP_VERSION itself.
    assert_eq!(get(&env_of(&EnvConfig::psgi(), buf).unwrap(), "HTTP_VERSION"), Some(&b"spoof"[..]));
}

#[test]
fn max_pairs_bounds_every_request() {
    let buf = b"GET /p#f HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let mut headers = [EMPTY_HEADER; 3];
    let req = parse_with(&ParserConfig::picohttpparser_compatible(), buf, &mut headers);
    for config in [EnvConfig::psgi(), EnvConfig::rack()] {
        assert!(config.sizes(&req).unwrap().pairs <= EnvConfig::max_pairs(3));
    }
}

// ---------------------------------------------------------------------------
// Properties

const NAMES: &[&str] = &[
    "Host",
    "host",
    "X-Foo",
    "x_foo",
    "X_FOO",
    "Content-Type",
    "content_type",
    "Content-Length",
    "CONTENT_LENGTH",
    "Version",
    "Accept",
    "X-Very-Rare-Name",
    "a",
    "A",
    "_",
    "-",
    "x.y",
];

fn request_bytes() -> impl Strategy<Value = Vec<u8>> {
    let target = proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(b"abc/?#%+=&.;:@*".to_vec()),
            1 => proptest::sample::select(b"0123456789ABCDEFabcdefgz".to_vec()),
            1 => 0x80u8..=0xff,
        ],
        0..24,
    );
    let value = proptest::collection::vec(
        prop_oneof![8 => 0x21u8..0x7f, 1 => Just(b' '), 1 => Just(b'\t'), 1 => 0x80u8..=0xff],
        0..12,
    );
    let line = prop_oneof![
        6 => (proptest::sample::select(NAMES), value.clone()).prop_map(|(n, v)| {
            let mut l = n.as_bytes().to_vec();
            l.extend_from_slice(b": ");
            l.extend(v);
            l
        }),
        1 => value.prop_map(|v| {
            let mut l = b" ".to_vec();
            l.extend(v);
            l
        }),
    ];
    (any::<bool>(), target, proptest::collection::vec(line, 0..10)).prop_map(|(v10, target, lines)| {
        let mut out = b"GET /".to_vec();
        out.extend(target);
        out.extend_from_slice(if v10 { b" HTTP/1.0\r\n" } else { b" HTTP/1.1\r\n" });
        for l in lines {
            out.extend(l);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    })
}

fn all_configs() -> Vec<EnvConfig> {
    let mut out = Vec::new();
    for base in [EnvConfig::psgi(), EnvConfig::rack()] {
        for underscores in [Underscores::Drop, Underscores::Reject, Underscores::Allow] {
            for http_version in [false, true] {
                let mut c = base;
                c.underscores = underscores;
                c.rack_http_version = http_version;
                out.push(c);
            }
        }
    }
    out
}

fn check_env(config: &EnvConfig, req: &Request<'_, '_>) {
    let env = match flatten(config, req) {
        Ok(env) => env,
        Err(EnvError::BadPercentEncoding { offset }) => {
            assert_eq!(config.flavor, Flavor::Psgi);
            assert_eq!(req.target[offset], b'%');
            return;
        }
        Err(EnvError::UnderscoreHeader { index }) => {
            assert_eq!(config.underscores, Underscores::Reject);
            assert!(req.headers[index].name.contains(&b'_'));
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert!(env.len() <= EnvConfig::max_pairs(req.headers.len()));
    let mut seen = std::collections::HashSet::new();
    for (k, v) in &env {
        assert!(seen.insert(k.clone()), "duplicate key {}", String::from_utf8_lossy(k));
        assert!(!k.is_empty());
        assert_ne!(k.as_slice(), b"HTTP_CONTENT_TYPE");
        assert_ne!(k.as_slice(), b"HTTP_CONTENT_LENGTH");
        assert!(!k.iter().any(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'\r' | b'\n' | 0)));
        if config.underscores != Underscores::Allow && k.starts_with(b"HTTP_") && k != b"HTTP_VERSION" {
            // Only dashes become underscores: the name had no `_` of its own.
            assert!(req.headers.iter().any(|h| h.name.len() + 5 == k.len() && !h.name.contains(&b'_')));
        }
        // Only a decoded PATH_INFO may carry control bytes.
        if !(config.flavor == Flavor::Psgi && k == b"PATH_INFO") {
            assert!(!v.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)), "{}", String::from_utf8_lossy(k));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_accepted_request_flattens_with_unique_keys(buf in request_bytes()) {
        let mut fold = ParserConfig::picohttpparser_compatible();
        fold.allow_bare_lf = false;
        let mut span = fold;
        span.obs_fold = ObsFold::Span;
        for parser in [ParserConfig::new(), ParserConfig::picohttpparser_compatible(), span] {
            let mut headers = [EMPTY_HEADER; 16];
            if let Ok(Status::Complete(req)) = parser.parse_request(&buf, 0, &mut headers) {
                for config in all_configs() {
                    check_env(&config, &req);
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(buf in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut input = b"GET /".to_vec();
        input.extend(buf);
        input.extend_from_slice(b"\r\n\r\n");
        let mut headers = [EMPTY_HEADER; 16];
        if let Ok(Status::Complete(req)) = ParserConfig::picohttpparser_compatible().parse_request(&input, 0, &mut headers) {
            for config in all_configs() {
                check_env(&config, &req);
            }
        }
    }
}
