//! Where the models live: `STRATUS_MODELS_DIR`, else `<workspace>/models/data`.

use std::path::PathBuf;

pub fn models_dir() -> PathBuf {
    std::env::var_os("STRATUS_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data"))
}
