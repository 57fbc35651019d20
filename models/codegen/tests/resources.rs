//! Every boto3 resource model (`models/data/*/resources-1.json`) generates,
//! and the names the tables give boto3's python attributes (identifiers,
//! actions, batch actions, references, sub-resources, collections, waiters,
//! attributes, renames on collisions) equal boto3 1.43.11's own
//! `ResourceModel` names, service by service. Prints the counts.

mod common;

use std::collections::BTreeMap;

use common::models_dir;
use stratus_codegen::resources::{ResourceCounts, emit_resources};

/// Services with a resource model, sorted.
fn resource_services() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(models_dir())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("resources-1.json").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    out.sort();
    out
}

/// boto3's names, `<Resource>.<category>.<name>`, per service.
const BOTO3_NAMES: &str = r#"
import json, sys, boto3
from boto3.resources.model import ResourceModel
session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="SECRET")
out = {}
for svc in sys.argv[1:]:
    defs = session._loader.load_service_model(svc, "resources-1", None)
    model = session._session.get_service_model(svc)
    names = []
    for name, d in [("ServiceResource", defs["service"])] + list(defs["resources"].items()):
        m = ResourceModel(name, d, defs["resources"])
        shape = model.shape_for(d["shape"]) if "shape" in d else None
        m.load_rename_map(shape)
        names += [f"{name}.identifier.{i.name}" for i in m.identifiers]
        names += [f"{name}.action.{a.name}" for a in m.actions]
        names += [f"{name}.batch_action.{a.name}" for a in m.batch_actions]
        names += [f"{name}.subresource.{r.name}" for r in m.subresources]
        names += [f"{name}.reference.{r.name}" for r in m.references]
        names += [f"{name}.collection.{c.name}" for c in m.collections]
        names += [f"{name}.waiter.{w.name}" for w in m.waiters]
        if shape is not None:
            names += [f"{name}.attribute.{a}" for a in m.get_attributes(shape)]
    out[svc] = sorted(names)
print(json.dumps(out))
"#;

#[test]
fn every_resource_model_generates_with_boto3_names() {
    let services = resource_services();
    assert_eq!(
        services,
        [
            "cloudformation",
            "cloudwatch",
            "dynamodb",
            "ec2",
            "glacier",
            "iam",
            "s3",
            "sns",
            "sqs"
        ]
    );
    let out = stratus_tests::python()
        .arg("-c")
        .arg(BOTO3_NAMES)
        .args(&services)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let boto3: BTreeMap<String, Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    let mut total = ResourceCounts::default();
    let mut names = 0;
    for svc in &services {
        let ir = stratus_codegen::load_service(models_dir(), svc).unwrap();
        let (src, summary) = emit_resources(&models_dir(), &ir, false)
            .unwrap_or_else(|e| panic!("{svc}: {e}"))
            .expect("a resource model");
        let c = summary.counts;
        println!(
            "{svc:15} {:3} resources {:3} actions {:2} batch {:3} references {:3} subresources {:3} collections {:2} waiters {:4} attributes {:2} loads {:3} paths ({} refused), {} bytes of source",
            c.resources,
            c.actions,
            c.batch_actions,
            c.references,
            c.subresources,
            c.collections,
            c.waiters,
            c.attributes,
            c.loads,
            c.paths,
            c.refused_paths,
            src.len()
        );
        let theirs = &boto3[svc];
        let missing: Vec<_> = theirs
            .iter()
            .filter(|n| !summary.names.contains(n))
            .collect();
        let extra: Vec<_> = summary
            .names
            .iter()
            .filter(|n| !theirs.contains(n))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{svc}: names boto3 has and stratus lacks: {missing:?}; stratus has and boto3 lacks: {extra:?}"
        );
        names += theirs.len();
        total += c;
    }
    println!(
        "total: {} services, {} resources, {} actions, {} batch actions, {} references, {} subresources, {} collections, {} waiters, {} attributes, {} paths compiled, {} refused; {names} python names equal boto3's",
        services.len(),
        total.resources,
        total.actions,
        total.batch_actions,
        total.references,
        total.subresources,
        total.collections,
        total.waiters,
        total.attributes,
        total.paths,
        total.refused_paths
    );
}
