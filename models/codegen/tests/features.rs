//! models/Cargo.toml lists one feature per service in the models directory.
//! Set `STRATUS_UPDATE_FEATURES=1` to rewrite the list instead of failing.

mod common;

use stratus_codegen::{all_services, features_block};

#[test]
fn features_in_sync_with_models() {
    let services = all_services(common::models_dir()).unwrap();
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let start = text
        .find("[features]")
        .expect("models/Cargo.toml has [features]");
    let end = text[start + 1..]
        .find("\n[")
        .map_or(text.len(), |i| start + 2 + i);
    let want = features_block(&services);
    if text[start..end] == want {
        println!("features: {} services in sync", services.len());
        return;
    }
    if std::env::var_os("STRATUS_UPDATE_FEATURES").is_some() {
        let new = format!("{}{}{}", &text[..start], want, &text[end..]);
        std::fs::write(&manifest, new).unwrap();
        println!(
            "features: rewrote models/Cargo.toml with {} services",
            services.len()
        );
        return;
    }
    panic!(
        "models/Cargo.toml [features] is out of sync with the models ({} services); rerun with STRATUS_UPDATE_FEATURES=1",
        services.len()
    );
}
