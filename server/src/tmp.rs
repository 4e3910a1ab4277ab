//! The upload directory: the master makes one private directory per run
//! (mode 0700) inside `--tmp-dir`; workers stream file parts into files
//! named `<worker pid>-<n>` (mode 0600, created exclusively) and remove each
//! after its response. The master removes a dead worker's leftovers and
//! the directory itself on exit.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The run's upload directory.
#[derive(Clone, Debug)]
pub struct TmpDir {
    path: PathBuf,
}

/// Files made by this process so far, for unique names.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

impl TmpDir {
    /// Makes `<parent>/springbok-server.<pid>` (the master's pid).
    pub fn create(parent: &Path) -> io::Result<TmpDir> {
        let path = parent.join(format!("springbok-server.{}", std::process::id()));
        DirBuilder::new().mode(0o700).create(&path)?;
        Ok(TmpDir { path })
    }

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

    /// Removes the directory and whatever is left in it.
    pub fn remove(&self) -> io::Result<()> {
        fs::remove_dir_all(&self.path)
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
