//! The pinned wheels: fetching them with pip, and reading their entries.
//!
//! A wheel is a zip archive. Entries are read into memory with a size cap, and
//! `.json.gz` entries are un-gzipped with the same cap, so a damaged or hostile
//! archive gives an [`ImportError`] rather than exhausting memory.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use super::error::ImportError;

/// The largest entry (after un-gzipping) the import reads: the biggest botocore
/// model is about 6 MB, so this only stops runaway archives.
pub const ENTRY_LIMIT: u64 = 64 * 1024 * 1024;

/// A PyPI distribution pinned to one version.
#[derive(Debug, Clone, Copy)]
pub struct Pin {
    /// The distribution name on PyPI.
    pub name: &'static str,
    /// The exact version.
    pub version: &'static str,
}

impl Pin {
    /// The file name pip saves the pure-Python wheel as.
    pub fn wheel_file_name(&self) -> String {
        format!("{}-{}-py3-none-any.whl", self.name, self.version)
    }

    /// The requirement as pip takes it: `name==version`.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.name, self.version)
    }
}

/// Makes sure every pinned wheel is in `dir`, running `pip download` once for
/// all of them if any is missing.
pub fn fetch(pins: &[Pin], dir: &Path) -> Result<(), ImportError> {
    let missing: Vec<&Pin> = pins
        .iter()
        .filter(|pin| !dir.join(pin.wheel_file_name()).is_file())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|source| ImportError::Io {
        action: "create",
        path: dir.to_path_buf(),
        source,
    })?;
    let mut cmd = crate::workspace::python();
    cmd.args([
        "-m",
        "pip",
        "download",
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary",
        ":all:",
        "-d",
    ])
    .arg(dir)
    .args(missing.iter().map(|pin| pin.requirement()));
    let command = crate::workspace::show(&cmd);
    println!("$ {command}");
    let status = cmd.status().map_err(ImportError::PipSpawn)?;
    if !status.success() {
        return Err(ImportError::PipFailed {
            command,
            code: status.code(),
        });
    }
    for pin in missing {
        let path = dir.join(pin.wheel_file_name());
        if !path.is_file() {
            return Err(ImportError::WheelMissing(path));
        }
    }
    Ok(())
}

/// One opened wheel.
pub struct Wheel {
    file_name: String,
    sha256: String,
    names: Vec<String>,
    archive: ZipArchive<BufReader<File>>,
}

impl Wheel {
    /// Opens `path`, hashing it and listing its entries.
    pub fn open(path: &Path) -> Result<Self, ImportError> {
        let io_err = |action, source| ImportError::Io {
            action,
            path: PathBuf::from(path),
            source,
        };
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(path).map_err(|e| io_err("read", e))?;
        let sha256 = hex(&Sha256::digest(&bytes));
        drop(bytes);
        let file = File::open(path).map_err(|e| io_err("open", e))?;
        let archive = ZipArchive::new(BufReader::new(file)).map_err(|e| ImportError::Zip {
            wheel: file_name.clone(),
            entry: None,
            reason: e.to_string(),
        })?;
        let mut names = Vec::with_capacity(archive.len());
        for name in archive.file_names() {
            let name = name.map_err(|e| ImportError::Zip {
                wheel: file_name.clone(),
                entry: None,
                reason: e.to_string(),
            })?;
            names.push(name.into_owned());
        }
        names.sort();
        Ok(Wheel {
            file_name,
            sha256,
            names,
            archive,
        })
    }

    /// The wheel's file name (no folder).
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The lowercase hex sha256 of the wheel file.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Every entry name, sorted.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Reads one entry, un-gzipping it when its name ends in `.gz`.
    pub fn read(&mut self, entry: &str) -> Result<Vec<u8>, ImportError> {
        let zip_err = |reason: String| ImportError::Zip {
            wheel: self.file_name.clone(),
            entry: Some(entry.to_owned()),
            reason,
        };
        let raw = match self.archive.by_name(entry) {
            Ok(file) => read_capped(file).map_err(|e| match e {
                CappedError::Io(source) => zip_err(source.to_string()),
                CappedError::TooLarge => ImportError::TooLarge {
                    entry: entry.to_owned(),
                    limit: ENTRY_LIMIT,
                },
            })?,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(ImportError::MissingEntry {
                    wheel: self.file_name.clone(),
                    entry: entry.to_owned(),
                });
            }
            Err(e) => return Err(zip_err(e.to_string())),
        };
        if entry.ends_with(".gz") {
            gunzip(&raw, entry)
        } else {
            Ok(raw)
        }
    }
}

/// Un-gzips `raw` (the content of `entry`) with the entry size cap.
pub fn gunzip(raw: &[u8], entry: &str) -> Result<Vec<u8>, ImportError> {
    read_capped(MultiGzDecoder::new(raw)).map_err(|e| match e {
        CappedError::Io(source) => ImportError::Gzip {
            entry: entry.to_owned(),
            source,
        },
        CappedError::TooLarge => ImportError::TooLarge {
            entry: entry.to_owned(),
            limit: ENTRY_LIMIT,
        },
    })
}

enum CappedError {
    Io(std::io::Error),
    TooLarge,
}

fn read_capped(reader: impl Read) -> Result<Vec<u8>, CappedError> {
    let mut out = Vec::new();
    reader
        .take(ENTRY_LIMIT + 1)
        .read_to_end(&mut out)
        .map_err(CappedError::Io)?;
    if out.len() as u64 > ENTRY_LIMIT {
        return Err(CappedError::TooLarge);
    }
    Ok(out)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn pin_names_match_pip() {
        let pin = Pin {
            name: "botocore",
            version: "1.43.11",
        };
        assert_eq!(pin.wheel_file_name(), "botocore-1.43.11-py3-none-any.whl");
        assert_eq!(pin.requirement(), "botocore==1.43.11");
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        // A known vector: sha256("abc").
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn gunzip_round_trips_and_rejects_garbage() {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(br#"{"a":1}"#).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gunzip(&gz, "x.json.gz").unwrap(), br#"{"a":1}"#);
        assert!(matches!(
            gunzip(b"not gzip", "x.json.gz"),
            Err(ImportError::Gzip { .. })
        ));
    }
}
