//! The benchmark inputs, shared by the criterion bench (`parse.rs`) and the
//! instruction-count example (`examples/count.rs`).

/// A 72-byte query string (5 pairs, one value percent-encoded).
pub const SEED: &str = "foo=bar&bar=baz&q=HTTP%3A%3ARequest%3A%3ACommon&ie=UTF-8&sourceid=chrome";

/// Deterministic filler text made of `[a-z0-9]`.
pub fn filler(len: usize, seed: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|i| ALPHABET[(i * 7 + seed * 13 + i / 5) % ALPHABET.len()] as char).collect()
}

/// Pads with `&z=…` filler until exactly `len` bytes.
pub fn pad_to(mut s: String, len: usize) -> String {
    if s.len() + 3 < len {
        let n = len - s.len() - 3;
        s.push_str("&z=");
        s.push_str(&filler(n, 99));
    }
    s.truncate(len);
    s
}

/// 4 KiB, 32 fields of ~120 unescaped bytes.
pub fn unescaped_4k() -> String {
    let s: Vec<String> = (0..32).map(|i| format!("field_{i}={}", filler(116, i))).collect();
    pad_to(s.join("&"), 4096)
}

/// 64 KiB, 4 fields of 16 KiB unescaped values (the "long unescaped values" case).
pub fn long_values_64k() -> String {
    let s: Vec<String> = (0..4).map(|i| format!("v{i}={}", filler(16 * 1024, i))).collect();
    pad_to(s.join("&"), 64 * 1024)
}

/// 64 KiB, exactly 1,000 pairs: words joined by `+`, an escaped comma or slash now and then.
pub fn thousand_pairs_64k() -> String {
    let pairs: Vec<String> = (0..1000)
        .map(|i| {
            let value = match i % 4 {
                0 => format!("{}+{}+{}", filler(16, i), filler(20, i + 1), filler(12, i + 2)),
                1 => format!("{}%2C{}%2F{}", filler(18, i), filler(17, i + 1), filler(10, i + 2)),
                _ => filler(50, i),
            };
            format!("k{i:04}={value}")
        })
        .collect();
    let mut s = pairs.join("&");
    // Widen the last value so the form is exactly 64 KiB, still 1,000 pairs.
    let missing = 64 * 1024 - s.len();
    s.push_str(&filler(missing, 7));
    s
}

/// ~4 KiB of percent-encoded UTF-8 (Japanese, Cyrillic, accents), 16 fields.
pub fn escaped_utf8() -> String {
    let text = "日本語のテキスト、Кириллица и ещё, café crème brûlée ";
    let value: String = form_urlencoded::byte_serialize(text.repeat(2).as_bytes()).collect();
    let pairs: Vec<String> = (0..16).map(|i| format!("%E5%90%8D{i}={value}")).collect();
    pairs.join("&")
}

/// 20,000 pairs (0.69 MB), the Perl binding's large form: every third
/// value percent-encoded UTF-8 and escapes, the others words joined by `+`.
pub fn twenty_thousand_pairs() -> String {
    let pairs: Vec<String> = (1..=20_000)
        .map(|i| {
            if i % 3 == 0 {
                format!("field{i:05}=caf%C3%A9%20{i}%2Fx%3Dy")
            } else {
                format!("field{i:05}=value+{i}+with+words")
            }
        })
        .collect();
    pairs.join("&")
}

/// Every input by name: `(name, input)`.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("seed_query", SEED.to_string()),
        ("unescaped_4k", unescaped_4k()),
        ("long_values_64k", long_values_64k()),
        ("1000_pairs_64k", thousand_pairs_64k()),
        ("20000_pairs", twenty_thousand_pairs()),
        ("escaped_utf8", escaped_utf8()),
    ]
}
