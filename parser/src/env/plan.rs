//! Exact storage first, then the env: [`EnvConfig::plan`] works out what a
//! request's env needs (cheaply for a request the fast path takes: one
//! classification and a count), and [`EnvPlan::write`] hands the pairs to a
//! callback, building the rest in an arena of exactly that size. For a
//! caller that must write nothing unless everything fits (the C ABI), or
//! that stores pairs somewhere other than a slice.

use super::keys::KEY_GENERATED;
use super::{fast, Arena, EnvConfig, EnvError, EnvPair, EnvSizes, Fixed, HeaderMode, Stop};
use core::cell::Cell;

use crate::Request;

/// The storage a request's env needs and how its headers will be walked,
/// from [`EnvConfig::plan`]; [`EnvPlan::write`] produces the env.
#[derive(Clone)]
pub struct EnvPlan<'r, 'b, 'h> {
    config: EnvConfig,
    req: &'r Request<'b, 'h>,
    fixed: Fixed<'b>,
    /// Known when the plan is made for a usual request; walked for (once)
    /// otherwise.
    sizes: Cell<Option<EnvSizes>>,
    /// Whether the fast path takes the request, and then its codes.
    fast: bool,
    codes: [u8; fast::MAX_HEADERS],
}

impl core::fmt::Debug for EnvPlan<'_, '_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EnvPlan").field("sizes", &self.sizes()).field("usual", &self.fast).finish()
    }
}

impl EnvConfig {
    /// Plans `req`'s env: the pairs and arena bytes it needs
    /// ([`EnvPlan::sizes`]), then [`EnvPlan::write`] writes it. Fails as
    /// [`flatten`](Self::flatten) would for a bad request.
    ///
    /// ```
    /// use springbok_parser::env::{EnvConfig, EnvSizes};
    /// use springbok_parser::{parse_request, EMPTY_HEADER};
    ///
    /// let buf = b"GET /a%20b HTTP/1.1\r\nHost: h\r\nX-Id: 7\r\n\r\n";
    /// let mut headers = [EMPTY_HEADER; 8];
    /// let req = parse_request(buf, &mut headers).unwrap().complete().unwrap();
    /// let plan = EnvConfig::psgi().plan(&req).unwrap();
    /// // "/a b" and "HTTP_X_ID" are built; the rest borrows the request.
    /// assert_eq!(plan.sizes(), EnvSizes { pairs: 8, arena: 4 + 9 });
    ///
    /// let mut arena = vec![0u8; plan.sizes().arena];
    /// let mut env = Vec::new();
    /// plan.write(&mut arena, |pair| env.push((pair.key.to_vec(), pair.value.to_vec()))).unwrap();
    /// assert_eq!(env[3], (b"PATH_INFO".to_vec(), b"/a b".to_vec()));
    /// assert_eq!(env[7], (b"HTTP_X_ID".to_vec(), b"7".to_vec()));
    /// ```
    #[inline]
    pub fn plan<'r, 'b, 'h>(&self, req: &'r Request<'b, 'h>) -> Result<EnvPlan<'r, 'b, 'h>, EnvError> {
        self.start_plan(req)
    }

    /// The fixed pairs and the fast path's classification; the sizes too
    /// when the fast path takes the request.
    #[inline(always)]
    fn start_plan<'r, 'b, 'h>(&self, req: &'r Request<'b, 'h>) -> Result<EnvPlan<'r, 'b, 'h>, EnvError> {
        // Built in place: the plan is returned by value, codes and all.
        let mut plan = EnvPlan {
            config: *self,
            req,
            fixed: self.fixed(req)?,
            sizes: Cell::new(None),
            fast: false,
            codes: [KEY_GENERATED; fast::MAX_HEADERS],
        };
        plan.fast = fast::classify(req.headers, &self.ctx(req.headers), &mut plan.codes).is_some();
        if plan.fast {
            // One pair a header; a generated key is `HTTP_` and the name.
            let mut sizes = plan.fixed.sizes(self);
            sizes.pairs += req.headers.len();
            for (h, &code) in req.headers.iter().zip(&plan.codes) {
                if code == KEY_GENERATED {
                    sizes.arena += 5 + h.name.len();
                }
            }
            plan.sizes.set(Some(sizes));
        }
        Ok(plan)
    }
}

impl<'b> EnvPlan<'_, 'b, '_> {
    /// The pairs and arena bytes the env needs: known from the plan for a
    /// [usual](Self::is_usual) request, else walked for on the first call.
    #[inline]
    pub fn sizes(&self) -> EnvSizes {
        if let Some(sizes) = self.sizes.get() {
            return sizes;
        }
        let mut sizes = EnvSizes { pairs: 0, arena: 0 };
        let walked = self.config.walk_fixed(self.req, &self.fixed, HeaderMode::General, |ctx, key, value| {
            sizes.pairs += 1;
            sizes.arena += ctx.arena_len(key) + ctx.arena_len(value);
            Ok::<(), EnvError>(())
        });
        // The checks that can fail a request ran when it was planned.
        debug_assert!(walked.is_ok());
        self.sizes.set(Some(sizes));
        sizes
    }

    /// Whether the request is a usual one (one header a key, no obs-fold, no
    /// `_` in a name), whose sizes the plan knows without a walk. For any
    /// other, [`sizes`](Self::sizes) walks the request once and
    /// [`write`](Self::write) again, and a caller may rather flatten it in
    /// one walk into storage of a guessed size ([`EnvConfig::try_flatten`]).
    ///
    /// ```
    /// use springbok_parser::env::EnvConfig;
    /// use springbok_parser::{parse_request, EMPTY_HEADER};
    ///
    /// let mut headers = [EMPTY_HEADER; 8];
    /// let usual = parse_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", &mut headers).unwrap().complete().unwrap();
    /// assert!(EnvConfig::psgi().plan(&usual).unwrap().is_usual());
    /// let mut headers = [EMPTY_HEADER; 8];
    /// let joined = parse_request(b"GET / HTTP/1.1\r\nA: 1\r\na: 2\r\n\r\n", &mut headers).unwrap().complete().unwrap();
    /// assert!(!EnvConfig::psgi().plan(&joined).unwrap().is_usual());
    /// ```
    #[inline]
    pub fn is_usual(&self) -> bool {
        self.fast
    }

    /// Calls `put` with every pair of the env, in order, building the bytes
    /// that are not borrowed in `arena` (its first
    /// [`sizes().arena`](Self::sizes) bytes). Returns the sizes; fails only
    /// with [`EnvError::ArenaTooSmall`], before calling `put`, when `arena`
    /// is shorter.
    #[inline]
    pub fn write(&self, arena: &'b mut [u8], mut put: impl FnMut(EnvPair<'b>)) -> Result<EnvSizes, EnvError> {
        let sizes = self.sizes();
        if arena.len() < sizes.arena {
            return Err(EnvError::ArenaTooSmall { needed: sizes.arena });
        }
        let mut arena = Arena { rest: arena };
        let mode = if self.fast { HeaderMode::Classified(&self.codes) } else { HeaderMode::General };
        let walked = self.config.walk_fixed(self.req, &self.fixed, mode, |ctx, key, value| {
            let key = ctx.build(key, &mut arena).ok_or(Stop::Full)?;
            let value = ctx.build(value, &mut arena).ok_or(Stop::Full)?;
            put(EnvPair { key, value });
            Ok::<(), Stop>(())
        });
        match walked {
            Ok(()) => Ok(sizes),
            // The plan measured the same walk; neither can happen.
            Err(Stop::Full) => Err(EnvError::ArenaTooSmall { needed: sizes.arena }),
            Err(Stop::Env(e)) => Err(e),
        }
    }
}
