//! Env flattening of any request the parser accepts: the size query is
//! exact (flattening into exactly that much storage succeeds), keys are
//! unique, nothing but PSGI's decoded PATH_INFO carries CR, LF or NUL, a
//! plan writes what flatten does, and skipping the fold search for a parser
//! that leaves no raw folds changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::{config, take};
use springbok_parser::env::{EnvConfig, EnvError, EnvPair, Underscores};
use springbok_parser::{Status, EMPTY_HEADER};

fuzz_target!(|data: &[u8]| {
    let ([flags, limits, env], buf) = take::<3>(data);
    let config = config(flags, limits);
    let mut headers = [EMPTY_HEADER; 16];
    let Ok(Status::Complete(req)) = config.parse_request(buf, 0, &mut headers) else { return };
    let mut env_config = if env & 1 == 0 { EnvConfig::psgi() } else { EnvConfig::rack() };
    env_config.underscores = [Underscores::Drop, Underscores::Reject, Underscores::Allow][usize::from(env >> 1) % 3];
    let sizes = match env_config.sizes(&req) {
        Ok(s) => s,
        Err(EnvError::BadPercentEncoding { .. } | EnvError::UnderscoreHeader { .. }) => return,
        Err(e) => panic!("size query failed: {e:?}"),
    };
    let mut pairs = vec![EnvPair { key: b"", value: b"" }; sizes.pairs];
    let mut arena = vec![0u8; sizes.arena];
    let env = env_config.flatten(&req, &mut pairs, &mut arena).expect("flatten into the queried sizes");
    assert_eq!(env.len(), sizes.pairs);
    let mut keys: Vec<&[u8]> = env.iter().map(|p| p.key).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), env.len(), "duplicate keys");
    for p in env {
        assert!(
            !p.key.is_empty()
                && p.key
                    .iter()
                    .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b.is_ascii_punctuation())
        );
        assert!(p.key != b"HTTP_CONTENT_TYPE" && p.key != b"HTTP_CONTENT_LENGTH");
        if p.key != b"PATH_INFO" {
            assert!(!p.value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0), "{:?}", p);
        }
    }
    // Planned, then written: the same sizes and pairs.
    let plan = env_config.plan(&req).expect("plan as flatten");
    assert_eq!(plan.sizes(), sizes);
    let mut planned_arena = vec![0u8; sizes.arena];
    let mut planned = Vec::new();
    plan.write(&mut planned_arena, |p| planned.push((p.key.to_vec(), p.value.to_vec()))).expect("write the plan");
    let flat: Vec<(Vec<u8>, Vec<u8>)> = env.iter().map(|p| (p.key.to_vec(), p.value.to_vec())).collect();
    assert_eq!(planned, flat);
    // Skipping the fold search is right for every parser but ObsFold::Span.
    let for_parser = env_config.for_parser(&config);
    if !for_parser.raw_folds {
        let mut pairs = vec![EnvPair { key: b"", value: b"" }; sizes.pairs];
        let mut arena = vec![0u8; sizes.arena];
        let same = for_parser.flatten(&req, &mut pairs, &mut arena).expect("flatten without the fold search");
        assert_eq!(same, env);
    }
    // One pair short fails cleanly rather than truncating.
    if sizes.pairs > 0 {
        let mut short = vec![EnvPair { key: b"", value: b"" }; sizes.pairs - 1];
        let mut arena = vec![0u8; sizes.arena];
        assert!(env_config.flatten(&req, &mut short, &mut arena).is_err());
    }
});
