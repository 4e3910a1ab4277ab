//! Parser configuration: strict RFC 9112 by default, every leniency a named
//! opt-in flag, every resource a documented limit.

/// What to do with obsolete line folding (`obs-fold`, RFC 9112 §5.2): a
/// header line that starts with SP or HTAB and continues the previous
/// header's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ObsFold {
    /// Reject with [`ErrorKind::ObsFold`](crate::ErrorKind::ObsFold), as
    /// RFC 9112 §5.2 allows a server to (and as llhttp does by default).
    #[default]
    Reject,
    /// Surface each continuation line as its own [`Header`](crate::Header)
    /// with an empty name and the line's trimmed content as its value,
    /// exactly as picohttpparser does (its `name == NULL` entries).
    Continuation,
    /// Keep the folded header as one [`Header`](crate::Header) whose value
    /// spans every continuation line, raw folds (`CRLF 1*(SP / HTAB)`)
    /// included, as httparse's `allow_obsolete_multiline_headers_in_responses`
    /// does. RFC 9112 §5.2 says to replace each fold with SP before
    /// interpreting the value: [`unfold`](crate::unfold) yields the pieces to
    /// join with one SP each.
    Span,
}

/// How to parse: which leniencies to allow and which limits to enforce.
///
/// [`ParserConfig::new`] (also [`Default`]) is strict RFC 9112 with limits
/// close to Puma's and Unicorn's. Set fields to opt into leniency:
///
/// ```
/// use springbok_parser::{ParserConfig, ObsFold};
///
/// let mut config = ParserConfig::new();
/// config.allow_bare_lf = true;
/// config.obs_fold = ObsFold::Continuation;
/// config.max_head_bytes = 16 * 1024;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ParserConfig {
    /// Accept a line ending of LF alone where CRLF is required. A CR that is
    /// not followed by LF is still an error. Matches picohttpparser and
    /// httparse (both accept bare LF everywhere in the head). Default: `false`.
    pub allow_bare_lf: bool,
    /// What to do with obsolete line folding. Default: [`ObsFold::Reject`].
    pub obs_fold: ObsFold,
    /// Accept more than one SP between the parts of the request line or
    /// status line. Matches picohttpparser (which skips runs of SP) and
    /// httparse's `allow_multiple_spaces_in_request_line_delimiters` /
    /// `..._in_response_status_delimiters`. Default: `false`.
    pub allow_multiple_spaces: bool,
    /// Skip up to [`MAX_LEADING_EMPTY_LINES`] empty lines before the request
    /// line, as RFC 9112 §2.2 says a server SHOULD (old clients send an extra
    /// CRLF after a POST body). Matches httparse (which skips any number) and
    /// llhttp; picohttpparser skips one. Default: `false`.
    pub allow_leading_empty_lines: bool,
    /// Consume and ignore lines that start with whitespace between the start
    /// line and the first header — the second option RFC 9112 §2.2 gives a
    /// recipient (the first, the default here, is to reject). picohttpparser
    /// instead reports such a line as a continuation of a nameless header.
    /// Default: `false`.
    pub allow_whitespace_before_first_header: bool,
    /// Skip header lines whose name or value is invalid instead of failing,
    /// as httparse's `ignore_invalid_headers_in_requests` and nginx's
    /// `ignore_invalid_headers on` do. Malformed line endings (bare CR, bare
    /// LF when not allowed) are still errors: they decide where a line ends.
    /// Default: `false`.
    pub ignore_invalid_headers: bool,
    /// Accept any `VCHAR` or `obs-text` byte in the request-target (and no
    /// check of `%XX` escapes) instead of the RFC 3986 character set, as
    /// picohttpparser does (raw UTF-8 paths, `|`, `{`, `"`, `#`, …).
    /// Default: `false`.
    pub allow_loose_target: bool,
    /// Accept a status line with no SP after the status code when the reason
    /// phrase is empty (`HTTP/1.1 200\r\n`), as picohttpparser and httparse
    /// do. Default: `false`.
    pub allow_missing_reason_space: bool,
    /// Skip up to [`MAX_LEADING_EMPTY_LINES`] empty lines before a **status
    /// line**, as httparse and llhttp do: a server may send a stray CRLF
    /// after an interim (`100 Continue`) response or a body. Default:
    /// `false`.
    pub allow_leading_empty_lines_in_responses: bool,
    /// Accept whitespace between a header name and its colon in a
    /// **response** (`Name : value`), leaving it out of the name, as
    /// httparse's `allow_spaces_after_header_name_in_responses` does
    /// (RFC 9112 §5.1 has a proxy remove it from responses). Requests are
    /// always rejected: there it is a request-smuggling vector. Default:
    /// `false`.
    pub allow_space_before_colon_in_responses: bool,
    /// Accept the asterisk-form request-target (`*`) with any method, not
    /// only OPTIONS (RFC 9112 §3.2.4), for SSDP's `M-SEARCH * HTTP/1.1` and
    /// `NOTIFY * HTTP/1.1` over HTTPU. Default: `false`.
    pub allow_asterisk_form_any_method: bool,
    /// Upper bound on the whole head (start line, headers, final empty line)
    /// in bytes. Default: 112 KiB (Puma's `MAX_HEADER`).
    pub max_head_bytes: usize,
    /// Upper bound on the request-target length in bytes. Default: 12 KiB
    /// (Puma's `MAX_REQUEST_URI_LENGTH`).
    pub max_target_len: usize,
    /// Upper bound on a header name's length in bytes. Default: 256 (Puma's
    /// `MAX_FIELD_NAME_LENGTH`).
    pub max_name_len: usize,
    /// Upper bound on a header value's length in bytes (after trimming, and
    /// including folds with [`ObsFold::Span`]). Default: 80 KiB (Puma's
    /// `MAX_FIELD_VALUE_LENGTH`).
    pub max_value_len: usize,
    /// Set only on the copy of the configuration a response is parsed
    /// with, when a response-only leniency needs the header grammar to know
    /// that it is in a response.
    pub(crate) in_response: bool,
}

/// How many empty lines
/// [`allow_leading_empty_lines`](ParserConfig::allow_leading_empty_lines)
/// skips before giving up with
/// [`ErrorKind::LeadingEmptyLine`](crate::ErrorKind::LeadingEmptyLine). A
/// bound keeps a client from making the incremental parser rescan an
/// ever-growing run of empty lines.
pub const MAX_LEADING_EMPTY_LINES: usize = 8;

impl ParserConfig {
    /// Strict RFC 9112 parsing with the default limits.
    pub const fn new() -> ParserConfig {
        ParserConfig {
            allow_bare_lf: false,
            obs_fold: ObsFold::Reject,
            allow_multiple_spaces: false,
            allow_leading_empty_lines: false,
            allow_whitespace_before_first_header: false,
            ignore_invalid_headers: false,
            allow_loose_target: false,
            allow_missing_reason_space: false,
            allow_leading_empty_lines_in_responses: false,
            allow_space_before_colon_in_responses: false,
            allow_asterisk_form_any_method: false,
            max_head_bytes: 112 * 1024,
            max_target_len: 12 * 1024,
            max_name_len: 256,
            max_value_len: 80 * 1024,
            in_response: false,
        }
    }

    /// The leniencies picohttpparser has built in, with the default limits:
    /// bare LF, obs-fold as nameless continuation headers, runs of spaces in
    /// the start line, the loose request-target set, and a missing SP before
    /// an empty reason phrase. (picohttpparser also skips one leading empty
    /// line; that is not enabled here, set
    /// [`allow_leading_empty_lines`](Self::allow_leading_empty_lines) too if
    /// you need it.)
    pub const fn picohttpparser_compatible() -> ParserConfig {
        let mut c = ParserConfig::new();
        c.allow_bare_lf = true;
        c.obs_fold = ObsFold::Continuation;
        c.allow_multiple_spaces = true;
        c.allow_loose_target = true;
        c.allow_missing_reason_space = true;
        c
    }
}

impl Default for ParserConfig {
    fn default() -> Self {
        ParserConfig::new()
    }
}
