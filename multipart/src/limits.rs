//! Size and count limits; every one is an error when exceeded.

/// Limits the [`Parser`](crate::Parser) enforces. Exceeding any of them is an
/// error (never a silent truncation: a limit that drops data quietly becomes
/// a parser differential).
///
/// The defaults are safe for a form post (they follow Rack, Go's
/// `mime/multipart`, python-multipart and HTTP::MultiPartParser); raise
/// [`max_total_bytes`](Self::max_total_bytes) for large uploads.
///
/// ```
/// let mut limits = springbok_multipart::Limits::default();
/// limits.max_total_bytes = 1 << 30; // allow 1 GiB uploads
/// let parser = springbok_multipart::Parser::new(b"xyz", limits)?;
/// # Ok::<(), springbok_multipart::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most parts in a body. Default 4096 (Rack's).
    pub max_parts: usize,
    /// Most bytes in one part's header block, its terminating empty line
    /// included. The transport padding on the boundary line before it is
    /// bounded by the same number on its own. Default 16 KiB.
    pub max_header_bytes: usize,
    /// Most header lines in one part. Default 16.
    pub max_headers: usize,
    /// Most bytes before the first boundary. Default 32 KiB.
    pub max_preamble_bytes: u64,
    /// Most bytes after the close delimiter. Default 32 KiB.
    pub max_epilogue_bytes: u64,
    /// Most data bytes in one part that is not a file (has neither `filename`
    /// nor `filename*`). Default 1 MiB.
    pub max_field_bytes: u64,
    /// Most data bytes in one file part (one with `filename` or
    /// `filename*`). Default: no limit of its own (`u64::MAX`), so a file is
    /// bounded by [`max_total_bytes`](Self::max_total_bytes) and raising
    /// that one is enough for large uploads.
    pub max_file_bytes: u64,
    /// Most file parts in a body. Default 128 (Rack's
    /// `multipart_file_limit`; Starlette's `max_files` is 1000).
    pub max_files: usize,
    /// Most non-file parts (fields) in a body. Default 4096, the same as
    /// [`max_parts`](Self::max_parts) (Rack has no separate field limit;
    /// Starlette's `max_fields` is 1000).
    pub max_fields: usize,
    /// Most bytes in the whole body. Default 64 MiB.
    pub max_total_bytes: u64,
}

impl Limits {
    /// The defaults, as a `const`.
    pub const DEFAULT: Limits = Limits {
        max_parts: 4096,
        max_header_bytes: 16 * 1024,
        max_headers: 16,
        max_preamble_bytes: 32 * 1024,
        max_epilogue_bytes: 32 * 1024,
        max_field_bytes: 1024 * 1024,
        max_file_bytes: u64::MAX,
        max_files: 128,
        max_fields: 4096,
        max_total_bytes: 64 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
