//! Parsing modes and limits.

/// How the input is split into pairs. Both modes decode `+` as a space and `%XX` escapes,
/// keeping invalid escapes literally (WHATWG), and neither validates UTF-8.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// WHATWG URL Standard `application/x-www-form-urlencoded` parser (the default): split on
    /// `&` only and skip empty sequences. This is what Rust's `form_urlencoded`, Python's
    /// `parse_qsl`, Rack 3, busboy and python-multipart ≥ 0.0.30 do.
    ///
    /// `;` is an ordinary byte here: splitting on it is a known cache-poisoning / parameter
    /// smuggling vector (CVE-2021-23336), so it is never the default.
    #[default]
    Whatwg,
    /// Perl WWW::Form::UrlEncoded (`parse_urlencoded`, documented rules, checked against the
    /// XS version 0.28): split on `&` or `;`; drop one space at the start of each piece (after
    /// a separator, and at the very start of the input, as the XS version and the documented
    /// rules do); keep empty pairs, so `&` is two pairs `("", "")` and `a=b&` ends with
    /// `("", "")`; the empty input has no pairs.
    Perl,
}

/// Default for [`Options::max_pairs`]: 4096, Rack's `QueryParser` parameter limit.
pub const DEFAULT_MAX_PAIRS: usize = 4096;

/// Default for [`Options::max_input_bytes`]: 4 MiB, Rack's `QueryParser` byte-size limit.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 4 << 20;

/// Parsing options: the [`Mode`] and two limits. Exceeding a limit makes
/// [`parse`](crate::parse) return an [`Error`](crate::Error) before any pair is produced;
/// the input is never silently truncated.
///
/// ```
/// use springbok_form_urlencoded::{Mode, Options};
/// let opts = Options::new().mode(Mode::Perl).max_pairs(100).max_input_bytes(64 << 10);
/// assert_eq!((opts.get_mode(), opts.get_max_pairs()), (Mode::Perl, 100));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    mode: Mode,
    max_pairs: usize,
    max_input_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

impl Options {
    /// WHATWG mode, [`DEFAULT_MAX_PAIRS`], [`DEFAULT_MAX_INPUT_BYTES`].
    pub const fn new() -> Self {
        Options { mode: Mode::Whatwg, max_pairs: DEFAULT_MAX_PAIRS, max_input_bytes: DEFAULT_MAX_INPUT_BYTES }
    }

    /// The default limits in Perl compatibility mode.
    pub const fn perl() -> Self {
        Options::new().mode(Mode::Perl)
    }

    /// No limits at all (for input already bounded by the caller).
    pub const fn unlimited() -> Self {
        Options::new().max_pairs(usize::MAX).max_input_bytes(usize::MAX)
    }

    /// Sets the splitting mode.
    pub const fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the largest number of pairs accepted (`max_pairs` pairs parse, one more is an
    /// error).
    pub const fn max_pairs(mut self, max_pairs: usize) -> Self {
        self.max_pairs = max_pairs;
        self
    }

    /// Sets the largest input length in bytes accepted.
    pub const fn max_input_bytes(mut self, max_input_bytes: usize) -> Self {
        self.max_input_bytes = max_input_bytes;
        self
    }

    /// The splitting mode.
    pub const fn get_mode(&self) -> Mode {
        self.mode
    }

    /// The pair limit.
    pub const fn get_max_pairs(&self) -> usize {
        self.max_pairs
    }

    /// The input length limit.
    pub const fn get_max_input_bytes(&self) -> usize {
        self.max_input_bytes
    }
}
