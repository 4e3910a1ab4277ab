//! Recognising env keys: the common `HTTP_*` keys (returned as `'static`
//! strings, so that bindings can intern them), `CONTENT_TYPE` and
//! `CONTENT_LENGTH`, and which headers of a request share a key.
//!
//! A header name's env key is the name upper-cased with `-` as `_`. That
//! mapping is done 8 bytes at a time ([`map_word`]), hashed, and compared
//! as words against tables computed at compile time, so recognising a name
//! costs a few operations a word rather than a few a byte; headers that share
//! a key are found with a small hash table ([`Keys`]) instead of comparing
//! every pair of names.

use super::Ctx;
use crate::Header;

/// Common header keys, sorted by length: a header whose name maps to one of
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

/// Longest header name with a common key, plus one.
const BY_LEN_SIZE: usize = 32;

/// `BY_LEN[n]` is the range of `COMMON` entries whose header name is `n`
/// bytes long. Built at compile time; `COMMON` need not be sorted.
static BY_LEN: [[u8; 2]; BY_LEN_SIZE] = by_len();

/// `COMMON` indices grouped by name length (a counting sort at compile
/// time), so `BY_LEN` ranges index into it.
static SORTED: [u8; COMMON.len()] = sorted();

const fn name_len(i: usize) -> usize {
    COMMON[i].len() - 5
}

const fn sorted() -> [u8; COMMON.len()] {
    let mut out = [0u8; COMMON.len()];
    let mut n = 0;
    let mut len = 0;
    while len < BY_LEN_SIZE {
        let mut i = 0;
        while i < COMMON.len() {
            if name_len(i) == len {
                out[n] = i as u8;
                n += 1;
            }
            i += 1;
        }
        len += 1;
    }
    assert!(n == COMMON.len(), "a common header name is too long for BY_LEN");
    out
}

const fn by_len() -> [[u8; 2]; BY_LEN_SIZE] {
    let mut out = [[0u8; 2]; BY_LEN_SIZE];
    let mut start = 0usize;
    let mut len = 0;
    while len < BY_LEN_SIZE {
        let mut count = 0;
        let mut i = 0;
        while i < COMMON.len() {
            if name_len(i) == len {
                count += 1;
            }
            i += 1;
        }
        out[len] = [start as u8, (start + count) as u8];
        start += count;
        len += 1;
    }
    out
}

/// The env mapping of one name byte: ASCII upper case, `-` → `_`.
#[inline(always)]
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
const fn load(s: &[u8], at: usize) -> u64 {
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

#[inline(always)]
const fn word(s: &[u8], at: usize) -> u64 {
    u64::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3], s[at + 4], s[at + 5], s[at + 6], s[at + 7]])
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// [`map`] on the 8 bytes of a word at once (SWAR): ASCII lower-case
/// letters lose 0x20, `-` becomes `_`, other bytes are unchanged. No byte
/// carries into its neighbour.
#[inline(always)]
const fn map_word(w: u64) -> u64 {
    let low7 = w & !HIGHS;
    // Bit 7 of each byte: low7 >= b'a', and low7 > b'z' (no carry: low7 <= 0x7f).
    let at_least_a = low7 + ONES * (0x80 - b'a' as u64);
    let above_z = low7 + ONES * (0x80 - b'z' as u64 - 1);
    let lower = at_least_a & !above_z & !w & HIGHS;
    let upper = w - (lower >> 2);
    // Bytes equal to '-': bit 7 set where x is zero.
    let x = w ^ (ONES * b'-' as u64);
    let dash = !(((x & !HIGHS) + !HIGHS) | x | !HIGHS);
    upper + (dash >> 7) * (b'_' - b'-') as u64
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

/// A hash of the env mapping of a name, 8 bytes at a time: names with the
/// same key have the same hash. A `const fn`, so the common keys' hashes
/// are computed at compile time.
const fn key_hash(name: &[u8]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ name.len() as u64;
    let mut at = 0;
    while at < name.len() {
        h = mix(h, map_word(load(name, at)));
        at += 8;
    }
    (h ^ (h >> 32)) as u32
}

/// Whether a word has a zero byte.
#[inline(always)]
const fn has_zero(x: u64) -> bool {
    ((x & !HIGHS) + !HIGHS) | x | !HIGHS != u64::MAX
}

/// Longest name that can have a static key (`BY_LEN_SIZE - 1` bytes), in words.
const KEY_WORDS: usize = BY_LEN_SIZE.div_ceil(8);

/// A name's mapped words, as `load` + `map_word` give them (zero-padded).
const fn key_words(suffix: &[u8]) -> [u64; KEY_WORDS] {
    let mut out = [0u64; KEY_WORDS];
    let mut k = 0;
    while k < KEY_WORDS && 8 * k < suffix.len() {
        out[k] = map_word(load(suffix, 8 * k));
        k += 1;
    }
    out
}

/// `key_hash` of each common key's name (the key without `HTTP_`).
static COMMON_HASH: [u32; COMMON.len()] = common_hashes();

const fn common_hashes() -> [u32; COMMON.len()] {
    let mut out = [0u32; COMMON.len()];
    let mut i = 0;
    while i < COMMON.len() {
        let (_, suffix) = COMMON[i].as_bytes().split_at(5);
        out[i] = key_hash(suffix);
        i += 1;
    }
    out
}

/// The mapped words of each common key's name (the key without `HTTP_`).
static COMMON_WORDS: [[u64; KEY_WORDS]; COMMON.len()] = common_words();

const fn common_words() -> [[u64; KEY_WORDS]; COMMON.len()] {
    let mut out = [[0u64; KEY_WORDS]; COMMON.len()];
    let mut i = 0;
    while i < COMMON.len() {
        let (_, suffix) = COMMON[i].as_bytes().split_at(5);
        out[i] = key_words(suffix);
        i += 1;
    }
    out
}

const CONTENT_TYPE_WORDS: [u64; KEY_WORDS] = key_words(b"CONTENT_TYPE");
const CONTENT_LENGTH_WORDS: [u64; KEY_WORDS] = key_words(b"CONTENT_LENGTH");

/// [`Fact::key`]: no static key (an `HTTP_*` name is generated).
pub(super) const KEY_GENERATED: u8 = 0;
/// [`Fact::key`]: the name maps to `CONTENT_TYPE`.
pub(super) const KEY_CONTENT_TYPE: u8 = 1;
/// [`Fact::key`]: the name maps to `CONTENT_LENGTH`.
pub(super) const KEY_CONTENT_LENGTH: u8 = 2;
/// [`Fact::key`]: `KEY_COMMON + i` is `COMMON[i]`.
pub(super) const KEY_COMMON: u8 = 3;

/// What the walk needs to know about a header name, found in one pass over
/// its mapped words.
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
    pub(super) fn of(name: &[u8]) -> Fact {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ name.len() as u64;
        let mut words = [0u64; KEY_WORDS];
        let mut underscore = false;
        let mut step = |k: usize, raw: u64| {
            let w = map_word(raw);
            if let Some(slot) = words.get_mut(k) {
                *slot = w;
            }
            underscore |= has_zero(raw ^ (ONES * b'_' as u64));
            h = mix(h, w);
        };
        // Whole words as single loads; the last partial word as `load` does
        // (so the hash is `key_hash`'s).
        let chunks = name.chunks_exact(8);
        let rest = chunks.remainder().len();
        let mut k = 0;
        for chunk in chunks {
            step(
                k,
                u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]),
            );
            k += 1;
        }
        if rest > 0 {
            step(k, load(name, 8 * k));
        }
        let hash = (h ^ (h >> 32)) as u32;
        let key = match name.len() {
            12 if words == CONTENT_TYPE_WORDS => KEY_CONTENT_TYPE,
            14 if words == CONTENT_LENGTH_WORDS => KEY_CONTENT_LENGTH,
            len => match BY_LEN.get(len) {
                Some(&[start, end]) => SORTED[start as usize..end as usize]
                    .iter()
                    .find(|&&i| COMMON_HASH[i as usize] == hash && COMMON_WORDS[i as usize] == words)
                    .map_or(KEY_GENERATED, |&i| KEY_COMMON + i),
                None => KEY_GENERATED,
            },
        };
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

/// The facts of a request's headers and which of them share a key, worked
/// out once per walk. Up to [`KEPT`] headers, key groups come from one pass
/// over a small open-addressing table of the emitted headers (hash, then
/// name compare): linear in the header count. Beyond, headers are counted
/// per bucket of their key hash, and only a header whose bucket is shared
/// scans the others.
pub(super) struct Keys<'h, 'b> {
    headers: &'h [Header<'b>],
    facts: [Fact; KEPT],
    /// `exact`: per header, the index of the first emitted header of its key
    /// (itself if it is that header), or `NOT_EMITTED`.
    first: [u8; KEPT],
    /// `exact`: per first header, whether another emitted header has its key.
    repeated: [bool; KEPT],
    /// Not `exact`: headers per bucket of their key hash.
    counts: [u8; BUCKETS],
    exact: bool,
}

const NOT_EMITTED: u8 = u8::MAX;

impl<'h, 'b> Keys<'h, 'b> {
    pub(super) fn new(headers: &'h [Header<'b>], ctx: &Ctx<'_, '_>) -> Self {
        let exact = headers.len() <= KEPT;
        let mut keys = Keys {
            headers,
            facts: [Fact::default(); KEPT],
            first: [NOT_EMITTED; KEPT],
            repeated: [false; KEPT],
            counts: [0; BUCKETS],
            exact,
        };
        if exact {
            // Header index + 1 of each group's first header, 0 for free.
            let mut slots = [0u8; SLOTS];
            for (i, h) in headers.iter().enumerate() {
                let fact = Fact::of(h.name);
                keys.facts[i] = fact;
                if !ctx.emitted_with(h, fact) {
                    continue;
                }
                let mut at = fact.hash as usize % SLOTS;
                keys.first[i] = loop {
                    match slots[at] {
                        0 => {
                            slots[at] = i as u8 + 1;
                            break i as u8;
                        }
                        s => {
                            let j = usize::from(s - 1);
                            if keys.facts[j].hash == fact.hash && same_key(headers[j].name, h.name) {
                                keys.repeated[j] = true;
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
                if let Some(slot) = keys.facts.get_mut(i) {
                    *slot = fact;
                }
                let count = &mut keys.counts[fact.hash as usize % BUCKETS];
                *count = count.saturating_add(1);
            }
        }
        keys
    }

    #[inline]
    pub(super) fn fact(&self, i: usize) -> Fact {
        match self.facts.get(i) {
            Some(&f) if i < self.headers.len() => f,
            _ => Fact::of(self.headers[i].name),
        }
    }

    /// Header `i`'s part in the env.
    #[inline]
    pub(super) fn role(&self, i: usize, ctx: &Ctx<'_, '_>) -> Role {
        if self.exact {
            return match self.first[i] {
                f if usize::from(f) == i => Role::First { repeated: self.repeated[i] },
                _ => Role::Skip,
            };
        }
        let (h, fact) = (&self.headers[i], self.fact(i));
        if !ctx.emitted_with(h, fact) {
            return Role::Skip;
        }
        if self.counts[fact.hash as usize % BUCKETS] < 2 {
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
            assert_eq!(COMMON_HASH[i], key_hash(&name), "{key}: compile-time hash");
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
            names.push((0..len).map(|i| b"aZ-_09xX\xff:"[((x >> (i % 60)) % 10) as usize]).collect());
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
        let ctx = |underscores| Ctx { headers: &[], underscores, drop_version: false };
        let run = |names: &[&str], underscores| -> std::vec::Vec<Role> {
            let headers: std::vec::Vec<Header<'_>> =
                names.iter().map(|n| Header { name: n.as_bytes(), value: b"v" }).collect();
            let keys = Keys::new(&headers, &ctx(underscores));
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
