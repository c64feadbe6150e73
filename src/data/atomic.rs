//! Writing a file whole or not at all, for everything the program exports (CSV tables, PNG
//! charts, generated sequences, the sample data): the bytes go into a temporary file beside the
//! target, which is synced and then renamed over it, so a crash, a full disk or a write error
//! never leaves half a file where a good one was, and a reader never sees one.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Creates `path` (or replaces it) with what `write` writes into the file it is handed,
/// through a temporary file in the same folder and a rename. On failure the temporary file is
/// removed and whatever was at `path` before is left as it was.
pub fn write_file_atomically(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let temporary = temporary_beside(path)?;
    let written = File::create(&temporary).and_then(|mut file| {
        write(&mut file)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = renamed {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    sync_folder_of(path);
    Ok(())
}

/// A hidden name beside `path` that no other process writing the same file uses:
/// `.<name>.<process id>.tmp`.
fn temporary_beside(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let mut temporary = std::ffi::OsString::from(".");
    temporary.push(name);
    temporary.push(format!(".{}.tmp", std::process::id()));
    Ok(path.with_file_name(temporary))
}

/// Makes the rename durable where the system allows syncing a folder (not on Windows, where a
/// folder cannot be opened as a file); a failure only loses that guarantee, so it is ignored.
fn sync_folder_of(path: &Path) {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if let Ok(folder) = File::open(folder) {
        let _ = folder.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_failed_write_keeps_the_earlier_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.csv");
        write_file_atomically(&path, |file| file.write_all(b"first")).expect("first");
        let failed = write_file_atomically(&path, |file| {
            file.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert_eq!(failed.expect_err("failed").to_string(), "disk full");
        assert_eq!(std::fs::read(&path).expect("kept"), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
        let message = write_file_atomically(Path::new("/"), |_| Ok(()))
            .expect_err("no file name")
            .to_string();
        assert!(message.contains("does not name a file"), "{message}");
    }
}
