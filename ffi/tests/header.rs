//! Regenerates `include/springbok.h` with the pinned cbindgen and fails when
//! it differs from the committed file. Run with `SPRINGBOK_BLESS=1` to write
//! the new header instead.

use std::path::Path;

#[test]
fn committed_header_is_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("read cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen could not generate the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let path = dir.join("include/springbok.h");
    if std::env::var_os("SPRINGBOK_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write include/springbok.h");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    if committed != generated {
        let new = path.with_extension("h.new");
        let _ = std::fs::write(&new, &generated);
        panic!(
            "ffi/include/springbok.h is out of date with the Rust sources (the regenerated header is in {}).\n\
             Regenerate it with:\n    SPRINGBOK_BLESS=1 cargo test -p springbok-ffi --test header\n\
             and commit the result.",
            new.display()
        );
    }
}
