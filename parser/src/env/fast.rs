//! The header pairs of a usual request in two lean passes: every header
//! with its own key, none folded, no `_` in a name. Anything else (a
//! repeated key, an obs-fold, an underscore name, more than [`MAX_HEADERS`]
//! headers) makes [`classify`] decline, and the general walk in `env.rs`,
//! which is the definition, does the request instead; the two agree on
//! every request the fast path takes (see the tests).
//!
//! A name is recognised by its length and its first and last 8 bytes with
//! bit 5 set (ASCII letters lower-cased): those pick one candidate in a
//! table built at compile time, and the candidate is confirmed by comparing
//! the same words (plus the middle ones of names over 16 bytes). Keys seen
//! are a bit set for static keys and a small hash table for generated ones.

use super::keys::{code_name, eq_bytes, has_control, load, map_word, maps_to, same_key, word, CODES, KEY_GENERATED};
use super::Ctx;
use crate::Header;

/// Most headers the fast path takes (bit-set and table sizes follow).
pub(super) const MAX_HEADERS: usize = 128;

/// Longest name with a static key, plus one (`code_name` lengths are below).
const MAX_STATIC: usize = 32;

const ONES: u64 = 0x0101_0101_0101_0101;

/// Bit 5 of every byte set: ASCII upper-case letters become lower case;
/// `-`, digits and lower-case letters stay. A control byte can fold onto
/// `-` or a digit, so a match is confirmed free of them.
const LOWER: u64 = ONES * 0x20;

/// What a static key's name is compared with: its length and the folded
/// first, last and middle words (names of 17 to 31 bytes have one or two
/// middle words; unused ones are zero).
#[derive(Clone, Copy)]
struct Shape {
    len: u8,
    /// The name has a `-` or a digit, which a control byte folds onto.
    folds_onto: bool,
    first: u64,
    last: u64,
    middle: [u64; 2],
}

/// The folded first and last words of a name of `len` bytes (overlapping
/// for names of 8 to 16 bytes; the same zero-padded word below 8).
#[inline(always)]
const fn ends(name: &[u8]) -> (u64, u64) {
    let len = name.len();
    if len >= 8 {
        (word(name, 0) | LOWER, word(name, len - 8) | LOWER)
    } else {
        let w = short_word(name) | (LOWER & mask(len));
        (w, w)
    }
}

/// A name of fewer than 8 bytes as one zero-padded word: from 4 bytes on,
/// two overlapping 4-byte loads (the overlap ORs equal bytes).
#[inline(always)]
const fn short_word(name: &[u8]) -> u64 {
    let len = name.len();
    if len >= 4 {
        let lo = u32::from_le_bytes(*first4(name));
        let hi = u32::from_le_bytes(*first4(name.split_at(len - 4).1));
        lo as u64 | ((hi as u64) << (8 * (len - 4)))
    } else {
        load(name, 0)
    }
}

/// The first 4 bytes of `s` (at least 4 long).
#[inline(always)]
const fn first4(s: &[u8]) -> &[u8; 4] {
    match s.first_chunk::<4>() {
        Some(w) => w,
        None => panic!("first4: fewer than 4 bytes"),
    }
}

/// The low `len` bytes of a word (`len` < 8).
#[inline(always)]
const fn mask(len: usize) -> u64 {
    (1u64 << (8 * len)) - 1
}

/// The folded middle words of a name over 16 bytes (`word` at 8 and 16).
#[inline(always)]
const fn middle(name: &[u8]) -> [u64; 2] {
    let len = name.len();
    let mut out = [0u64; 2];
    if len > 16 {
        out[0] = word(name, 8) | LOWER;
    }
    if len > 24 {
        out[1] = word(name, 16) | LOWER;
    }
    out
}

#[inline(always)]
const fn slot(len: usize, first: u64, last: u64) -> usize {
    let h = (first ^ last.rotate_left(29) ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - SLOT_BITS)) as usize
}

const SLOT_BITS: u32 = 8;
const SLOTS: usize = 1 << SLOT_BITS;

/// The header-name spelling of a static key's mapped name: `_` back to
/// `-`, lower case (how a client usually sends it; folding makes case moot).
const fn spelling(code: usize) -> ([u8; MAX_STATIC], usize) {
    let mapped = code_name(code);
    let mut out = [0u8; MAX_STATIC];
    let mut i = 0;
    while i < mapped.len() {
        out[i] = if mapped[i] == b'_' { b'-' } else { mapped[i].to_ascii_lowercase() };
        i += 1;
    }
    (out, mapped.len())
}

static SHAPES: [Shape; CODES] = shapes();

// Static key codes index a `u64` bit set.
const _: () = assert!(CODES <= 64);

const fn shapes() -> [Shape; CODES] {
    let mut out = [Shape { len: 0, folds_onto: false, first: 0, last: 0, middle: [0; 2] }; CODES];
    let mut c = 1;
    while c < CODES {
        let (buf, len) = spelling(c);
        let name = buf.split_at(len).0;
        assert!(len < MAX_STATIC && len > 0);
        let (first, last) = ends(name);
        let mut folds_onto = false;
        let mut i = 0;
        while i < len {
            folds_onto |= name[i] == b'-' || name[i].is_ascii_digit();
            i += 1;
        }
        out[c] = Shape { len: len as u8, folds_onto, first, last, middle: middle(name) };
        c += 1;
    }
    out
}

/// Open addressing by [`slot`], linear probing; `KEY_GENERATED` (0) is a
/// free slot. Built at compile time.
static TABLE: [u8; SLOTS] = table();

const fn table() -> [u8; SLOTS] {
    let mut out = [KEY_GENERATED; SLOTS];
    let mut c = 1;
    while c < CODES {
        let s = SHAPES[c];
        let mut at = slot(s.len as usize, s.first, s.last);
        while out[at] != KEY_GENERATED {
            at = (at + 1) % SLOTS;
        }
        out[at] = c as u8;
        c += 1;
    }
    out
}

/// The static key code of `name`, or `KEY_GENERATED`.
#[inline(always)]
fn static_code(name: &[u8]) -> u8 {
    let len = name.len();
    if len >= MAX_STATIC || len == 0 {
        return KEY_GENERATED;
    }
    let (first, last) = ends(name);
    let mut at = slot(len, first, last);
    loop {
        let code = TABLE[at];
        if code == KEY_GENERATED {
            return code;
        }
        let s = &SHAPES[usize::from(code)];
        if usize::from(s.len) == len && s.first == first && s.last == last && (len <= 16 || s.middle == middle(name)) {
            // Only where the shape has a `-` or a digit can a folded control
            // byte have matched; letters fold from letters alone.
            return if !s.folds_onto || clean(name) { code } else { KEY_GENERATED };
        }
        at = (at + 1) % SLOTS;
    }
}

/// Whether a name (of a confirmed static shape) has no control byte, which
/// folding could have turned into `-` or a digit.
#[inline(always)]
fn clean(name: &[u8]) -> bool {
    // The words a shape is compared by cover the name (it is shorter than
    // 32 bytes); below 8 bytes the padding is made 0xff, not a control byte.
    let len = name.len();
    if len < 8 {
        return !has_control(short_word(name) | !mask(len));
    }
    let mut control = has_control(word(name, 0)) | has_control(word(name, len - 8));
    if len > 16 {
        control |= has_control(word(name, 8));
    }
    if len > 24 {
        control |= has_control(word(name, 16));
    }
    !control
}

/// Whether a name has an `_`, and a hash of its folded words (names that
/// differ only in case hash alike). Names of 8 bytes or more are read as
/// whole words, the last one overlapping the one before (names of one
/// length overlap alike, so equal folds still hash alike).
#[inline(always)]
fn generated_facts(name: &[u8]) -> (bool, u32) {
    let len = name.len();
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ len as u64;
    let mut underscore = 0u64;
    let mut step = |raw: u64| {
        underscore |= eq_bytes(raw, b'_');
        h = (h ^ (raw | LOWER)).wrapping_mul(0x0000_0100_0000_01b3);
        h ^= h >> 29;
    };
    if len < 8 {
        step(load(name, 0)); // zero padding: never `_`
    } else {
        let mut at = 0;
        while at + 8 < len {
            step(word(name, at));
            at += 8;
        }
        step(word(name, len - 8));
    }
    // The multiply carries every bit upwards; the table takes the top bits.
    (underscore != 0, (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32)
}

/// Whether a value holds a line feed (a raw obs-fold from
/// [`ObsFold::Span`](crate::ObsFold::Span)): whole words, the last one
/// overlapping, below 8 bytes one zero-padded load.
#[inline(always)]
fn has_lf(value: &[u8]) -> bool {
    let len = value.len();
    if len < 8 {
        return eq_bytes(load(value, 0), b'\n') & mask(len) != 0;
    }
    let mut found = 0u64;
    let mut at = 0;
    while at + 8 < len {
        found |= eq_bytes(word(value, at), b'\n');
        at += 8;
    }
    found |= eq_bytes(word(value, len - 8), b'\n');
    found != 0
}

/// Per header, its static key code (`KEY_GENERATED` for a generated key),
/// when every header takes the fast path; `None` sends the request to the
/// general walk.
pub(super) fn classify(headers: &[Header<'_>], ctx: &Ctx<'_, '_>, codes: &mut [u8; MAX_HEADERS]) -> Option<()> {
    if headers.len() > MAX_HEADERS {
        return None;
    }
    let mut seen = 0u64;
    let mut generated = false;
    // The last generated-key name: a header repeated line after line (the
    // usual way a key repeats) declines here, not after classifying the rest.
    let (mut last, mut last_tail): (&[u8], u64) = (&[], 0);
    for (h, code) in headers.iter().zip(codes.iter_mut()) {
        if h.name.is_empty() || (ctx.raw_folds && has_lf(h.value)) {
            return None;
        }
        *code = static_code(h.name);
        if *code == KEY_GENERATED {
            let tail = tail_fold(h.name);
            if tail == last_tail && h.name.len() == last.len() && same_key(h.name, last) {
                return None;
            }
            (last, last_tail) = (h.name, tail);
            generated = true;
            continue;
        }
        let bit = 1u64 << *code;
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
    }
    if generated {
        generated_keys_distinct(headers, ctx, codes)?;
    }
    Some(())
}

/// The last 8 bytes of a name (all of a shorter one, zero-padded) with bit 5
/// set: names that differ only in case have equal tails, so unequal tails
/// rule such a repeat out in one compare (a repeat spelt with `_` is found
/// by [`generated_keys_distinct`]).
#[inline(always)]
fn tail_fold(name: &[u8]) -> u64 {
    let w = if name.len() >= 8 { word(name, name.len() - 8) } else { short_word(name) };
    w | LOWER
}

/// Slots of the generated-key table: twice [`MAX_HEADERS`].
const GENERATED_SLOT_BITS: u32 = 8;
const _: () = assert!(1 << GENERATED_SLOT_BITS >= 2 * MAX_HEADERS);

/// `Some` when no generated-key name has an `_` or is dropped, and no two
/// map to the same key. Only requests with such names pay for its tables.
#[inline(never)]
fn generated_keys_distinct(headers: &[Header<'_>], ctx: &Ctx<'_, '_>, codes: &[u8; MAX_HEADERS]) -> Option<()> {
    // Header index + 1 at the slot of its hash, 0 for free.
    let mut slots = [0u8; 1 << GENERATED_SLOT_BITS];
    let mut hashes = [0u32; MAX_HEADERS];
    for (i, h) in headers.iter().enumerate() {
        if codes[i] != KEY_GENERATED {
            continue;
        }
        let (underscore, hash) = generated_facts(h.name);
        if underscore || (ctx.drop_version && maps_to(h.name, b"VERSION")) {
            return None;
        }
        hashes[i] = hash;
        let mut at = (hash >> (32 - GENERATED_SLOT_BITS)) as usize;
        while slots[at] != 0 {
            let j = usize::from(slots[at] - 1);
            if hashes[j] == hash && same_key(headers[j].name, h.name) {
                return None;
            }
            at = (at + 1) % slots.len();
        }
        slots[at] = i as u8 + 1;
    }
    Some(())
}

/// Writes the mapped `name` (as `map` maps each byte) into `out`, which is
/// exactly as long, a word at a time: whole words, then for names of 8
/// bytes or more the last 8 bytes again (an overlapping store writes the
/// same mapped bytes), so no partial word is copied.
#[inline(always)]
pub(super) fn map_into(name: &[u8], out: &mut [u8]) {
    let len = name.len().min(out.len());
    if len < 8 {
        for (d, &s) in out.iter_mut().zip(name) {
            *d = map_word(u64::from(s)) as u8;
        }
        return;
    }
    let mut at = 0;
    while at + 8 <= len {
        out[at..at + 8].copy_from_slice(&map_word(word(name, at)).to_le_bytes());
        at += 8;
    }
    if at < len {
        out[len - 8..len].copy_from_slice(&map_word(word(name, len - 8)).to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::keys::Fact;
    use std::string::String;
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn static_codes_agree_with_the_general_recognition() {
        let mut names: Vec<Vec<u8>> = (1..CODES)
            .map(|c| {
                let (buf, len) = spelling(c);
                buf[..len].to_vec()
            })
            .collect();
        let more: Vec<Vec<u8>> = names
            .iter()
            .flat_map(|n| {
                let upper = n.to_ascii_uppercase();
                let mut ctl = n.clone();
                if let Some(p) = ctl.iter().position(|&b| b == b'-') {
                    ctl[p] = b'\r';
                }
                let mut ctl_last = n.clone();
                if let Some(p) = ctl_last.iter().rposition(|&b| b == b'-') {
                    ctl_last[p] = b'\r';
                }
                let mut short = n.clone();
                short.pop();
                let mut caret = n.clone();
                caret[0] = b'^';
                [upper, ctl, ctl_last, short, caret, [n.as_slice(), b"x"].concat()]
            })
            .collect();
        names.extend(more);
        names.extend([&b"X-Custom-Header-17"[..], b"a", b"~", b"Content-Typ", b"x-forwarded-sss"].map(<[u8]>::to_vec));
        for n in &names {
            let general = Fact::of(n);
            let expected = if general.underscore { KEY_GENERATED } else { general.key };
            assert_eq!(static_code(n), expected, "{:?}", String::from_utf8_lossy(n));
        }
    }

    #[test]
    fn map_into_maps_a_word_at_a_time() {
        for name in [&b""[..], b"a", b"x-abcdefg", b"X-Custom-Header-100", b"abcdefgh", b"Ab-Cd~!.1234567890\x80z"] {
            let mut out = vec![0u8; name.len()];
            map_into(name, &mut out);
            let expected: Vec<u8> = name.iter().map(|&b| super::super::keys::map(b)).collect();
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn has_lf_finds_every_position() {
        for len in 0..40 {
            assert!(!has_lf(&vec![b'a'; len]));
            for p in 0..len {
                let mut v = vec![b'a'; len];
                v[p] = b'\n';
                assert!(has_lf(&v), "{len} {p}");
            }
        }
    }

    use crate::env::{EnvConfig, Flavor, Underscores, EMPTY_PAIR};
    use crate::Request;
    use proptest::prelude::*;

    /// Names: every static key's spelling, case-mixed, cut short, with an
    /// `_`, a control byte or a `^`, and generated ones, some long.
    fn name() -> impl Strategy<Value = Vec<u8>> {
        let statics: Vec<Vec<u8>> = (1..CODES)
            .map(|c| {
                let (buf, len) = spelling(c);
                buf[..len].to_vec()
            })
            .collect();
        prop_oneof![
            4 => (proptest::sample::select(statics), any::<u64>(), 0u8..8).prop_map(|(mut n, case, edit)| {
                for (i, b) in n.iter_mut().enumerate() {
                    if case >> (i % 64) & 1 == 1 {
                        b.make_ascii_uppercase();
                    }
                }
                let at = (case as usize >> 3) % n.len();
                match edit {
                    0 => n[at] = b'_',
                    1 => n[at] = b'\r',
                    2 => n[at] = b'^',
                    3 => { n.pop(); }
                    4 => n.push(b'x'),
                    _ => {}
                }
                n
            }),
            2 => proptest::collection::vec(proptest::sample::select(&b"aBz-_09.~^"[..]), 1..40),
            1 => proptest::sample::select(vec![b"Version".to_vec(), b"x-a".to_vec(), b"X-A".to_vec(), Vec::new()]),
        ]
    }

    fn value() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![20 => 0x21u8..0x7f, 1 => Just(b'\n'), 1 => Just(b'\r'), 1 => Just(b' ')],
            0..40,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

        #[test]
        fn fast_path_agrees_with_the_general_walk(
            lines in proptest::collection::vec((name(), value()), 0..24),
        ) {
            let headers: Vec<Header<'_>> = lines.iter().map(|(n, v)| Header { name: n, value: v }).collect();
            let req = Request { method: b"GET", target: b"/a%20b?q", minor_version: 1, headers: &headers, head_len: 0 };
            for flavor in [EnvConfig::psgi(), EnvConfig::rack()] {
                for underscores in [Underscores::Drop, Underscores::Reject, Underscores::Allow] {
                    for (http_version, raw_folds) in [(false, true), (true, true), (false, false), (true, false)] {
                        let mut config = flavor;
                        config.underscores = underscores;
                        config.rack_http_version = http_version && flavor.flavor == Flavor::Rack;
                        config.raw_folds = raw_folds;
                        let (mut p1, mut p2) = ([EMPTY_PAIR; 40], [EMPTY_PAIR; 40]);
                        let (mut a1, mut a2) = ([0u8; 2048], [0u8; 2048]);
                        let fast = config.flatten(&req, &mut p1, &mut a1).map(<[_]>::to_vec);
                        let general = config.flatten_general(&req, &mut p2, &mut a2).map(<[_]>::to_vec);
                        prop_assert_eq!(&fast, &general);
                        // Planned first, then written: the same pairs, and
                        // the plan's sizes are exact.
                        let mut a3 = [0u8; 2048];
                        if let (Ok(plan), Ok(sizes)) = (config.plan(&req), config.sizes(&req)) {
                            prop_assert_eq!(plan.sizes(), sizes);
                        }
                        let planned = config.plan(&req).and_then(|plan| {
                            let mut out = Vec::new();
                            let sizes = plan.write(&mut a3[..plan.sizes().arena], |p| out.push(p))?;
                            assert_eq!(sizes.pairs, out.len());
                            Ok(out)
                        });
                        prop_assert_eq!(planned.map(|v| v.iter().map(|p| (p.key.to_vec(), p.value.to_vec())).collect::<Vec<_>>()),
                            general.map(|v| v.iter().map(|p| (p.key.to_vec(), p.value.to_vec())).collect::<Vec<_>>()));
                    }
                }
            }
        }
    }
}
