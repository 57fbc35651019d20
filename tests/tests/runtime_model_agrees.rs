//! The two ways to get a core model agree: `stratus-models`' generated statics
//! (source emitted by `stratus_codegen::tables`) and `stratus_codegen::runtime::
//! leak_service` (the same tables built at run time for tests). Compared through
//! `Debug`, which prints every field of every table.

use stratus_codegen::runtime::leak_service;

const SERVICES: [&str; 6] = ["kinesis", "s3", "ec2", "dynamodb", "sqs", "cloudwatch"];

#[test]
fn leaked_tables_equal_generated_tables() {
    let data = stratus_tests::workspace_root().join("models/data");
    for name in SERVICES {
        let generated = stratus_models::service(name)
            .unwrap_or_else(|| panic!("stratus-models built without feature {name}"));
        let ir = stratus_codegen::load_service(&data, name)
            .and_then(|ir| stratus_codegen::trim(&ir, None))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let leaked = leak_service(&ir);
        let (a, b) = (format!("{generated:?}"), format!("{leaked:?}"));
        assert!(
            a == b,
            "{name}: generated and leaked tables differ (first difference at byte {})",
            a.bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()))
        );
        println!(
            "{name}: {} operations, {} shapes, {} bytes of Debug text agree",
            leaked.operations.len(),
            leaked.shapes.len(),
            a.len()
        );
    }
}
