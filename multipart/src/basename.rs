//! The last path component of a client-sent file name (RFC 7578 §4.2).

/// The part of a `filename` after its last `/` or `\`, borrowed from it: what
/// RFC 7578 §4.2 leaves a recipient to use ("if the filename parameter
/// contains a path, the recipient MUST NOT use the directory part").
///
/// Both separators are stripped because browsers and old clients send
/// Windows paths with `\` (Internet Explorer sent the full `C:\...` path)
/// and a name may come from any platform. The raw value stays available
/// ([`Part::filename`](crate::Part::filename) is never stripped), so an
/// application that wants the path can still have it; every binding strips
/// with this one function, so they all agree.
///
/// It is not a sanitizer: the result may be empty (`dir/`), `.` or `..`,
/// or hold a drive prefix (`C:name`), NUL, control bytes or a name
/// reserved on some platform. Never use it as a path without checking
/// it against what your file system accepts, or better, without choosing
/// the stored name yourself.
///
/// ```
/// use springbok_multipart::basename;
/// assert_eq!(basename(br"C:\Users\me\report.pdf"), b"report.pdf");
/// assert_eq!(basename(b"../../etc/passwd"), b"passwd");
/// assert_eq!(basename(br"mixed/dir\name.txt"), b"name.txt");
/// assert_eq!(basename(b"plain.txt"), b"plain.txt");
/// assert_eq!(basename(b"dir/"), b"");
/// ```
pub fn basename(filename: &[u8]) -> &[u8] {
    match memchr::memrchr2(b'/', b'\\', filename) {
        Some(i) => &filename[i + 1..],
        None => filename,
    }
}

#[cfg(test)]
mod tests {
    use super::basename;

    #[test]
    fn strips_up_to_the_last_separator_of_either_kind() {
        let cases: [(&[u8], &[u8]); 10] = [
            (b"", b""),
            (b"a", b"a"),
            (b"/", b""),
            (b"\\", b""),
            (b"a/b\\c", b"c"),
            (b"a\\b/c", b"c"),
            (b"\\\\server\\share\\x.txt", b"x.txt"),
            (b"..", b".."),
            (b"C:name", b"C:name"),
            (b"/abs/path/\xc3\xa9t\xc3\xa9.txt", b"\xc3\xa9t\xc3\xa9.txt"),
        ];
        for (input, want) in cases {
            assert_eq!(basename(input), want, "{input:?}");
        }
    }

    #[test]
    fn is_a_suffix_without_separators() {
        for len in 0..64usize {
            let name: Vec<u8> = (0..len).map(|i| b"a/\\b."[(i * 7 + len) % 5]).collect();
            let base = basename(&name);
            assert!(name.ends_with(base));
            assert!(!base.contains(&b'/') && !base.contains(&b'\\'));
            // Nothing after the last separator was dropped.
            let cut = name.len() - base.len();
            assert!(cut == 0 || matches!(name[cut - 1], b'/' | b'\\'));
        }
    }
}
