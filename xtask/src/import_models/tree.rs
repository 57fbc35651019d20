//! The output folder as data: relative path → file bytes, and how it is
//! rendered, written and compared.
//!
//! Files are JSON pretty-printed with a one-space indent and a final newline:
//! one value per line keeps git diffs readable, and the one-space indent costs
//! about 40% over compact JSON where a two-space one would cost more.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{PrettyFormatter, Serializer};

use super::error::ImportError;

/// Every file of the output folder, by path relative to it (with `/`).
#[derive(Debug, Default)]
pub struct Tree {
    files: BTreeMap<String, Vec<u8>>,
}

/// What [`Tree::write`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files created or changed.
    pub written: usize,
    /// Files already identical.
    pub unchanged: usize,
    /// Stale `.json` files removed.
    pub removed: usize,
}

/// Renders `value` as the committed files are: one-space indent, final newline.
pub fn render(value: &Value) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, PrettyFormatter::with_indent(b" "));
    value.serialize(&mut ser)?;
    out.push(b'\n');
    Ok(out)
}

impl Tree {
    /// Adds (or replaces) one file.
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, bytes);
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// The total size of all files in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.files.values().map(|bytes| bytes.len() as u64).sum()
    }

    /// Every difference between this tree and the `.json` files of the folder
    /// `out`, as `"missing <path>"`, `"differs <path>"` or `"extra <path>"`,
    /// sorted. Other files are not the import's and are not compared.
    pub fn compare(&self, out: &Path) -> Result<Vec<String>, ImportError> {
        let on_disk = list_files(out)?;
        let mut differences = Vec::new();
        for (path, bytes) in &self.files {
            match fs::read(out.join(path)) {
                Ok(existing) if existing == *bytes => {}
                Ok(_) => differences.push(format!("differs {path}")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    differences.push(format!("missing {path}"));
                }
                Err(source) => {
                    return Err(ImportError::Io {
                        action: "read",
                        path: out.join(path),
                        source,
                    });
                }
            }
        }
        for path in on_disk {
            if path.ends_with(".json") && !self.files.contains_key(&path) {
                differences.push(format!("extra {path}"));
            }
        }
        differences.sort();
        Ok(differences)
    }

    /// Makes the folder `out` hold exactly this tree's `.json` files: writes
    /// new and changed files, leaves identical ones alone, removes `.json`
    /// files the tree lacks and folders left empty. Other files (a README, say)
    /// are left in place.
    pub fn write(&self, out: &Path) -> Result<WriteSummary, ImportError> {
        let mut summary = WriteSummary::default();
        for path in list_files(out)? {
            if path.ends_with(".json") && !self.files.contains_key(&path) {
                let full = out.join(&path);
                fs::remove_file(&full).map_err(|source| ImportError::Io {
                    action: "remove",
                    path: full,
                    source,
                })?;
                summary.removed += 1;
            }
        }
        remove_empty_dirs(out)?;
        for (path, bytes) in &self.files {
            let full = out.join(path);
            if fs::read(&full).is_ok_and(|existing| existing == *bytes) {
                summary.unchanged += 1;
                continue;
            }
            if let Some(parent) = full.parent() {
                fs::create_dir_all(parent).map_err(|source| ImportError::Io {
                    action: "create",
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            fs::write(&full, bytes).map_err(|source| ImportError::Io {
                action: "write",
                path: full.clone(),
                source,
            })?;
            summary.written += 1;
        }
        Ok(summary)
    }
}

/// Every file below `dir`, as sorted `/`-separated relative paths; none if
/// `dir` does not exist.
fn list_files(dir: &Path) -> Result<Vec<String>, ImportError> {
    let mut found = Vec::new();
    if dir.is_dir() {
        walk(dir, "", &mut found)?;
    }
    found.sort();
    Ok(found)
}

fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, String, bool)>, ImportError> {
    let io_err = |source| ImportError::Io {
        action: "list",
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let is_dir = entry.file_type().map_err(io_err)?.is_dir();
        let name = entry.file_name().to_string_lossy().into_owned();
        entries.push((entry.path(), name, is_dir));
    }
    Ok(entries)
}

fn walk(dir: &Path, prefix: &str, found: &mut Vec<String>) -> Result<(), ImportError> {
    for (path, name, is_dir) in read_dir(dir)? {
        let relative = format!("{prefix}{name}");
        if is_dir {
            walk(&path, &format!("{relative}/"), found)?;
        } else {
            found.push(relative);
        }
    }
    Ok(())
}

/// Removes the empty folders below `dir` (not `dir` itself).
fn remove_empty_dirs(dir: &Path) -> Result<(), ImportError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for (path, _, is_dir) in read_dir(dir)? {
        if is_dir {
            remove_empty_dirs(&path)?;
            if read_dir(&path)?.is_empty() {
                fs::remove_dir(&path).map_err(|source| ImportError::Io {
                    action: "remove",
                    path: path.clone(),
                    source,
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn render_uses_one_space_indent_and_a_final_newline() {
        let value: Value = serde_json::from_str(r#"{"b":[1,{"c":null}],"a":{},"d":[]}"#).unwrap();
        assert_eq!(
            String::from_utf8(render(&value).unwrap()).unwrap(),
            "{\n \"b\": [\n  1,\n  {\n   \"c\": null\n  }\n ],\n \"a\": {},\n \"d\": []\n}\n"
        );
        // Rendering parses back to the same value, floats included.
        let floats =
            json!({"x": 1.0, "y": 0.1, "z": 1.7976931348623157e308, "i": 9223372036854775807i64});
        let back: Value = serde_json::from_slice(&render(&floats).unwrap()).unwrap();
        assert_eq!(back, floats);
    }

    #[test]
    fn write_then_compare_is_clean_and_stale_files_go() {
        let dir = std::env::temp_dir().join(format!("stratus-import-tree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("gone")).unwrap();
        fs::write(dir.join("gone/service-2.json"), b"{}\n").unwrap();
        fs::write(dir.join("README.md"), b"kept\n").unwrap();

        let mut tree = Tree::default();
        tree.insert(
            "s3/service-2.json".into(),
            render(&json!({"a": 1})).unwrap(),
        );
        tree.insert("MANIFEST.json".into(), render(&json!({})).unwrap());

        let before = tree.compare(&dir).unwrap();
        assert_eq!(
            before,
            [
                "extra gone/service-2.json",
                "missing MANIFEST.json",
                "missing s3/service-2.json"
            ]
        );
        let first = tree.write(&dir).unwrap();
        assert_eq!(
            first,
            WriteSummary {
                written: 2,
                unchanged: 0,
                removed: 1
            }
        );
        assert!(!dir.join("gone").exists());
        assert!(dir.join("README.md").exists());
        let second = tree.write(&dir).unwrap();
        assert_eq!(second.written, 0);
        assert_eq!(second.unchanged, 2);
        assert!(tree.compare(&dir).unwrap().is_empty());
        fs::write(dir.join("s3/service-2.json"), b"{}\n").unwrap();
        assert_eq!(tree.compare(&dir).unwrap(), ["differs s3/service-2.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
