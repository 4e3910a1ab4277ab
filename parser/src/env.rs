//! CGI-style environment flattening: one pass over a parsed [`Request`]
//! producing the key/value pairs a PSGI or Rack application expects in its
//! env hash, without allocating.
//!
//! The caller provides the pair storage (`&mut [EnvPair]`) and a byte arena
//! for the bytes that are not already in the request buffer: generated
//! `HTTP_*` names of uncommon headers, joined duplicate values, and the
//! percent-decoded PSGI `PATH_INFO`. Everything else borrows the request
//! buffer or a `'static` string. [`EnvConfig::sizes`] says how much of each a
//! request needs, so a C caller can allocate once; [`EnvConfig::max_pairs`]
//! bounds the pair count from the header count alone.
//!
//! # Keys
//!
//! | key | PSGI ([`Flavor::Psgi`]) | Rack ([`Flavor::Rack`]) |
//! | --- | --- | --- |
//! | `REQUEST_METHOD` | method | method |
//! | `REQUEST_URI` | the target, raw, fragment included | the target before any `#` (Puma's parser) |
//! | `SCRIPT_NAME` | `""` | `""` (Puma's `Binder` default) |
//! | `PATH_INFO` | the target before `?`/`#`, percent-decoded | `REQUEST_PATH`, raw (Puma's `normalize_env`) |
//! | `QUERY_STRING` | after the first `?`, before `#`; `""` without `?` | same (Puma's parser; `""` default from Puma's `Binder`) |
//! | `SERVER_PROTOCOL` | `HTTP/1.0` or `HTTP/1.1` | same |
//! | `REQUEST_PATH` | — | the path: origin-form before `?`; `*`; the path of an absolute-form URI (Puma's parser, then `normalize_env`'s `URI.parse` fallback) |
//! | `FRAGMENT` | — | after `#`, only when the target has one (Puma's parser) |
//! | `HTTP_VERSION` | — | `SERVER_PROTOCOL` again, when [`EnvConfig::rack_http_version`] (Puma's `normalize_env`, which does it for Rack < 3.1) |
//! | `CONTENT_TYPE`, `CONTENT_LENGTH` | from `Content-Type`/`Content-Length` | same |
//! | `HTTP_*` | every other header | same |
//!
//! The fixed keys come first, in the order of the table, then one pair per
//! distinct header key in first-seen order. `HTTP_*` names are `HTTP_` and the
//! header name upper-cased (ASCII) with `-` replaced by `_`; other `tchar`s
//! (`.`, `~`, `!`, …) are kept, as HTTP::Parser::XS and Puma keep them.
//! Headers whose names map to the same key are joined with `", "` into the
//! position of the first one (`CONTENT_TYPE`/`CONTENT_LENGTH` included, as in
//! both peers: the framing rules, not the env, decide whether two
//! Content-Length headers are acceptable). `HTTP_CONTENT_TYPE` and
//! `HTTP_CONTENT_LENGTH` are never emitted. Every key appears at most once.
//!
//! Obsolete line folding (only present when the parser was configured to
//! accept it): the pieces of a folded value are joined with one SP
//! (RFC 9112 §5.2), whether the parser reported them with
//! [`ObsFold::Continuation`](crate::ObsFold::Continuation) or
//! [`ObsFold::Span`](crate::ObsFold::Span), so no value contains CR or LF.
//!
//! # Header names with `_`
//!
//! `X_Forwarded_For` and `X-Forwarded-For` both map to
//! `HTTP_X_FORWARDED_FOR`: a client can spoof a header a proxy sets (the proxy
//! forwards the underscore spelling untouched). [`Underscores`] says what to
//! do; the default drops such headers.
//!
//! # Differences from HTTP::Parser::XS (PSGI)
//!
//! Measured against HTTP::Parser::XS 0.17 by the golden test
//! (`tests/data/psgi_env_golden.pl`). With [`Underscores::Allow`] the env is
//! identical except:
//! - `%00` in the path: XS truncates `PATH_INFO` at the decoded NUL (it
//!   copies a C string); here the decoded bytes are kept whole.
//! - `Content_Type`/`Content_Length`: XS emits `HTTP_CONTENT_TYPE` /
//!   `HTTP_CONTENT_LENGTH`; here they are dropped under every policy.
//! - The parser trims trailing whitespace from values (RFC 9110 OWS); XS's
//!   bundled picohttpparser keeps it. Folded lines: XS appends a continuation
//!   line with its leading whitespace; here it is one SP.
//!
//! # Example
//!
//! ```
//! use springbok_parser::env::{EnvConfig, EnvPair, EMPTY_PAIR};
//! use springbok_parser::{parse_request, EMPTY_HEADER};
//!
//! let buf = b"GET /caf%C3%A9?x=1 HTTP/1.1\r\nHost: example.com\r\nX-Custom: a\r\nx-custom: b\r\n\r\n";
//! let mut headers = [EMPTY_HEADER; 16];
//! let req = parse_request(buf, &mut headers).unwrap().complete().unwrap();
//!
//! let config = EnvConfig::psgi();
//! let sizes = config.sizes(&req).unwrap();
//! let mut pairs = [EMPTY_PAIR; EnvConfig::max_pairs(16)];
//! let mut arena = [0u8; 256];
//! assert!(sizes.pairs <= pairs.len() && sizes.arena <= arena.len());
//!
//! let env = config.flatten(&req, &mut pairs, &mut arena).unwrap();
//! let get = |k: &str| env.iter().find(|p| p.key == k.as_bytes()).map(|p| p.value);
//! assert_eq!(get("PATH_INFO"), Some("/café".as_bytes()));
//! assert_eq!(get("QUERY_STRING"), Some(&b"x=1"[..]));
//! assert_eq!(get("HTTP_HOST"), Some(&b"example.com"[..]));
//! assert_eq!(get("HTTP_X_CUSTOM"), Some(&b"a, b"[..]));
//! assert_eq!(env.len(), sizes.pairs);
//! ```

use core::fmt;

mod build;
mod fast;
mod keys;
mod plan;
mod target;

pub use plan::EnvPlan;

use keys::{has_byte, KeyArrays, Keys, Role, COMMON, KEY_COMMON, KEY_CONTENT_LENGTH, KEY_CONTENT_TYPE, KEY_GENERATED};

use springbok_percent::validate_strict;

use crate::{Header, Request};
use build::{Arena, Ctx, Spec};
use target::Target;

/// One env entry: a key and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnvPair<'a> {
    /// The key, e.g. `REQUEST_METHOD` or `HTTP_USER_AGENT`.
    pub key: &'a [u8],
    /// The value.
    pub value: &'a [u8],
}

/// An empty pair, for initialising pair storage: `[EMPTY_PAIR; 64]`.
pub const EMPTY_PAIR: EnvPair<'static> = EnvPair { key: b"", value: b"" };

/// Which application interface the env is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Flavor {
    /// PSGI, exactly as HTTP::Parser::XS's `parse_http_request` fills
    /// `%env` (and pico_http_parser for Ruby): `PATH_INFO` percent-decoded
    /// with the fragment stripped; an invalid `%XX` in it is
    /// [`EnvError::BadPercentEncoding`].
    #[default]
    Psgi,
    /// Rack, as Puma builds its env: `PATH_INFO` raw, plus `REQUEST_PATH`,
    /// `FRAGMENT` (when present) and optionally `HTTP_VERSION`.
    Rack,
}

/// What to do with a header whose name contains `_`.
///
/// After the `-` → `_` mapping such a name collides with the dashed spelling
/// (`X_Forwarded_For` vs `X-Forwarded-For`), which lets a client smuggle a
/// value past a proxy that only rewrites the dashed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Underscores {
    /// Leave the header out of the env, as nginx does with
    /// `underscores_in_headers off` (its default). (Puma differs: it keeps
    /// such a header unless a dashed header maps to the same key, and then
    /// drops the underscore one.)
    #[default]
    Drop,
    /// Fail with [`EnvError::UnderscoreHeader`] (answer 400).
    Reject,
    /// Map `_` like `-`, as HTTP::Parser::XS does: `X_Foo` and `X-Foo` both
    /// become `HTTP_X_FOO` and are joined with `", "` in header order. The
    /// one exception: a name that would map to `CONTENT_TYPE` or
    /// `CONTENT_LENGTH` without being spelled with `-` (`Content_Length`) is
    /// dropped — XS emits it as `HTTP_CONTENT_LENGTH`, which is never
    /// emitted here.
    Allow,
}

/// How to flatten: the flavour, the underscore policy, and Rack options.
///
/// ```
/// use springbok_parser::env::{EnvConfig, Flavor, Underscores};
///
/// let mut config = EnvConfig::rack();
/// config.underscores = Underscores::Reject;
/// config.rack_http_version = false;
/// assert_eq!(config.flavor, Flavor::Rack);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct EnvConfig {
    /// PSGI or Rack.
    pub flavor: Flavor,
    /// The policy for header names containing `_`. Default: [`Underscores::Drop`].
    pub underscores: Underscores,
    /// Rack only: emit `HTTP_VERSION` (= `SERVER_PROTOCOL`), as Puma does
    /// when the loaded Rack is older than 3.1 (Debian's Rack 2.2). A client
    /// `Version` header, which would also map to `HTTP_VERSION`, is then
    /// dropped (Puma overwrites it). Default: `true` for [`EnvConfig::rack`].
    pub rack_http_version: bool,
    /// Whether header values may hold raw obs-folds (line breaks inside the
    /// value), as a parser with [`ObsFold::Span`](crate::ObsFold::Span)
    /// leaves them: every value is then searched for a line break, and a
    /// fold's pieces are joined with one SP. `false` skips that search; it
    /// is right for requests from a parser with any other `obs_fold`
    /// (set by [`EnvConfig::for_parser`]); a raw fold would otherwise reach
    /// the env as sent. Default: `true`.
    pub raw_folds: bool,
}

impl Default for EnvConfig {
    fn default() -> Self {
        EnvConfig::psgi()
    }
}

/// How much storage a request's env needs; see [`EnvConfig::sizes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnvSizes {
    /// Number of pairs.
    pub pairs: usize,
    /// Bytes of arena.
    pub arena: usize,
}

/// Why a request could not be flattened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EnvError {
    /// PSGI: a `%` in the path part of the target not followed by two hex
    /// digits. `offset` is the position of that `%` in the request-target.
    /// Answer 400.
    BadPercentEncoding {
        /// Offset of the `%` in the request-target.
        offset: usize,
    },
    /// [`Underscores::Reject`]: the header at `index` (in
    /// [`Request::headers`]) has a `_` in its name. Answer 400.
    UnderscoreHeader {
        /// Index of the header in the request's header list.
        index: usize,
    },
    /// The pair storage holds fewer than `needed` pairs.
    PairsTooSmall {
        /// The number of pairs this request needs.
        needed: usize,
    },
    /// The arena is shorter than `needed` bytes.
    ArenaTooSmall {
        /// The arena length this request needs.
        needed: usize,
    },
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            EnvError::BadPercentEncoding { offset } => {
                write!(f, "invalid percent-encoding in the path at byte {offset} of the request-target")
            }
            EnvError::UnderscoreHeader { index } => write!(f, "header {index} has an underscore in its name"),
            EnvError::PairsTooSmall { needed } => write!(f, "env pair storage too small: {needed} pairs needed"),
            EnvError::ArenaTooSmall { needed } => write!(f, "env arena too small: {needed} bytes needed"),
        }
    }
}

impl core::error::Error for EnvError {}

/// The most fixed (non-header) keys any flavour emits.
const MAX_FIXED: usize = 9;

/// Storage ran out while writing (the real sizes are computed afterwards).
enum Stop {
    Env(EnvError),
    Full,
}

impl From<EnvError> for Stop {
    fn from(e: EnvError) -> Stop {
        Stop::Env(e)
    }
}

/// What the fixed pairs are made of, from [`EnvConfig::fixed`].
#[derive(Clone, Copy)]
struct Fixed<'b> {
    target: Target<'b>,
    path_info: Spec<'b>,
}

impl Fixed<'_> {
    /// The fixed pairs of `config` for this request, and the arena bytes
    /// they need (a decoded PSGI path).
    fn sizes(&self, config: &EnvConfig) -> EnvSizes {
        let rack = config.flavor == Flavor::Rack;
        let pairs = 6
            + usize::from(rack) * (1 + usize::from(self.target.fragment.is_some()))
            + usize::from(rack && config.rack_http_version);
        let arena = match self.path_info {
            Spec::Decoded(_, len) => len,
            _ => 0,
        };
        EnvSizes { pairs, arena }
    }
}

impl EnvConfig {
    /// PSGI flavour (HTTP::Parser::XS), underscores dropped.
    pub const fn psgi() -> EnvConfig {
        EnvConfig { flavor: Flavor::Psgi, underscores: Underscores::Drop, rack_http_version: false, raw_folds: true }
    }

    /// Rack flavour (Puma), underscores dropped, `HTTP_VERSION` emitted.
    pub const fn rack() -> EnvConfig {
        EnvConfig { flavor: Flavor::Rack, underscores: Underscores::Drop, rack_http_version: true, raw_folds: true }
    }

    /// This config for requests parsed with `parser`: [`raw_folds`](Self::raw_folds)
    /// only when `parser` leaves folds in values ([`ObsFold::Span`](crate::ObsFold::Span)).
    ///
    /// ```
    /// use springbok_parser::env::EnvConfig;
    /// use springbok_parser::{ObsFold, ParserConfig};
    ///
    /// assert!(!EnvConfig::psgi().for_parser(&ParserConfig::new()).raw_folds);
    /// let mut span = ParserConfig::picohttpparser_compatible();
    /// span.obs_fold = ObsFold::Span;
    /// assert!(EnvConfig::psgi().for_parser(&span).raw_folds);
    /// ```
    pub const fn for_parser(mut self, parser: &crate::ParserConfig) -> EnvConfig {
        self.raw_folds = matches!(parser.obs_fold, crate::ObsFold::Span);
        self
    }

    /// An upper bound on the pairs any request with `headers` header lines
    /// needs, under any configuration: size pair storage with it to never
    /// see [`EnvError::PairsTooSmall`].
    ///
    /// ```
    /// use springbok_parser::env::{EnvConfig, EMPTY_PAIR};
    /// let pairs = [EMPTY_PAIR; EnvConfig::max_pairs(64)];
    /// assert!(pairs.len() >= 64);
    /// ```
    pub const fn max_pairs(headers: usize) -> usize {
        MAX_FIXED + headers
    }

    /// The storage `req`'s env needs: pairs, and arena bytes. Fails as
    /// [`flatten`](Self::flatten) would for a bad request
    /// ([`EnvError::BadPercentEncoding`], [`EnvError::UnderscoreHeader`]),
    /// never for storage.
    ///
    /// ```
    /// use springbok_parser::env::{EnvConfig, EnvSizes};
    /// use springbok_parser::{parse_request, EMPTY_HEADER};
    ///
    /// let buf = b"GET / HTTP/1.1\r\nHost: a\r\nX-Rare-Header: 1\r\n\r\n";
    /// let mut headers = [EMPTY_HEADER; 8];
    /// let req = parse_request(buf, &mut headers).unwrap().complete().unwrap();
    /// // Six fixed keys and two headers; `HTTP_HOST` is a static key,
    /// // `HTTP_X_RARE_HEADER` (18 bytes) goes in the arena.
    /// assert_eq!(EnvConfig::psgi().sizes(&req), Ok(EnvSizes { pairs: 8, arena: 18 }));
    /// ```
    pub fn sizes(&self, req: &Request<'_, '_>) -> Result<EnvSizes, EnvError> {
        let mut sizes = EnvSizes { pairs: 0, arena: 0 };
        self.walk(req, |ctx, key, value| {
            sizes.pairs += 1;
            sizes.arena += ctx.arena_len(key) + ctx.arena_len(value);
            Ok::<(), EnvError>(())
        })?;
        Ok(sizes)
    }

    /// Flattens `req` into `pairs`, building what is not borrowed in
    /// `arena`; returns the filled prefix of `pairs`.
    ///
    /// Duplicate detection compares each header name with the earlier
    /// ones (no hash table, no allocation): O(n²) name comparisons for n
    /// headers, each rejected on length first, so bounded by the header
    /// storage the caller gave the parser.
    ///
    /// When storage runs out the error carries the full need of the kind
    /// that ran out ([`EnvError::PairsTooSmall`] is checked first); the
    /// content of `pairs` and `arena` is then unspecified.
    ///
    /// ```
    /// use springbok_parser::env::{EnvConfig, EnvError, EMPTY_PAIR};
    /// use springbok_parser::{parse_request, EMPTY_HEADER};
    ///
    /// let buf = b"GET /a/b%2Fc?q#frag HTTP/1.1\r\nX-Long-Name: 1\r\n\r\n";
    /// let mut headers = [EMPTY_HEADER; 8];
    /// let req = springbok_parser::ParserConfig::picohttpparser_compatible()
    ///     .parse_request(buf, 0, &mut headers).unwrap().complete().unwrap();
    ///
    /// let mut pairs = [EMPTY_PAIR; 16];
    /// let mut tiny = [0u8; 4];
    /// let err = EnvConfig::rack().flatten(&req, &mut pairs, &mut tiny).unwrap_err();
    /// assert_eq!(err, EnvError::ArenaTooSmall { needed: 16 });
    ///
    /// let mut arena = [0u8; 16];
    /// let env = EnvConfig::rack().flatten(&req, &mut pairs, &mut arena).unwrap();
    /// let get = |k: &str| env.iter().find(|p| p.key == k.as_bytes()).unwrap().value;
    /// assert_eq!(get("PATH_INFO"), b"/a/b%2Fc");
    /// assert_eq!(get("REQUEST_URI"), b"/a/b%2Fc?q");
    /// assert_eq!(get("FRAGMENT"), b"frag");
    /// assert_eq!(get("HTTP_VERSION"), b"HTTP/1.1");
    /// ```
    pub fn flatten<'a, 'p>(
        &self,
        req: &Request<'a, '_>,
        pairs: &'p mut [EnvPair<'a>],
        arena: &'a mut [u8],
    ) -> Result<&'p [EnvPair<'a>], EnvError> {
        let n = match self.fill(req, pairs, arena) {
            Ok(n) => n,
            Err(Stop::Env(e)) => return Err(e),
            Err(Stop::Full) => {
                let sizes = self.sizes(req)?;
                return Err(if pairs.len() < sizes.pairs {
                    EnvError::PairsTooSmall { needed: sizes.pairs }
                } else {
                    EnvError::ArenaTooSmall { needed: sizes.arena }
                });
            }
        };
        Ok(&pairs[..n])
    }

    /// [`EnvConfig::flatten`] for a caller that tries storage of a guessed
    /// size and sizes the env only when that was not enough: `Ok(None)` when
    /// `pairs` or `arena` is too small (what was written to them is then
    /// meaningless), without the second walk that computing the needed sizes
    /// costs.
    ///
    /// ```
    /// use springbok_parser::env::{EnvConfig, EMPTY_PAIR};
    /// use springbok_parser::{parse_request, EMPTY_HEADER};
    ///
    /// let buf = b"GET / HTTP/1.1\r\nX-Custom: a\r\nx-custom: b\r\n\r\n";
    /// let mut headers = [EMPTY_HEADER; 4];
    /// let req = parse_request(buf, &mut headers).unwrap().complete().unwrap();
    /// let config = EnvConfig::psgi();
    /// let mut pairs = [EMPTY_PAIR; EnvConfig::max_pairs(4)];
    /// let mut small = [0u8; 8];
    /// assert_eq!(config.try_flatten(&req, &mut pairs, &mut small).unwrap(), None);
    /// let mut pairs = [EMPTY_PAIR; EnvConfig::max_pairs(4)];
    /// let mut arena = [0u8; 64];
    /// let env = config.try_flatten(&req, &mut pairs, &mut arena).unwrap().unwrap();
    /// assert_eq!(env.last().unwrap().value, b"a, b");
    /// ```
    pub fn try_flatten<'a, 'p>(
        &self,
        req: &Request<'a, '_>,
        pairs: &'p mut [EnvPair<'a>],
        arena: &'a mut [u8],
    ) -> Result<Option<&'p [EnvPair<'a>]>, EnvError> {
        match self.fill(req, pairs, arena) {
            Ok(n) => Ok(Some(&pairs[..n])),
            Err(Stop::Env(e)) => Err(e),
            Err(Stop::Full) => Ok(None),
        }
    }

    /// The walk that writes the pairs: how many, or where it stopped.
    fn fill<'a>(&self, req: &Request<'a, '_>, pairs: &mut [EnvPair<'a>], arena: &'a mut [u8]) -> Result<usize, Stop> {
        self.fill_with(req, pairs, arena, true)
    }

    /// [`EnvConfig::fill`], with the fast path for usual headers allowed or
    /// not (the tests compare the two).
    #[inline(always)]
    fn fill_with<'a>(
        &self,
        req: &Request<'a, '_>,
        pairs: &mut [EnvPair<'a>],
        arena: &'a mut [u8],
        fast: bool,
    ) -> Result<usize, Stop> {
        let mut arena = Arena { rest: arena };
        let mut n = 0;
        let mode = if fast { HeaderMode::Auto } else { HeaderMode::General };
        self.walk_with(req, mode, |ctx, key, value| {
            let slot = pairs.get_mut(n).ok_or(Stop::Full)?;
            let key = ctx.build(key, &mut arena).ok_or(Stop::Full)?;
            let value = ctx.build(value, &mut arena).ok_or(Stop::Full)?;
            *slot = EnvPair { key, value };
            n += 1;
            Ok::<(), Stop>(())
        })?;
        Ok(n)
    }

    /// The one pass: calls `emit(key, value)` for every pair, in order.
    fn walk<'b, E: From<EnvError>>(
        &self,
        req: &Request<'b, '_>,
        emit: impl FnMut(&Ctx<'b, '_>, Spec<'b>, Spec<'b>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.walk_with(req, HeaderMode::Auto, emit)
    }

    /// What a walk needs to know about the headers.
    fn ctx<'b, 'h>(&self, headers: &'h [Header<'b>]) -> Ctx<'b, 'h> {
        Ctx {
            headers,
            underscores: self.underscores,
            drop_version: self.flavor == Flavor::Rack && self.rack_http_version,
            raw_folds: self.raw_folds,
        }
    }

    /// The fixed pairs' inputs, with the checks that can fail a request
    /// (an underscore name under [`Underscores::Reject`], a bad `%` in the
    /// PSGI path): everything before the first pair is emitted.
    #[inline(always)]
    fn fixed<'b>(&self, req: &Request<'b, '_>) -> Result<Fixed<'b>, EnvError> {
        if self.underscores == Underscores::Reject {
            if let Some(index) = req.headers.iter().position(|h| memchr::memchr(b'_', h.name).is_some()) {
                return Err(EnvError::UnderscoreHeader { index });
            }
        }
        let rack = self.flavor == Flavor::Rack;
        let (target, percent) = if rack { (Target::rack(req.target), false) } else { Target::psgi(req.target) };
        let path_info = if !percent {
            Spec::Borrowed(target.path)
        } else {
            validate_strict(target.path).map_err(|e| EnvError::BadPercentEncoding { offset: e.offset() })?;
            let escapes = memchr::memchr_iter(b'%', target.path).count();
            Spec::Decoded(target.path, target.path.len() - 2 * escapes)
        };
        Ok(Fixed { target, path_info })
    }

    #[inline(always)]
    fn walk_with<'b, E: From<EnvError>>(
        &self,
        req: &Request<'b, '_>,
        mode: HeaderMode<'_>,
        emit: impl FnMut(&Ctx<'b, '_>, Spec<'b>, Spec<'b>) -> Result<(), E>,
    ) -> Result<(), E> {
        let fixed = self.fixed(req)?;
        self.walk_fixed(req, &fixed, mode, emit)
    }

    /// The walk after [`EnvConfig::fixed`].
    #[inline(always)]
    fn walk_fixed<'b, E: From<EnvError>>(
        &self,
        req: &Request<'b, '_>,
        fixed: &Fixed<'b>,
        mode: HeaderMode<'_>,
        mut emit: impl FnMut(&Ctx<'b, '_>, Spec<'b>, Spec<'b>) -> Result<(), E>,
    ) -> Result<(), E> {
        let headers = req.headers;
        let rack = self.flavor == Flavor::Rack;
        let ctx = self.ctx(headers);
        let protocol: &'static [u8] = if req.minor_version == 0 { b"HTTP/1.0" } else { b"HTTP/1.1" };
        let b = Spec::Borrowed;
        let target = &fixed.target;

        emit(&ctx, b(b"REQUEST_METHOD"), b(req.method))?;
        emit(&ctx, b(b"REQUEST_URI"), b(target.uri))?;
        emit(&ctx, b(b"SCRIPT_NAME"), b(b""))?;
        emit(&ctx, b(b"PATH_INFO"), fixed.path_info)?;
        emit(&ctx, b(b"QUERY_STRING"), b(target.query))?;
        emit(&ctx, b(b"SERVER_PROTOCOL"), b(protocol))?;
        if rack {
            emit(&ctx, b(b"REQUEST_PATH"), b(target.path))?;
            if let Some(fragment) = target.fragment {
                emit(&ctx, b(b"FRAGMENT"), b(fragment))?;
            }
            if self.rack_http_version {
                emit(&ctx, b(b"HTTP_VERSION"), b(protocol))?;
            }
        }

        if headers.is_empty() {
            return Ok(());
        }
        let mut own = [KEY_GENERATED; fast::MAX_HEADERS];
        let classified = match mode {
            HeaderMode::Auto => fast::classify(headers, &ctx, &mut own).map(|()| &own),
            HeaderMode::General => None,
            HeaderMode::Classified(codes) => Some(codes),
        };
        if let Some(codes) = classified {
            for (h, &code) in headers.iter().zip(codes) {
                emit(&ctx, static_or_generated(code, h.name), b(h.value))?;
            }
            return Ok(());
        }
        let mut arrays = KeyArrays::new();
        let keys = Keys::new(headers, &ctx, &mut arrays);
        for (i, h) in headers.iter().enumerate() {
            let Role::First { repeated } = keys.role(i, &ctx) else {
                continue;
            };
            let key = static_or_generated(keys.fact(i).key, h.name);
            let folded =
                headers.get(i + 1).is_some_and(|c| c.name.is_empty()) || (self.raw_folds && has_byte(b'\n', h.value));
            let value = if folded || repeated { Spec::Joined(i) } else { b(h.value) };
            emit(&ctx, key, value)?;
        }
        Ok(())
    }
}

/// How a walk takes the headers.
#[derive(Clone, Copy)]
enum HeaderMode<'c> {
    /// The fast path when [`fast::classify`] takes the request, else the
    /// general walk.
    Auto,
    /// The general walk (the definition).
    General,
    /// The fast path, with these codes from an earlier [`fast::classify`]
    /// of the same headers.
    Classified(&'c [u8; fast::MAX_HEADERS]),
}

/// The key of a header with key code `code` (a `KEY_*`) and name `name`.
#[inline(always)]
fn static_or_generated(code: u8, name: &[u8]) -> Spec<'_> {
    match code {
        KEY_CONTENT_TYPE => Spec::Borrowed(b"CONTENT_TYPE"),
        KEY_CONTENT_LENGTH => Spec::Borrowed(b"CONTENT_LENGTH"),
        KEY_GENERATED => Spec::HttpName(name),
        k => Spec::Borrowed(COMMON[(k - KEY_COMMON) as usize].as_bytes()),
    }
}

#[cfg(test)]
impl EnvConfig {
    /// [`EnvConfig::flatten`] without the fast path: the definition the fast
    /// path is compared with.
    pub(crate) fn flatten_general<'a, 'p>(
        &self,
        req: &Request<'a, '_>,
        pairs: &'p mut [EnvPair<'a>],
        arena: &'a mut [u8],
    ) -> Result<&'p [EnvPair<'a>], EnvError> {
        match self.fill_with(req, pairs, arena, false) {
            Ok(n) => Ok(&pairs[..n]),
            Err(Stop::Env(e)) => Err(e),
            Err(Stop::Full) => panic!("test storage too small"),
        }
    }
}
