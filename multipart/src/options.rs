//! Parser options: behaviour switches that are not limits.

/// Options for [`Parser::with_options`](crate::Parser::with_options); the
/// default is strict RFC 7578.
///
/// ```
/// use springbok_multipart::{Limits, Options, Parser};
///
/// let mut options = Options::default();
/// options.unfold_headers = true;
/// let mut parser = Parser::with_options(b"b", Limits::default(), options)?;
/// let body = b"--b\r\nContent-Disposition: form-data;\r\n\tname=\"folded\"\r\n\r\nv\r\n--b--";
/// let (_, event) = parser.feed(body)?;
/// let springbok_multipart::Event::PartStart(part) = event else { unreachable!() };
/// assert_eq!(part.name().as_deref(), Some(&b"folded"[..]));
/// assert_eq!(part.header(b"content-disposition"), Some(&b"form-data; name=\"folded\""[..]));
/// # Ok::<(), springbok_multipart::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Accept folded part header lines (obs-fold: a line starting with SP
    /// or HTAB continues the previous header) and replace each fold, with
    /// the whitespace around it, by one SP, as RFC 9112 §5.2 says a
    /// recipient that accepts folds must. MIME (RFC 5322) allows folding,
    /// browsers never fold part headers and RFC 7578 senders should not;
    /// by default a fold is an [`ErrorKind::PartHeaders`](crate::ErrorKind::PartHeaders)
    /// error (the header-block parser's `ObsFold`). The unfolded values are
    /// what [`Part::headers`](crate::Part::headers),
    /// [`Part::name`](crate::Part::name) and the rest see;
    /// [`Part::raw_headers`](crate::Part::raw_headers) keeps the folds.
    /// Each unfolded value is a copy, so a part's header buffer can grow to
    /// twice [`Limits::max_header_bytes`](crate::Limits::max_header_bytes).
    /// Default `false`.
    pub unfold_headers: bool,
}
