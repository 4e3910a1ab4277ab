//! Builds the C tests (`tests/c/*.c`) and the C examples (`examples/*.c`)
//! against the static library cargo built for this test run, with
//! `-std=c11 -Wall -Wextra -Wpedantic -Werror`, and runs each one:
//!
//! 1. built with `-fsanitize=address,undefined` (AddressSanitizer and
//!    UBSan, errors fatal), always;
//! 2. built without sanitizers and run under valgrind memcheck, which also
//!    sees reads by the Rust code (ASan only instruments the C side), when
//!    valgrind is installed — required when `SPRINGBOK_REQUIRE_VALGRIND=1`
//!    (as `scripts/test-all` sets it).
//!
//! The static library is found next to this test binary (`<target>/<profile>/deps/libspringbok.a`), so any
//! `CARGO_TARGET_DIR` works. `CC` overrides the C compiler (default `cc`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The libraries a Rust static library needs on Linux (`rustc --print native-static-libs`).
const NATIVE_LIBS: &[&str] = &["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];

const C_FLAGS: &[&str] = &["-std=c11", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-g"];

const SANITIZE: &[&str] =
    &["-O1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"];

fn ffi_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `libspringbok.a` as built for this test run: cargo builds the library's
/// every crate type into `deps/`, where this test binary lives.
fn static_lib() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let deps = exe.parent().expect("deps dir");
    for candidate in [deps.join("libspringbok.a"), deps.parent().expect("profile dir").join("libspringbok.a")] {
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("libspringbok.a not found next to {} (is crate-type staticlib still set?)", exe.display());
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("springbok-c");
    std::fs::create_dir_all(&dir).expect("create output dir");
    dir
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_string())
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(out.status.success(), "{what} failed ({}): {cmd:?}", out.status);
    stdout
}

/// Compiles one C source into an executable named after it and `flavour`.
fn compile(src: &Path, flavour: &str, extra: &[&str]) -> PathBuf {
    let stem = src.file_stem().unwrap().to_string_lossy();
    let exe = out_dir().join(format!("{stem}-{flavour}"));
    let mut cmd = Command::new(cc());
    cmd.args(C_FLAGS)
        .args(extra)
        .arg("-I")
        .arg(ffi_dir().join("include"))
        .arg("-I")
        .arg(ffi_dir().join("tests/c"))
        .arg(src)
        .arg(static_lib())
        .args(NATIVE_LIBS)
        .arg("-o")
        .arg(&exe);
    run(&mut cmd, &format!("compiling {}", src.display()));
    exe
}

fn valgrind_available() -> bool {
    let found = Command::new("valgrind").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("SPRINGBOK_REQUIRE_VALGRIND").is_none(),
            "SPRINGBOK_REQUIRE_VALGRIND is set but valgrind is not installed"
        );
        println!("valgrind not installed: skipping the valgrind run");
    }
    found
}

/// Builds and runs `src` under ASan+UBSan, then under valgrind when it is
/// installed. A test program's last line is "NAME: N passed, N failed".
fn check(src: &Path) {
    let exe = compile(src, "asan", SANITIZE);
    let out = run(
        Command::new(&exe)
            .env("ASAN_OPTIONS", "detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1")
            .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1"),
        &format!("{} under AddressSanitizer", src.display()),
    );
    assert!(out.contains(" passed, 0 failed") || src.starts_with(ffi_dir().join("examples")), "{out}");
    if valgrind_available() {
        let exe = compile(src, "plain", &["-O1"]);
        run(
            Command::new("valgrind")
                .env("SPRINGBOK_UNDER_VALGRIND", "1")
                .args(["--quiet", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite"])
                .arg(&exe),
            &format!("{} under valgrind", src.display()),
        );
    }
}

fn c_test(name: &str) {
    check(&ffi_dir().join("tests/c").join(name));
}

#[test]
fn pico_compat() {
    c_test("pico_compat.c");
}

#[test]
fn extended() {
    c_test("extended.c");
}

#[test]
fn extended2() {
    c_test("extended2.c");
}

#[test]
fn request_env() {
    c_test("request_env.c");
}

#[test]
fn multipart() {
    c_test("multipart.c");
}

#[test]
fn multipart_batch() {
    c_test("multipart_batch.c");
}

#[test]
fn multipart_limits() {
    c_test("multipart_limits.c");
}

#[test]
fn multipart_params() {
    c_test("multipart_params.c");
}

#[test]
fn strict() {
    c_test("strict.c");
}

#[test]
fn urlencoded_cursor() {
    c_test("urlencoded_cursor.c");
}

#[test]
fn guard_page() {
    c_test("guard_page.c");
}

#[test]
fn example_parse_request() {
    check(&ffi_dir().join("examples/parse_request.c"));
}

/// Every C file has a test above, so none is silently left out.
#[test]
fn every_c_source_is_built() {
    let known = [
        "pico_compat.c",
        "extended.c",
        "extended2.c",
        "request_env.c",
        "multipart.c",
        "multipart_batch.c",
        "multipart_limits.c",
        "multipart_params.c",
        "urlencoded_cursor.c",
        "guard_page.c",
        "strict.c",
        "parse_request.c",
    ];
    for dir in ["tests/c", "examples"] {
        for entry in std::fs::read_dir(ffi_dir().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".c") {
                assert!(known.contains(&name.as_str()), "{dir}/{name} is not built by tests/c_abi.rs");
            }
        }
    }
}

/// `springbok.pc.in`, filled in for the build directory, gives flags that
/// build and link the example against the shared library (`cdylib`);
/// skipped when pkg-config is not installed.
#[test]
fn pkg_config_file_links_the_shared_library() {
    if Command::new("pkg-config").arg("--version").stdout(Stdio::null()).status().is_err() {
        println!("pkg-config not installed: skipping");
        return;
    }
    let lib_dir = static_lib().parent().unwrap().to_path_buf();
    assert!(lib_dir.join("libspringbok.so").is_file(), "libspringbok.so not built next to libspringbok.a");
    let template = std::fs::read_to_string(ffi_dir().join("springbok.pc.in")).unwrap();
    let pc_dir = out_dir().join("pkgconfig");
    std::fs::create_dir_all(&pc_dir).unwrap();
    let pc = template
        .replace("@PREFIX@", &ffi_dir().display().to_string())
        .replace("@LIBDIR@", &lib_dir.display().to_string())
        .replace("@INCLUDEDIR@", &ffi_dir().join("include").display().to_string())
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"));
    std::fs::write(pc_dir.join("springbok.pc"), pc).unwrap();
    let flags = run(
        Command::new("pkg-config").env("PKG_CONFIG_PATH", &pc_dir).args(["--cflags", "--libs", "springbok"]),
        "pkg-config",
    );
    let version = run(
        Command::new("pkg-config").env("PKG_CONFIG_PATH", &pc_dir).args(["--modversion", "springbok"]),
        "pkg-config",
    );
    assert_eq!(version.trim(), env!("CARGO_PKG_VERSION"));
    let exe = out_dir().join("parse_request-shared");
    run(
        Command::new(cc())
            .args(C_FLAGS)
            .arg(ffi_dir().join("examples/parse_request.c"))
            .args(flags.split_whitespace())
            .arg("-o")
            .arg(&exe),
        "compiling the example with pkg-config flags",
    );
    let out = run(Command::new(&exe).env("LD_LIBRARY_PATH", &lib_dir), "the example linked to libspringbok.so");
    assert!(out.contains("target:  /search?q=springbok"), "{out}");
}

/// The headers are also valid C++ (cbindgen's `cpp_compat`), for C++
/// hosts; skipped when no C++ compiler is installed.
#[test]
fn headers_compile_as_cpp() {
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".to_string());
    if Command::new(&cxx).arg("--version").stdout(Stdio::null()).status().is_err() {
        println!("no C++ compiler: skipping");
        return;
    }
    let src = out_dir().join("headers.cpp");
    std::fs::write(
        &src,
        "#include <springbok.h>\n#include <springbok/picohttpparser.h>\n\
         static_assert(sizeof(phr_header) == 4 * sizeof(void *), \"layout\");\n\
         int main() { return sb_version() == nullptr; }\n",
    )
    .unwrap();
    run(
        Command::new(&cxx)
            .args(["-std=c++11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-fsyntax-only", "-I"])
            .arg(ffi_dir().join("include"))
            .arg(&src),
        "compiling the headers as C++",
    );
}
