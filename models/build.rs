//! Generates the tables and typed shapes of every service whose cargo feature is
//! enabled, trimmed by `STRATUS_KEEP_OPERATIONS` (`kinesis=PutRecord,PutRecords;…`).
//! `STRATUS_MODELS_TABLES_ONLY=1` skips the typed shapes (size probes).

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-env-changed=STRATUS_KEEP_OPERATIONS");
    println!("cargo:rerun-if-env-changed=STRATUS_MODELS_DIR");
    println!("cargo:rerun-if-env-changed=STRATUS_MODELS_TABLES_ONLY");
    let models = std::env::var_os("STRATUS_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("data"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = run(&models, &out) {
        eprintln!("stratus-models: {e}");
        std::process::exit(1);
    }
}

fn run(models: &std::path::Path, out: &std::path::Path) -> Result<(), stratus_codegen::GenError> {
    // Tables only (no typed shapes): for quick size probes; the tables are the same.
    let typed = std::env::var_os("STRATUS_MODELS_TABLES_ONLY").is_none();
    let resources = std::env::var_os("CARGO_FEATURE_RESOURCES").is_some();
    let mut generator = stratus_codegen::Generator::new(models)
        .typed(typed)
        .resources(resources);
    for service in stratus_codegen::all_services(models)? {
        let var = format!("CARGO_FEATURE_{}", service.to_uppercase().replace('-', "_"));
        if std::env::var_os(&var).is_some() {
            for file in [
                "service-2.json",
                "endpoint-rule-set-1.json",
                "resources-1.json",
                "paginators-1.json",
                "waiters-2.json",
            ] {
                // A missing file would make cargo rerun this script every build.
                if !models.join(&service).join(file).is_file() {
                    continue;
                }
                println!(
                    "cargo:rerun-if-changed={}",
                    models.join(&service).join(file).display()
                );
            }
            generator = generator.service(&service);
        }
    }
    println!(
        "cargo:rerun-if-changed={}",
        models.join("partitions.json").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        models.join("_retry.json").display()
    );
    if let Ok(filter) = std::env::var("STRATUS_KEEP_OPERATIONS") {
        generator = generator.filter(&filter)?;
    }
    generator.write(out)?;
    Ok(())
}
