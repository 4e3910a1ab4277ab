//! Recognising env keys: the common `HTTP_*` keys (returned as `'static`
//! strings, so that bindings can intern them), `CONTENT_TYPE` and
//! `CONTENT_LENGTH`, and which headers of a request share a key.
//!
//! A header name's env key is the name upper-cased with `-` as `_`. That
//! mapping is done 8 bytes at a time ([`map_word`]); for recognising names
//! a cheaper fold of it ([`fold_word`]) is hashed, and the hash picks the one
//! candidate static key in a table built at compile time, which is then
//! compared as words, so recognising a name costs a few operations a word
//! rather than a few a byte or a search over the keys; headers that share
//! a key are found with a small hash table ([`Keys`]) instead of comparing
//! every pair of names.

use super::Ctx;
use crate::Header;

/// Common header keys: a header whose name maps to one of
/// these gets the `'static` key instead of a generated one. Matching is
/// case-insensitive (the name is mapped before comparing).
pub(super) static COMMON: [&str; 57] = [
    "HTTP_TE",
    "HTTP_DNT",
    "HTTP_VIA",
    "HTTP_DATE",
    "HTTP_FROM",
    "HTTP_HOST",
    "HTTP_ALLOW",
    "HTTP_RANGE",
    "HTTP_ACCEPT",
    "HTTP_COOKIE",
    "HTTP_EXPECT",
    "HTTP_ORIGIN",
    "HTTP_PRAGMA",
    "HTTP_REFERER",
    "HTTP_TRAILER",
    "HTTP_UPGRADE",
    "HTTP_WARNING",
    "HTTP_IF_MATCH",
    "HTTP_PRIORITY",
    "HTTP_FORWARDED",
    "HTTP_IF_RANGE",
    "HTTP_SEC_CH_UA",
    "HTTP_CONNECTION",
    "HTTP_KEEP_ALIVE",
    "HTTP_USER_AGENT",
    "HTTP_X_REAL_IP",
    "HTTP_MAX_FORWARDS",
    "HTTP_X_REQUEST_ID",
    "HTTP_AUTHORIZATION",
    "HTTP_CACHE_CONTROL",
    "HTTP_IF_NONE_MATCH",
    "HTTP_X_CSRF_TOKEN",
    "HTTP_ACCEPT_CHARSET",
    "HTTP_SEC_FETCH_DEST",
    "HTTP_SEC_FETCH_MODE",
    "HTTP_SEC_FETCH_SITE",
    "HTTP_SEC_FETCH_USER",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_CONTENT_ENCODING",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_WEBSOCKET_KEY",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_TRANSFER_ENCODING",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_X_REQUESTED_WITH",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_PROXY_AUTHORIZATION",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_SEC_WEBSOCKET_VERSION",
    "HTTP_SEC_WEBSOCKET_PROTOCOL",
    "HTTP_UPGRADE_INSECURE_REQUESTS",
    "HTTP_SEC_WEBSOCKET_EXTENSIONS",
    "HTTP_X_FORWARDED_SSL",
];

/// Longest header name with a static key, plus one.
const MAX_NAME: usize = 32;

/// The env mapping of one name byte: ASCII upper case, `-` → `_`.
#[cfg(test)]
pub(super) const fn map(b: u8) -> u8 {
    if b == b'-' {
        b'_'
    } else {
        b.to_ascii_uppercase()
    }
}

/// Up to 8 bytes of `s` from `at`, little-endian, zero-padded: one load for
/// a whole word; the last, partial word of a name of 8 bytes or more is the
/// last 8 bytes shifted (one load too); shorter names take at most three.
#[inline(always)]
pub(super) const fn load(s: &[u8], at: usize) -> u64 {
    let len = s.len();
    if at + 8 <= len {
        return word(s, at);
    }
    let rest = len - at; // 1..=7 (callers pass at < len)
    if len >= 8 {
        return word(s, len - 8) >> (8 * (8 - rest));
    }
    let mut w = 0u64;
    let mut i = at;
    if rest >= 4 {
        w = u32::from_le_bytes([s[i], s[i + 1], s[i + 2], s[i + 3]]) as u64;
        i += 4;
    }
    if len - i >= 2 {
        w |= (u16::from_le_bytes([s[i], s[i + 1]]) as u64) << (8 * (i - at));
        i += 2;
    }
    if i < len {
        w |= (s[i] as u64) << (8 * (i - at));
    }
    w
}

/// The 8 bytes of `s` from `at` (which must be in bounds), one load.
#[inline(always)]
pub(super) const fn word(s: &[u8], at: usize) -> u64 {
    // One bounds check and one load, where indexing each byte makes eight.
    match s.split_at(at).1.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => panic!("word: fewer than 8 bytes left"),
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// [`map`] on the 8 bytes of a word at once (SWAR): ASCII lower-case
/// letters lose 0x20, `-` becomes `_`, other bytes are unchanged. No byte
/// carries into its neighbour.
#[inline(always)]
pub(super) const fn map_word(w: u64) -> u64 {
    let low7 = w & !HIGHS;
    // Bit 7 of each byte: low7 >= b'a', and low7 > b'z' (no carry: low7 <= 0x7f).
    let at_least_a = low7 + ONES * (0x80 - b'a' as u64);
    let above_z = low7 + ONES * (0x80 - b'z' as u64 - 1);
    let lower = at_least_a & !above_z & !w & HIGHS;
    let upper = w - (lower >> 2);
    upper + (eq_bytes(w, b'-') >> 7) * (b'_' - b'-') as u64
}

/// Whether `name` maps to `key_suffix` (the key without `HTTP_`), which is
/// already mapped.
#[inline]
pub(super) fn maps_to(name: &[u8], key_suffix: &[u8]) -> bool {
    name.len() == key_suffix.len()
        && (0..name.len()).step_by(8).all(|at| map_word(load(name, at)) == load(key_suffix, at))
}

/// Whether two header names map to the same key.
#[inline]
pub(super) fn same_key(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (0..a.len()).step_by(8).all(|at| map_word(load(a, at)) == map_word(load(b, at)))
}

/// One step of [`key_hash`]: mixes in one mapped word.
#[inline(always)]
const fn mix(h: u64, w: u64) -> u64 {
    let h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3);
    h ^ (h >> 29)
}

/// Bit 7 of each byte of `x` that equals `b`, exactly (no borrow between
/// bytes).
#[inline(always)]
pub(super) const fn eq_bytes(x: u64, b: u8) -> u64 {
    let x = x ^ (ONES * b as u64);
    !(((x & !HIGHS) + !HIGHS) | x | !HIGHS)
}

/// Whether a word has a byte below 0x20 (a control byte).
#[inline(always)]
pub(super) const fn has_control(x: u64) -> bool {
    x.wrapping_sub(ONES * 0x20) & !x & HIGHS != 0
}

/// A name word as keys are compared and hashed (its *fold*): `_` made `-`,
/// then bit 5 of every byte set, which makes ASCII letters lower case and
/// leaves digits and `-` as they are. Two names with the same env key have
/// the same folded words; the converse holds for names without control
/// bytes compared with a name made of letters, digits and `-` (every static
/// key's), which is all the static-key lookup needs. A couple of operations
/// a word, where [`map_word`] takes a dozen.
#[inline(always)]
const fn fold_word(raw: u64) -> u64 {
    (raw ^ ((eq_bytes(raw, b'_') >> 7) * (b'_' ^ b'-') as u64)) | (ONES * 0x20)
}

/// A hash of the folded words of a name, 8 bytes at a time: names with the
/// same key have the same hash. A `const fn`, so the static keys' hashes are
/// computed at compile time.
const fn key_hash(name: &[u8]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ name.len() as u64;
    let mut at = 0;
    while at < name.len() {
        h = mix(h, fold_word(load(name, at)));
        at += 8;
    }
    (h ^ (h >> 32)) as u32
}

/// Longest name that can have a static key (`MAX_NAME - 1` bytes), in words.
const KEY_WORDS: usize = MAX_NAME.div_ceil(8);

/// A name's folded words, as `load` + `fold_word` give them (unused words
/// zero).
const fn key_words(suffix: &[u8]) -> [u64; KEY_WORDS] {
    let mut out = [0u64; KEY_WORDS];
    let mut k = 0;
    while k < KEY_WORDS && 8 * k < suffix.len() {
        out[k] = fold_word(load(suffix, 8 * k));
        k += 1;
    }
    out
}

/// [`Fact::key`]: no static key (an `HTTP_*` name is generated).
pub(super) const KEY_GENERATED: u8 = 0;
/// [`Fact::key`]: the name maps to `CONTENT_TYPE`.
pub(super) const KEY_CONTENT_TYPE: u8 = 1;
/// [`Fact::key`]: the name maps to `CONTENT_LENGTH`.
pub(super) const KEY_CONTENT_LENGTH: u8 = 2;
/// [`Fact::key`]: `KEY_COMMON + i` is `COMMON[i]`.
pub(super) const KEY_COMMON: u8 = 3;

/// Number of `KEY_*` codes: the generated one and every static key.
pub(super) const CODES: usize = KEY_COMMON as usize + COMMON.len();

/// The header name (mapped, as in the key) of each static `KEY_*` code;
/// empty for `KEY_GENERATED`.
pub(super) const fn code_name(code: usize) -> &'static [u8] {
    match code {
        0 => b"",
        1 => b"CONTENT_TYPE",
        2 => b"CONTENT_LENGTH",
        c => COMMON[c - KEY_COMMON as usize].as_bytes().split_at(5).1,
    }
}

/// What recognising a static key compares, per `KEY_*` code: the name's
/// length, [`key_hash`] and folded words, computed at compile time.
#[derive(Clone, Copy)]
struct StaticName {
    len: usize,
    hash: u32,
    words: [u64; KEY_WORDS],
}

static STATIC_NAMES: [StaticName; CODES] = static_names();

const fn static_names() -> [StaticName; CODES] {
    let mut out = [StaticName { len: 0, hash: 0, words: [0; KEY_WORDS] }; CODES];
    let mut c = 1;
    while c < CODES {
        let name = code_name(c);
        assert!(name.len() < MAX_NAME, "a static key's header name is too long");
        out[c] = StaticName { len: name.len(), hash: key_hash(name), words: key_words(name) };
        c += 1;
    }
    out
}

/// Slots of [`STATIC_TABLE`]: a power of two, about four times the static
/// keys, so that a lookup is one probe, rarely two.
const STATIC_SLOTS: usize = 256;

/// Open addressing by [`key_hash`], linear probing: the `KEY_*` code of
/// each static key at its hash's slot or the next free one after it;
/// `KEY_GENERATED` (0) marks a free slot. Built at compile time.
static STATIC_TABLE: [u8; STATIC_SLOTS] = static_table();

const fn static_table() -> [u8; STATIC_SLOTS] {
    let mut out = [KEY_GENERATED; STATIC_SLOTS];
    let mut c = 1;
    while c < CODES {
        let mut at = key_hash(code_name(c)) as usize % STATIC_SLOTS;
        while out[at] != KEY_GENERATED {
            at = (at + 1) % STATIC_SLOTS;
        }
        out[at] = c as u8;
        c += 1;
    }
    out
}

/// The static key of `name`, whose length, hash and folded words (the
/// first [`KEY_WORDS`] of them) are given, or `KEY_GENERATED`. Equal folds
/// are equal keys unless the name has a control byte (`\r` folds like `-`),
/// and then the candidate is checked byte by byte.
#[inline(always)]
fn static_key(name: &[u8], hash: u32, words: &[u64; KEY_WORDS], control: bool) -> u8 {
    let mut at = hash as usize % STATIC_SLOTS;
    loop {
        let code = STATIC_TABLE[at];
        let s = &STATIC_NAMES[usize::from(code)];
        if code == KEY_GENERATED {
            return code;
        }
        if s.hash == hash && s.len == name.len() && s.words == *words {
            return if !control || maps_to(name, code_name(usize::from(code))) { code } else { KEY_GENERATED };
        }
        at = (at + 1) % STATIC_SLOTS;
    }
}

/// What the walk needs to know about a header name, found in one pass over
/// its folded words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Fact {
    /// [`key_hash`] of the name.
    pub(super) hash: u32,
    /// Which static key the name maps to (`KEY_*`).
    pub(super) key: u8,
    /// The name contains `_`.
    pub(super) underscore: bool,
}

impl Fact {
    #[inline(always)]
    pub(super) fn of(name: &[u8]) -> Fact {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ name.len() as u64;
        let mut words = [0u64; KEY_WORDS];
        let mut underscore = false;
        let mut control = false;
        let mut step = |k: usize, raw: u64, pad: u64| {
            let underscores = eq_bytes(raw, b'_');
            underscore |= underscores != 0;
            control |= has_control(raw | pad);
            let w = (raw ^ ((underscores >> 7) * (b'_' ^ b'-') as u64)) | (ONES * 0x20);
            if let Some(slot) = words.get_mut(k) {
                *slot = w;
            }
            h = mix(h, w);
        };
        // Whole words as single loads; the last partial word as `load` does
        // (so the hash is `key_hash`'s), its zero padding not taken for
        // control bytes.
        let chunks = name.chunks_exact(8);
        let rest = chunks.remainder().len();
        let mut k = 0;
        for chunk in chunks {
            let raw =
                u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
            step(k, raw, 0);
            k += 1;
        }
        if rest > 0 {
            step(k, load(name, 8 * k), (ONES * 0x20) << (8 * rest));
        }
        let hash = (h ^ (h >> 32)) as u32;
        let key = if name.len() < MAX_NAME { static_key(name, hash, &words, control) } else { KEY_GENERATED };
        Fact { hash, key, underscore }
    }
}

/// Buckets of [`Keys`]' counts (requests with more than [`KEPT`] headers):
/// a power of two well above common header counts.
const BUCKETS: usize = 256;

/// Headers whose facts and key groups [`Keys`] works out in one pass;
/// requests with more headers take a slower path that scans for duplicates.
const KEPT: usize = 128;

/// Slots of [`Keys`]' table of key groups: twice [`KEPT`], a power of two.
const SLOTS: usize = 2 * KEPT;

/// A header's part in the env, from [`Keys::role`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// Not in the env: not emitted, or joined into an earlier header with
    /// the same key.
    Skip,
    /// The first emitted header of its key; `repeated` when later emitted
    /// headers have the same key (their values are joined to its).
    First { repeated: bool },
}

/// The per-header arrays [`Keys`] fills. The walk keeps them on its stack
/// and lends them to [`Keys::new`], so that they are written in place rather
/// than moved with the result.
pub(super) struct KeyArrays {
    facts: [Fact; KEPT],
    /// Exact grouping: per header, the index of the first emitted header of
    /// its key (itself if it is that header), or `NOT_EMITTED`.
    first: [u8; KEPT],
    /// Past [`KEPT`] headers: headers per bucket of their key hash.
    counts: [u8; BUCKETS],
}

impl KeyArrays {
    #[inline(always)]
    pub(super) fn new() -> KeyArrays {
        KeyArrays {
            facts: [Fact { hash: 0, key: 0, underscore: false }; KEPT],
            first: [NOT_EMITTED; KEPT],
            counts: [0; BUCKETS],
        }
    }
}

/// The facts of a request's headers and which of them share a key, worked
/// out once per walk. Up to [`KEPT`] headers, key groups come from one pass
/// over a small open-addressing table of the emitted headers (hash, then
/// name compare): linear in the header count. Beyond, headers are counted
/// per bucket of their key hash, and only a header whose bucket is shared
/// scans the others.
pub(super) struct Keys<'k, 'h, 'b> {
    headers: &'h [Header<'b>],
    arrays: &'k KeyArrays,
    /// Exact grouping: bit `i` is set when header `i` is the first of its
    /// key and another emitted header has that key.
    repeated: u128,
    exact: bool,
}

const NOT_EMITTED: u8 = u8::MAX;

impl<'k, 'h, 'b> Keys<'k, 'h, 'b> {
    pub(super) fn new(headers: &'h [Header<'b>], ctx: &Ctx<'_, '_>, arrays: &'k mut KeyArrays) -> Self {
        let exact = headers.len() <= KEPT;
        let mut repeated = 0u128;
        if exact {
            // Header index + 1 of each group's first header, 0 for free.
            let mut slots = [0u8; SLOTS];
            for (i, h) in headers.iter().enumerate() {
                let fact = Fact::of(h.name);
                arrays.facts[i] = fact;
                if !ctx.emitted_with(h, fact) {
                    continue;
                }
                let mut at = fact.hash as usize % SLOTS;
                arrays.first[i] = loop {
                    match slots[at] {
                        0 => {
                            slots[at] = i as u8 + 1;
                            break i as u8;
                        }
                        s => {
                            let j = usize::from(s - 1);
                            if arrays.facts[j].hash == fact.hash && same_key(headers[j].name, h.name) {
                                repeated |= 1 << j;
                                break j as u8;
                            }
                        }
                    }
                    at = (at + 1) % SLOTS;
                };
            }
        } else {
            for (i, h) in headers.iter().enumerate() {
                let fact = Fact::of(h.name);
                if let Some(slot) = arrays.facts.get_mut(i) {
                    *slot = fact;
                }
                let count = &mut arrays.counts[fact.hash as usize % BUCKETS];
                *count = count.saturating_add(1);
            }
        }
        Keys { headers, arrays, repeated, exact }
    }

    #[inline(always)]
    pub(super) fn fact(&self, i: usize) -> Fact {
        match self.arrays.facts.get(i) {
            Some(&f) if i < self.headers.len() => f,
            _ => Fact::of(self.headers[i].name),
        }
    }

    /// Header `i`'s part in the env.
    #[inline(always)]
    pub(super) fn role(&self, i: usize, ctx: &Ctx<'_, '_>) -> Role {
        if self.exact {
            return match self.arrays.first[i] {
                f if usize::from(f) == i => Role::First { repeated: self.repeated & (1 << i) != 0 },
                _ => Role::Skip,
            };
        }
        let (h, fact) = (&self.headers[i], self.fact(i));
        if !ctx.emitted_with(h, fact) {
            return Role::Skip;
        }
        if self.arrays.counts[fact.hash as usize % BUCKETS] < 2 {
            return Role::First { repeated: false };
        }
        let same = |j: usize| self.fact(j).hash == fact.hash && same_key(self.headers[j].name, h.name);
        if (0..i).any(|j| same(j) && ctx.emitted(&self.headers[j])) {
            return Role::Skip;
        }
        Role::First { repeated: (i + 1..self.headers.len()).any(|j| same(j) && ctx.emitted(&self.headers[j])) }
    }
}

/// The `'static` key of a common header name.
#[cfg(test)]
fn common_key(name: &[u8]) -> Option<&'static [u8]> {
    let key = Fact::of(name).key;
    (key >= KEY_COMMON).then(|| COMMON[(key - KEY_COMMON) as usize].as_bytes())
}

/// Whether `s` contains `b`: a plain loop for the short names and values of
/// most headers, `memchr` beyond.
#[inline]
pub(super) fn has_byte(b: u8, s: &[u8]) -> bool {
    if s.len() < 32 {
        s.contains(&b)
    } else {
        memchr::memchr(b, s).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Underscores;

    #[test]
    fn common_keys_are_consistent() {
        for (i, key) in COMMON.iter().enumerate() {
            assert!(key.starts_with("HTTP_"), "{key}");
            assert!(key[5..].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'), "{key}");
            assert!(!COMMON[..i].contains(key), "duplicate {key}");
            assert_ne!(*key, "HTTP_VERSION", "HTTP_VERSION is Rack's fixed key");
            assert_ne!(*key, "HTTP_CONTENT_TYPE");
            assert_ne!(*key, "HTTP_CONTENT_LENGTH");
            // Found by its dashed, lower-case spelling.
            let name: std::vec::Vec<u8> =
                key[5..].bytes().map(|b| if b == b'_' { b'-' } else { b.to_ascii_lowercase() }).collect();
            assert_eq!(common_key(&name), Some(key.as_bytes()));
            assert_eq!(STATIC_NAMES[KEY_COMMON as usize + i].hash, key_hash(&name), "{key}: compile-time hash");
        }
        for name in [&b"X-Unknown"[..], b"", &[b'a'; 300]] {
            assert_eq!(common_key(name), None);
        }
    }

    fn map_bytes(w: u64) -> u64 {
        u64::from_le_bytes(w.to_le_bytes().map(map))
    }

    #[test]
    fn map_word_is_map_on_every_byte() {
        // Every byte value at every position, next to every neighbour class.
        for b in 0..=255u8 {
            for pos in 0..8 {
                for fill in [0x00u8, b'-', b'a', b'z', b'Z', 0x7f, 0x80, 0xff, b'`', b'{'] {
                    let mut bytes = [fill; 8];
                    bytes[pos] = b;
                    let w = u64::from_le_bytes(bytes);
                    assert_eq!(map_word(w), map_bytes(w), "{bytes:?}");
                }
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            assert_eq!(map_word(x), map_bytes(x), "{x:#x}");
        }
    }

    #[test]
    fn fold_word_folds_every_byte() {
        let fold = |b: u8| if b == b'_' { b'-' | 0x20 } else { b | 0x20 };
        let control = |bytes: [u8; 8]| bytes.iter().any(|&b| b < 0x20);
        for b in 0..=255u8 {
            for pos in 0..8 {
                for fill in [0x00u8, b'-', b'_', b'a', b'Z', 0x1f, 0x20, 0x7f, 0x80, 0xff] {
                    let mut bytes = [fill; 8];
                    bytes[pos] = b;
                    let w = u64::from_le_bytes(bytes);
                    assert_eq!(fold_word(w), u64::from_le_bytes(bytes.map(fold)), "{bytes:?}");
                    assert_eq!(has_control(w), control(bytes), "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn control_bytes_never_make_a_static_key() {
        // `\r` folds like `-`, and 0x10..0x19 like the digits.
        for name in [&b"Content\rType"[..], b"content\rlength", b"X\rReal\rIP", b"Sec-Fetch\rDest", b"Host\r"] {
            assert_eq!(Fact::of(name).key, KEY_GENERATED, "{name:?}");
        }
        assert_eq!(Fact::of(b"Content_Type").key, KEY_CONTENT_TYPE);
        assert_eq!(
            Fact::of(b"x_real_ip").key,
            KEY_COMMON + COMMON.iter().position(|k| *k == "HTTP_X_REAL_IP").unwrap() as u8
        );
    }

    #[test]
    fn load_is_the_bytes_zero_padded() {
        let bytes: std::vec::Vec<u8> = (1..=40).collect();
        for len in 0..=bytes.len() {
            let s = &bytes[..len];
            for at in (0..len).step_by(8) {
                let mut expected = [0u8; 8];
                let n = (len - at).min(8);
                expected[..n].copy_from_slice(&s[at..at + n]);
                assert_eq!(load(s, at), u64::from_le_bytes(expected), "len {len} at {at}");
            }
        }
    }

    #[test]
    fn word_compares_agree_with_byte_compares() {
        let bytewise = |a: &[u8], b: &[u8]| a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| map(x) == map(y));
        let names: [&[u8]; 12] = [
            b"",
            b"a",
            b"A",
            b"-",
            b"_",
            b"x-custom-header-1",
            b"X_CUSTOM_HEADER_1",
            b"X-Custom-Header-2",
            b"content-type",
            b"CONTENT_TYPE",
            b"\xffa",
            b"\xdfA",
        ];
        for a in names {
            for b in names {
                assert_eq!(same_key(a, b), bytewise(a, b), "{a:?} {b:?}");
                if same_key(a, b) {
                    assert_eq!(key_hash(a), key_hash(b));
                }
            }
        }
        assert!(maps_to(b"x-real-ip", b"X_REAL_IP"));
        assert!(!maps_to(b"x-real-iq", b"X_REAL_IP"));
        assert!(!maps_to(b"x\xc0real-ip", b"X_REAL_IP"));
    }

    #[test]
    fn facts_agree_with_bytewise_rules() {
        let bytewise_key = |name: &[u8]| -> u8 {
            if name.eq_ignore_ascii_case(b"content-type") || maps_to(name, b"CONTENT_TYPE") {
                KEY_CONTENT_TYPE
            } else if name.eq_ignore_ascii_case(b"content-length") || maps_to(name, b"CONTENT_LENGTH") {
                KEY_CONTENT_LENGTH
            } else {
                COMMON
                    .iter()
                    .position(|k| maps_to(name, &k.as_bytes()[5..]))
                    .map_or(KEY_GENERATED, |i| KEY_COMMON + i as u8)
            }
        };
        let mut names: std::vec::Vec<std::vec::Vec<u8>> = std::vec::Vec::new();
        for key in COMMON.iter().chain(&["HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"]) {
            let suffix = &key.as_bytes()[5..];
            names.push(suffix.to_vec());
            names.push(suffix.iter().map(|&b| if b == b'_' { b'-' } else { b.to_ascii_lowercase() }).collect());
            let mut near = suffix.to_vec();
            *near.last_mut().unwrap() ^= 1;
            names.push(near);
            let mut longer = suffix.to_vec();
            longer.push(b'S');
            names.push(longer);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            names.push((0..len).map(|i| b"aZ-_09xX\xff:\r\x10"[((x >> (i % 60)) % 12) as usize]).collect());
        }
        for name in &names {
            let f = Fact::of(name);
            assert_eq!(f.hash, key_hash(name), "{name:?}");
            assert_eq!(f.underscore, name.contains(&b'_'), "{name:?}");
            assert_eq!(f.key, bytewise_key(name), "{name:?}");
        }
    }

    #[test]
    fn keys_group_headers_by_key() {
        let ctx = |underscores| Ctx { headers: &[], underscores, drop_version: false, raw_folds: true };
        let run = |names: &[&str], underscores| -> std::vec::Vec<Role> {
            let headers: std::vec::Vec<Header<'_>> =
                names.iter().map(|n| Header { name: n.as_bytes(), value: b"v" }).collect();
            let mut arrays = KeyArrays::new();
            let keys = Keys::new(&headers, &ctx(underscores), &mut arrays);
            (0..headers.len()).map(|i| keys.role(i, &ctx(underscores))).collect()
        };
        let first = |repeated| Role::First { repeated };
        let names = ["Host", "X-A", "x-a", "X_A", "Accept", "X-A", ""];
        assert_eq!(
            run(&names, Underscores::Drop),
            [first(false), first(true), Role::Skip, Role::Skip, first(false), Role::Skip, Role::Skip]
        );
        assert_eq!(
            run(&names, Underscores::Allow),
            [first(false), first(true), Role::Skip, Role::Skip, first(false), Role::Skip, Role::Skip]
        );
        let names = ["X_A", "X-A"];
        assert_eq!(run(&names, Underscores::Drop), [Role::Skip, first(false)]);
        assert_eq!(run(&names, Underscores::Allow), [first(true), Role::Skip]);
        // The same answers past KEPT headers (the scanning path).
        let many: std::vec::Vec<std::string::String> = (0..KEPT + 20).map(|i| std::format!("x-h{i}")).collect();
        let mut names: std::vec::Vec<&str> = many.iter().map(|s| s.as_str()).collect();
        names.push("X_H130");
        names.push("X-H3");
        let roles = run(&names, Underscores::Allow);
        assert_eq!(roles[130], first(true));
        assert_eq!(roles[3], first(true));
        assert_eq!(roles[129], first(false));
        assert_eq!(&roles[KEPT + 20..], [Role::Skip, Role::Skip]);
        let exact = run(&names[..KEPT], Underscores::Allow);
        assert_eq!(exact[3], first(false));
    }
}
