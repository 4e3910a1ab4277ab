//! The upload directory's life: the master makes a private directory with a
//! fresh name inside `--tmp-dir`, removes it (with whatever a killed
//! worker left in it) when it exits, and starts even when a directory of
//! the name an earlier version used (`springbok-server.<pid>`) is left over
//! from a run that was killed.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Client, Server, TestDir};

/// The upload directory the server named in its first log line.
fn upload_dir(server: &Server) -> PathBuf {
    let line = server.wait_log("uploads in ", Duration::from_secs(5));
    let rest = line.split("uploads in ").nth(1).unwrap();
    PathBuf::from(rest.strip_suffix(')').expect("the path closes the log line"))
}

/// The entries directly inside `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    out.sort();
    out
}

/// Starts a multipart upload with one file part and sends half of the
/// file, so that the worker has a file open in the upload directory.
fn half_an_upload(server: &Server) -> Client {
    let head = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n";
    let file = vec![b'x'; 400_000];
    let total = head.len() + file.len() + "\r\n--b--\r\n".len();
    let mut c = server.connect();
    c.send(
        format!(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n\
             Content-Length: {total}\r\n\r\n{head}"
        )
        .as_bytes(),
    );
    c.send(&file[..file.len() / 2]);
    c
}

#[test]
fn the_upload_directory_is_private_fresh_and_removed_on_exit() {
    let _serial = common::serial();
    let tmp = TestDir::new("upload-dir-exit");
    let mut server = Server::start(&["--workers", "2", "--tmp-dir", tmp.path().to_str().unwrap()]);
    let dir = upload_dir(&server);
    assert_eq!(dir.parent(), Some(tmp.path()), "{}", dir.display());
    let name = dir.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("springbok-server."), "{name}");
    assert_ne!(name, format!("springbok-server.{}", server.pid()), "a fresh name, not one a reused pid repeats");
    let meta = std::fs::metadata(&dir).unwrap();
    assert!(meta.is_dir());
    assert_eq!(meta.permissions().mode() & 0o777, 0o700);
    assert_eq!(server.get("/hello").status, 200);
    Server::signal(server.pid(), "TERM");
    assert_eq!(server.wait_exit(Duration::from_secs(10)).unwrap().code(), Some(0));
    assert_eq!(entries(tmp.path()), Vec::<PathBuf>::new(), "the upload directory outlived the master");
}

#[test]
fn the_upload_directory_is_removed_after_the_graceful_timeout_kills_a_worker() {
    let _serial = common::serial();
    let tmp = TestDir::new("upload-dir-timeout");
    let mut server =
        Server::start(&["--workers", "1", "--graceful-timeout", "1", "--tmp-dir", tmp.path().to_str().unwrap()]);
    let dir = upload_dir(&server);
    let _stuck = half_an_upload(&server);
    // The worker is writing the file part into the upload directory.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while entries(&dir).is_empty() {
        assert!(std::time::Instant::now() < deadline, "no upload file in {}", dir.display());
        std::thread::sleep(Duration::from_millis(10));
    }
    Server::signal(server.pid(), "TERM");
    // The master kills the worker at the deadline; the worker may also end
    // its own drain at the same moment: either way the master exits.
    server.wait_exit(Duration::from_secs(10)).expect("exit after the graceful timeout");
    assert_eq!(entries(tmp.path()), Vec::<PathBuf>::new(), "the upload directory outlived the master");
}

#[test]
fn a_leftover_directory_of_the_old_name_does_not_stop_startup() {
    let _serial = common::serial();
    let tmp = TestDir::new("upload-dir-leftover");
    // The shell makes `springbok-server.<its pid>` and then becomes the
    // server with `exec`, keeping the pid: a killed earlier run whose pid
    // has come round again, on demand.
    let mut command = Command::new("sh");
    command.args([
        "-c",
        r#"mkdir -m 700 "$1/springbok-server.$$" && exec "$0" --workers 1 --bind 127.0.0.1:0 --tmp-dir "$1""#,
        common::binary(),
        tmp.path().to_str().unwrap(),
    ]);
    let mut server = Server::spawn(command, 1);
    let leftover = tmp.path().join(format!("springbok-server.{}", server.pid()));
    assert!(leftover.is_dir(), "the shell made {}", leftover.display());
    let dir = upload_dir(&server);
    assert_ne!(dir, leftover);
    assert_eq!(server.get("/hello").status, 200);
    Server::signal(server.pid(), "TERM");
    assert_eq!(server.wait_exit(Duration::from_secs(10)).unwrap().code(), Some(0));
    // The server removes its own directory, never one it did not make.
    assert_eq!(entries(tmp.path()), vec![leftover]);
}
