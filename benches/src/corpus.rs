//! The corpus of `benches/suite`: every input that every language's entry
//! point parses, generated here once, so that Rust, C, Perl, Ruby and Python
//! parse byte-identical input.
//!
//! [`write`] puts each input in a file of its own and a `manifest.json` that
//! lists them (name, kind, file, size, a label for tables, and what a parser
//! must find in it); the other languages' benchmark scripts read the
//! manifest (`--corpus DIR`).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use crate::{forms, realistic_request, tiny_request, uploads, HEADER_COUNTS, PICO_BENCH_REQUEST};

/// What an input is, and so which group of the suite times it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A request head: parsed into headers or an env.
    Request,
    /// An `application/x-www-form-urlencoded` body.
    Form,
    /// A `multipart/form-data` body with [`uploads::BOUNDARY`].
    Multipart,
}

impl Kind {
    /// The manifest's name for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Form => "form",
            Kind::Multipart => "multipart",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Kind::Request => "http",
            Kind::Form => "txt",
            Kind::Multipart => "body",
        }
    }
}

/// One input of the suite.
#[derive(Clone, Debug)]
pub struct Input {
    /// Its name: the file name without extension, the key in every result.
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// A short description for tables.
    pub label: String,
    /// What a parser finds in it: headers, pairs or parts.
    pub items: usize,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Input {
    /// Its file name in the corpus directory.
    pub fn file(&self) -> String {
        format!("{}.{}", self.name, self.kind.extension())
    }
}

/// Every input of the suite, in table order.
pub fn inputs() -> Vec<Input> {
    let request = |name: String, label: String, items: usize, bytes: Vec<u8>| Input {
        name,
        kind: Kind::Request,
        label,
        items,
        bytes,
    };
    let mut out = vec![request(
        format!("pico_bench-{}", PICO_BENCH_REQUEST.len()),
        format!("bench.c's request ({} B, 9 headers)", PICO_BENCH_REQUEST.len()),
        9,
        PICO_BENCH_REQUEST.to_vec(),
    )];
    for n in HEADER_COUNTS {
        let label = format!("realistic request, {n} header{}", if n == 1 { "" } else { "s" });
        out.push(request(format!("headers-{n}"), label, n, realistic_request(n)));
    }
    out.push(request("tiny_headers-128".into(), "`a: b` × 128".into(), 128, tiny_request(128)));

    let query = forms::QUERY_72.as_bytes().to_vec();
    out.push(Input {
        name: "form-query72".into(),
        kind: Kind::Form,
        label: "72-byte query".into(),
        items: 5,
        bytes: query,
    });
    let big = forms::pairs(forms::MANY_PAIRS).into_bytes();
    out.push(Input {
        name: "form-pairs20000".into(),
        kind: Kind::Form,
        label: format!("20,000 pairs ({:.2} MB)", big.len() as f64 / 1e6),
        items: forms::MANY_PAIRS,
        bytes: big,
    });

    out.push(Input {
        name: "multipart-fields1000".into(),
        kind: Kind::Multipart,
        label: "1,000 small fields".into(),
        items: uploads::FIELDS,
        bytes: uploads::fields_body(uploads::FIELDS),
    });
    out.push(Input {
        name: "multipart-file10MiB".into(),
        kind: Kind::Multipart,
        label: "one 10 MiB file".into(),
        items: 1,
        bytes: uploads::file_body(uploads::FILE_BYTES),
    });
    out
}

/// The manifest: a JSON object with the multipart boundary and the inputs
/// (without their bytes).
pub fn manifest(inputs: &[Input]) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"boundary\": \"{}\",", uploads::BOUNDARY);
    let _ = writeln!(out, "  \"multipart_piece\": {},", uploads::PIECE);
    let _ = writeln!(out, "  \"multipart_file_bytes\": {},", uploads::FILE_BYTES);
    out.push_str("  \"inputs\": [\n");
    for (i, input) in inputs.iter().enumerate() {
        // Names and labels are ours: no character needs escaping.
        assert!(!input.label.contains(['"', '\\']) && !input.name.contains(['"', '\\']));
        let _ = write!(
            out,
            "    {{\"name\": \"{}\", \"kind\": \"{}\", \"file\": \"{}\", \"bytes\": {}, \"items\": {}, \"label\": \"{}\"}}",
            input.name,
            input.kind.as_str(),
            input.file(),
            input.bytes.len(),
            input.items,
            input.label
        );
        out.push_str(if i + 1 < inputs.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ]\n}\n");
    out
}

/// Writes every input to `dir` (one file each) and `dir/manifest.json`.
pub fn write(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let inputs = inputs();
    for input in &inputs {
        std::fs::write(dir.join(input.file()), &input.bytes)?;
    }
    std::fs::write(dir.join("manifest.json"), manifest(&inputs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_requests_match_the_workloads() {
        let inputs = inputs();
        let mut names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), inputs.len());
        // A request input has the name the `workloads` example gives the
        // same bytes (`benches/c` reads those files).
        for input in inputs.iter().filter(|i| i.kind == Kind::Request) {
            let (group, param) = input.name.rsplit_once('-').unwrap();
            let w = crate::workloads().into_iter().find(|w| w.0 == group && w.1.to_string() == param);
            assert_eq!(w.map(|w| w.2).as_ref(), Some(&input.bytes), "{}", input.name);
        }
    }

    #[test]
    fn the_manifest_lists_every_input() {
        let inputs = inputs();
        let m = manifest(&inputs);
        for input in &inputs {
            assert!(m.contains(&format!("\"file\": \"{}\"", input.file())));
        }
        assert!(m.contains(uploads::BOUNDARY));
    }
}
