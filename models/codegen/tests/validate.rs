//! Runs the generator over every service in the models directory and checks the
//! tables it makes: every shape reference resolves, every operation's
//! input / output / errors exist, URI labels and `location: uri` members match,
//! and the emitted table indices point inside the emitted arrays.

mod common;

use stratus_codegen::{all_services, check, load_service, tables, trim, types};

#[test]
fn every_service_generates_consistent_tables() {
    let dir = common::models_dir();
    let services = all_services(&dir).expect("models directory readable");
    assert!(!services.is_empty(), "no service in {}", dir.display());
    let (mut ops, mut shapes, mut failures) = (0usize, 0usize, Vec::new());
    for name in &services {
        let full = match load_service(&dir, name) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        // The whole model, then what the generator emits (reachable shapes only).
        failures.extend(check::check_service(&full));
        let emitted = match trim(&full, None) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        failures.extend(check::check_service(&emitted));
        let idx = tables::shape_index(&emitted);
        let src = tables::emit_tables(&emitted);
        // Every ShapeId(n) written into the tables is inside the shape array.
        for id in src.split("ShapeId(").skip(1) {
            let n: usize = id
                .split(')')
                .next()
                .and_then(|d| d.parse().ok())
                .unwrap_or(usize::MAX);
            if n >= idx.len() {
                failures.push(format!(
                    "{name}: table refers to ShapeId({n}) of {}",
                    idx.len()
                ));
            }
        }
        if !types::emit_types(&emitted).contains("pub mod errors") {
            failures.push(format!("{name}: typed shapes not emitted"));
        }
        ops += emitted.operations.len();
        shapes += emitted.shapes.len();
    }
    println!(
        "validated {} services, {ops} operations, {shapes} shapes: {} passed, {} failed",
        services.len(),
        services.len()
            - failures
                .iter()
                .map(|f| f.split(':').next())
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
        failures.len()
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} problems", failures.len());
}

#[test]
fn checks_catch_broken_models() {
    // A URI label without its member, and an operation naming a missing shape.
    let doc = serde_json::json!({
        "metadata": {"protocol": "rest-json", "apiVersion": "1", "endpointPrefix": "x",
                     "serviceId": "X", "signatureVersion": "v4"},
        "operations": {"Get": {"name": "Get", "http": {"method": "GET", "requestUri": "/{Id}"},
                                "input": {"shape": "GetInput"}, "output": {"shape": "Nope"}}},
        "shapes": {"GetInput": {"type": "structure", "members": {
            "Other": {"shape": "S", "location": "uri", "locationName": "Other"}}},
                   "S": {"type": "string"}}
    });
    let svc = stratus_codegen::model::parse_service("x", &doc).unwrap();
    let problems = check::check_service(&svc);
    assert!(
        problems.iter().any(|p| p.contains("missing shape Nope")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.contains("{Id}")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.contains("member Other")),
        "{problems:?}"
    );
}

#[test]
fn trimming_keeps_only_reached_shapes() {
    let dir = common::models_dir();
    let full = load_service(&dir, "kinesis").unwrap();
    let keep = ["PutRecord".to_string(), "put-records".to_string()];
    let t = trim(&full, Some(&keep)).unwrap();
    let names: Vec<&str> = t.operations.keys().map(String::as_str).collect();
    assert_eq!(names, ["PutRecord", "PutRecords"]);
    assert!(t.shapes.contains_key("ResourceNotFoundException"));
    assert!(!t.shapes.contains_key("DescribeStreamInput"));
    assert!(check::check_service(&t).is_empty());
    assert!(trim(&full, Some(&["NoSuchOp".to_string()])).is_err());
    println!(
        "kinesis trimmed to {} of {} shapes",
        t.shapes.len(),
        full.shapes.len()
    );
}
