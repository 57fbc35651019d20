//! The botocore source distribution, whose test data the conformance suites read:
//! `tests/unit/auth/aws4_testsuite`, `tests/unit/protocols` and
//! `tests/functional/endpoint-rules`.
//!
//! It is fetched from PyPI with `pip download` into the git-ignored
//! `.cache/sdist/`, checked against a pinned sha256, and unpacked beside the
//! archive. `STRATUS_BOTOCORE_SDIST` names an already-unpacked copy instead.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::XtaskError;
use crate::setup::BOTOCORE_VERSION;
use crate::steps::Outcome;
use crate::workspace::{command, python, root, run};

/// sha256 of `botocore-1.43.11.tar.gz` as served by PyPI, recorded when it was
/// first downloaded.
pub const SDIST_SHA256: &str = "d7d479cc2809ec2728f2898521003adfb79bfe6a4615c59dfd222ec52b0cee6b";

/// The folders of the sdist that the tests read.
pub const REQUIRED_DIRS: [&str; 3] = [
    "tests/unit/auth/aws4_testsuite",
    "tests/unit/protocols",
    "tests/functional/endpoint-rules",
];

fn cache_dir() -> PathBuf {
    root().join(".cache").join("sdist")
}

fn unpacked_name() -> String {
    format!("botocore-{BOTOCORE_VERSION}")
}

/// The first required folder missing under `dir`, if any.
fn first_missing(dir: &Path) -> Option<&'static str> {
    REQUIRED_DIRS
        .iter()
        .copied()
        .find(|sub| !dir.join(sub).is_dir())
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> XtaskError {
    let path = path.to_path_buf();
    move |source| XtaskError::Io {
        action,
        path,
        source,
    }
}

/// The sha256 of a file, as lowercase hex.
pub fn sha256_hex(path: &Path) -> Result<String, XtaskError> {
    let mut file = File::open(path).map_err(io_err("open", path))?;
    let mut hasher = Sha256::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(io_err("read", path))?;
        match buf.get(..n) {
            Some([]) | None => break,
            Some(chunk) => hasher.update(chunk),
        }
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]])
        .map(char::from)
        .collect()
}

/// Makes sure the unpacked sdist with its test data is present.
pub fn ensure() -> Result<Outcome, XtaskError> {
    if let Some(dir) = std::env::var_os("STRATUS_BOTOCORE_SDIST").map(PathBuf::from) {
        return match first_missing(&dir) {
            None => Ok(Outcome::AlreadyDone(format!(
                "using STRATUS_BOTOCORE_SDIST={}",
                dir.display()
            ))),
            Some(missing) => Err(XtaskError::BadSdistOverride { path: dir, missing }),
        };
    }
    let cache = cache_dir();
    let target = cache.join(unpacked_name());
    if first_missing(&target).is_none() {
        return Ok(Outcome::AlreadyDone(format!(
            "present in .cache/sdist/{}",
            unpacked_name()
        )));
    }
    fs::create_dir_all(&cache).map_err(io_err("create", &cache))?;
    let archive = cache.join(format!("{}.tar.gz", unpacked_name()));
    if archive.is_file() {
        println!(
            "archive already downloaded: .cache/sdist/{}.tar.gz",
            unpacked_name()
        );
    } else {
        run(python()
            .args(["-m", "pip", "download", "--disable-pip-version-check"])
            .args(["--no-binary", ":all:", "--no-deps"])
            .arg(format!("botocore=={BOTOCORE_VERSION}"))
            .arg("-d")
            .arg(&cache))?;
        if !archive.is_file() {
            return Err(XtaskError::StillMissing(format!(
                ".cache/sdist/{}.tar.gz",
                unpacked_name()
            )));
        }
    }
    let actual = sha256_hex(&archive)?;
    if actual != SDIST_SHA256 {
        return Err(XtaskError::ChecksumMismatch {
            path: archive,
            expected: SDIST_SHA256,
            actual,
        });
    }
    println!("sha256 ok: {actual}");
    unpack(&archive, &cache, &target)?;
    match first_missing(&target) {
        None => Ok(Outcome::Ran),
        Some(missing) => Err(XtaskError::StillMissing(format!(
            ".cache/sdist/{}/{missing}",
            unpacked_name()
        ))),
    }
}

/// Unpacks into a scratch folder first, so an interrupted run never leaves a
/// half-filled `target` that a later run would take as complete.
fn unpack(archive: &Path, cache: &Path, target: &Path) -> Result<(), XtaskError> {
    let scratch = cache.join(format!(".unpacking-{}", unpacked_name()));
    if scratch.exists() {
        fs::remove_dir_all(&scratch).map_err(io_err("remove", &scratch))?;
    }
    fs::create_dir_all(&scratch).map_err(io_err("create", &scratch))?;
    run(command("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(&scratch))?;
    let unpacked = scratch.join(unpacked_name());
    if let Some(missing) = first_missing(&unpacked) {
        return Err(XtaskError::StillMissing(format!(
            "{missing} in {}",
            archive.display()
        )));
    }
    if target.exists() {
        // Only ever our own cache folder (the override path returns earlier).
        fs::remove_dir_all(target).map_err(io_err("remove", target))?;
    }
    fs::rename(&unpacked, target).map_err(io_err("rename into place", target))?;
    fs::remove_dir_all(&scratch).map_err(io_err("remove", &scratch))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_a_known_vector() {
        // FIPS 180-2 example: sha256("abc").
        let path = std::env::temp_dir().join(format!("xtask-sha-{}", std::process::id()));
        fs::write(&path, b"abc").unwrap();
        let got = sha256_hex(&path);
        fs::remove_file(&path).unwrap();
        assert_eq!(
            got.unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn pinned_digest_is_well_formed() {
        assert_eq!(SDIST_SHA256.len(), 64);
        assert!(
            SDIST_SHA256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn reports_the_first_missing_folder() {
        let dir = std::env::temp_dir().join(format!("xtask-sdist-{}", std::process::id()));
        fs::create_dir_all(dir.join(REQUIRED_DIRS[0])).unwrap();
        let missing = first_missing(&dir);
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(missing, Some(REQUIRED_DIRS[1]));
    }
}
