//! The upload directory: the master makes one private directory per run
//! inside `--tmp-dir`, with a fresh name (`mkdtemp`: created atomically,
//! mode 0700, never an existing one); workers stream file parts into files
//! named `<worker pid>-<n>` (mode 0600, created exclusively) and remove
//! each after its response. The master removes a dead worker's leftovers,
//! and the directory itself when it exits ([`OwnedTmpDir`]).

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::sys;

/// The start of the upload directory's name; `mkdtemp` adds six characters.
const PREFIX: &str = "springbok-server.";

/// The run's upload directory, as the app uses it (workers included).
#[derive(Clone, Debug)]
pub struct TmpDir {
    path: PathBuf,
}

/// Files made by this process so far, for unique names.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// The master's handle on the upload directory: it removes the directory
/// and whatever is left in it when dropped, so that every way out of the
/// master that runs its code (a graceful stop, a timeout, a failed start,
/// a panic) leaves nothing behind. Only the process that made it removes
/// it: a worker's copy (inherited through `fork`) never does.
#[derive(Debug)]
pub struct OwnedTmpDir {
    dir: TmpDir,
    owner: u32,
    removed: bool,
}

impl OwnedTmpDir {
    /// Makes a new directory `<parent>/springbok-server.XXXXXX`.
    pub fn create(parent: &Path) -> io::Result<OwnedTmpDir> {
        let path = sys::mkdtemp(parent, PREFIX)?;
        Ok(OwnedTmpDir { dir: TmpDir { path }, owner: std::process::id(), removed: false })
    }

    /// The directory, for the app.
    pub fn dir(&self) -> &TmpDir {
        &self.dir
    }

    /// Removes the directory now, reporting a failure.
    pub fn remove(mut self) -> io::Result<()> {
        self.removed = true;
        fs::remove_dir_all(&self.dir.path)
    }
}

impl Drop for OwnedTmpDir {
    fn drop(&mut self) {
        if !self.removed && std::process::id() == self.owner {
            let _ = fs::remove_dir_all(&self.dir.path);
        }
    }
}

impl TmpDir {
    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new, empty file that is removed when the returned value drops.
    pub fn file(&self) -> io::Result<TempFile> {
        let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
        let path = self.path.join(format!("{}-{n}", std::process::id()));
        let file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
        Ok(TempFile { path, file })
    }

    /// Removes the files a (dead) worker left behind; returns how many.
    pub fn remove_worker_files(&self, pid: i32) -> usize {
        let prefix = format!("{pid}-");
        let Ok(entries) = fs::read_dir(&self.path) else { return 0 };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix)))
            .filter(|e| fs::remove_file(e.path()).is_ok())
            .count()
    }
}

/// A file in the upload directory, removed on drop.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    file: File,
}

impl TempFile {
    /// The open file.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A parent directory for one test, removed at its end.
    struct Parent(PathBuf);

    impl Parent {
        fn new(name: &str) -> Parent {
            let path = std::env::temp_dir().join(format!("springbok-tmp-unit-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir(&path).unwrap();
            Parent(path)
        }
    }

    impl Drop for Parent {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn each_directory_is_new_private_and_named_with_the_prefix() {
        let parent = Parent::new("names");
        // The name an earlier version used does not get in the way.
        fs::create_dir(parent.0.join(format!("{PREFIX}{}", std::process::id()))).unwrap();
        let a = OwnedTmpDir::create(&parent.0).unwrap();
        let b = OwnedTmpDir::create(&parent.0).unwrap();
        assert_ne!(a.dir().path(), b.dir().path());
        for d in [&a, &b] {
            let name = d.dir().path().file_name().unwrap().to_str().unwrap();
            assert_eq!(name.len(), PREFIX.len() + 6, "{name}");
            assert!(name.starts_with(PREFIX), "{name}");
            assert_eq!(fs::metadata(d.dir().path()).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }

    #[test]
    fn remove_and_drop_take_the_directory_and_its_files() {
        let parent = Parent::new("remove");
        let a = OwnedTmpDir::create(&parent.0).unwrap();
        let a_path = a.dir().path().to_path_buf();
        let kept = a.dir().file().unwrap();
        std::mem::forget(kept); // as a killed worker leaves its file
        a.remove().unwrap();
        assert!(!a_path.exists());

        let b = OwnedTmpDir::create(&parent.0).unwrap();
        let b_path = b.dir().path().to_path_buf();
        drop(b);
        assert!(!b_path.exists());
    }

    #[test]
    fn a_missing_parent_is_an_error() {
        let parent = Parent::new("missing");
        let err = OwnedTmpDir::create(&parent.0.join("absent")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
