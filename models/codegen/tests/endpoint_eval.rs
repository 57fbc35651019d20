//! Evaluator behaviour beyond the conformance suite: typed errors for small
//! buffers, too few slots and bad parameters, and a differential test of the
//! standard-library functions against botocore's own `EndpointProvider` on
//! probe rule sets and tricky inputs.

use std::io::Write;
use std::process::Stdio;

use serde_json::{Value, json};
use stratus_codegen::endpoints::{encode_partitions, encode_rule_set};
use stratus_core::endpoint::{EvalError, Outcome, ParamValue, Partitions, RuleSet};

fn partitions_blob() -> Vec<u8> {
    let path = stratus_tests::workspace_root().join("models/data/partitions.json");
    let text = std::fs::read_to_string(&path).expect("models/data/partitions.json");
    encode_partitions(&serde_json::from_str(&text).expect("json")).expect("encodes")
}

fn input_param() -> Value {
    json!({"Input": {"type": "string", "required": false}})
}

fn probe(rules: Value) -> Value {
    json!({"version": "1.0", "parameters": input_param(), "rules": rules})
}

fn err(msg: &str) -> Value {
    json!({"type": "error", "conditions": [], "error": msg})
}

fn call(f: &str, argv: Value) -> Value {
    json!({"fn": f, "argv": argv})
}

fn assign(f: &str, argv: Value, name: &str) -> Value {
    json!({"fn": f, "argv": argv, "assign": name})
}

fn input() -> Value {
    json!({"ref": "Input"})
}

/// One probe rule set per function family; each turns its result into the
/// error message (or URL) so botocore and stratus can be compared as text.
fn probes() -> Vec<(&'static str, Value)> {
    let url = || assign("parseURL", json!([input()]), "u");
    let is_ip = call(
        "booleanEquals",
        json!([call("getAttr", json!([{"ref": "u"}, "isIp"])), true]),
    );
    let fields = "{u#scheme}|{u#authority}|{u#path}|{u#normalizedPath}";
    vec![
        (
            "parseURL",
            probe(json!([
                {"type": "error", "conditions": [url(), is_ip], "error": format!("{fields}|ip")},
                {"type": "error", "conditions": [url()], "error": format!("{fields}|name")},
                err("not a URL"),
            ])),
        ),
        (
            "parseURL endpoint",
            probe(json!([
                {"type": "endpoint", "conditions": [url()],
                 "endpoint": {"url": "{u#scheme}://{u#authority}{u#normalizedPath}x", "properties": {}, "headers": {}}},
                err("not a URL"),
            ])),
        ),
        (
            "uriEncode",
            probe(json!([
                {"type": "error", "conditions": [assign("uriEncode", json!([input()]), "e")], "error": "[{e}]"},
                err("unset"),
            ])),
        ),
        (
            "substring",
            probe(json!([
                {"type": "error", "conditions": [assign("substring", json!([input(), 1, 4, false]), "s")], "error": "f:{s}"},
                {"type": "error", "conditions": [assign("substring", json!([input(), 0, 2, true]), "r")], "error": "r:{r}"},
                err("none"),
            ])),
        ),
        (
            "isValidHostLabel",
            probe(json!([
                {"type": "error", "conditions": [call("isValidHostLabel", json!([input(), true]))],
                 "error": "sub"},
                {"type": "error", "conditions": [call("isValidHostLabel", json!([input(), false]))],
                 "error": "label"},
                err("no"),
            ])),
        ),
        (
            "isVirtualHostableS3Bucket",
            probe(json!([
                {"type": "error", "conditions": [call("aws.isVirtualHostableS3Bucket", json!([input(), false]))],
                 "error": "plain"},
                {"type": "error", "conditions": [call("aws.isVirtualHostableS3Bucket", json!([input(), true]))],
                 "error": "dotted"},
                err("no"),
            ])),
        ),
        (
            "parseArn",
            probe(json!([
                {"type": "error", "conditions": [
                    assign("aws.parseArn", json!([input()]), "a"),
                    assign("getAttr", json!([{"ref": "a"}, "resourceId[1]"]), "r1")],
                 "error": "{a#partition}|{a#service}|{a#region}|{a#accountId}|{r1}"},
                {"type": "error", "conditions": [assign("aws.parseArn", json!([input()]), "a")],
                 "error": "{a#partition}|{a#service}|{a#region}|{a#accountId}|-"},
                err("no"),
            ])),
        ),
        (
            "aws.partition",
            probe(json!([
                {"type": "error", "conditions": [assign("aws.partition", json!([input()]), "p")],
                 "error": "{p#name}|{p#dnsSuffix}|{p#dualStackDnsSuffix}|{p#implicitGlobalRegion}"},
            ])),
        ),
        (
            "stringEquals and not",
            probe(json!([
                {"type": "error", "conditions": [call("isSet", json!([input()])),
                    call("not", json!([call("stringEquals", json!([input(), "a{{b}}"]))]))],
                 "error": "ne {{{Input}}}"},
                {"type": "error", "conditions": [call("isSet", json!([input()]))], "error": "eq"},
                err("unset"),
            ])),
        ),
    ]
}

const INPUTS: &[&str] = &[
    "https://example.com",
    "https://example.com/",
    "http://[::1]:80/a/./b/../c//d",
    "HTTPS://user@1.2.3.4:8080/p;x",
    "https://h/%20a/b~c/d+e",
    "https://h/é/ü",
    "https://h?",
    "https://h?q=1",
    "https://h#frag",
    "https://h/a/../..",
    "https://h/./",
    "ftp://h",
    "https://h:99999",
    "https://h:0080/x",
    "https://[fe80::1%25en0]/",
    "https://[::ffff:1.2.3.4]",
    "https://999.1.1.1",
    "http:///nohost",
    "",
    "a",
    "ab",
    "abc",
    "abcd",
    "-ab",
    "ab-",
    "a.b.c",
    "A.b",
    "Abc",
    "192.168.1.1",
    "a..b",
    ".a",
    "bucket.name",
    "my_bucket",
    "a b/c~d.e-f_g",
    "é/ü",
    "a{{b}}",
    "a{b}",
    "arn:aws:s3:us-west-2:123456789012:accesspoint/ap:x",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:us-east-1:1:r",
    "arn::s3:r:a:res",
    "arn:aws:s3:r:a:",
    "arn:aws:s3:r",
    "us-east-1",
    "cn-north-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eusc-de-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "mars-east-1",
    "us-east-1x",
    "us-east-",
    "us_a-east-1",
    "aws-global",
    "ap-southeast-5",
    "il-central-1",
];

const ORACLE: &str = r#"
import json, sys
from botocore.loaders import Loader
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError
req = json.load(sys.stdin)
partitions = Loader().load_data('partitions')
out = []
for probe in req['probes']:
    provider = EndpointProvider(probe, partitions)
    row = []
    for value in req['inputs']:
        try:
            row.append('url:' + provider.resolve_endpoint(Input=value).url)
        except EndpointResolutionError as e:
            row.append('error:' + str(e))
        except Exception as e:
            row.append('raised:' + type(e).__name__)
    out.append(row)
json.dump(out, sys.stdout)
"#;

#[test]
fn functions_match_botocore() {
    let probes = probes();
    let request = json!({"probes": probes.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>(), "inputs": INPUTS});
    let mut child = stratus_tests::python()
        .args(["-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("write request");
    let output = child.wait_with_output().expect("python finishes");
    assert!(output.status.success(), "botocore oracle failed");
    let expected: Vec<Vec<String>> = serde_json::from_slice(&output.stdout).expect("oracle JSON");

    let parts_blob = partitions_blob();
    let partitions = Partitions::new(&parts_blob).expect("partitions");
    let mut buf = vec![0u8; 4096];
    let (mut passed, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
    for ((name, probe), want_row) in probes.iter().zip(&expected) {
        let blob = encode_rule_set(probe).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rules = RuleSet::new(&blob).expect("valid");
        for (input, want) in INPUTS.iter().zip(want_row) {
            if want.starts_with("raised:") {
                skipped.push(format!(
                    "{name} {input:?}: botocore itself {want} (not an endpoint outcome)"
                ));
                continue;
            }
            let got = match rules.resolve::<_, 16>(
                &partitions,
                &[("Input", ParamValue::Str(input))][..],
                &mut buf,
            ) {
                Ok(Outcome::Endpoint(ep)) => format!("url:{}", ep.url()),
                Ok(Outcome::Error(m)) => format!("error:{m}"),
                Err(e) => format!("evaluator error: {e}"),
            };
            if &got == want {
                passed += 1;
            } else {
                failures.push(format!("{name} {input:?}: got {got:?}, botocore {want:?}"));
            }
        }
    }
    println!(
        "endpoint functions vs botocore: {passed} passed, {} failed, {} skipped",
        failures.len(),
        skipped.len()
    );
    for s in &skipped {
        println!("skipped: {s}");
    }
    for f in &failures {
        println!("FAILED: {f}");
    }
    assert!(failures.is_empty());
}

fn simple_rules() -> Vec<u8> {
    encode_rule_set(&json!({
        "version": "1.0",
        "parameters": {
            "Region": {"type": "string", "builtIn": "AWS::Region", "required": true},
            "UseFIPS": {"type": "boolean", "builtIn": "AWS::UseFIPS", "required": true, "default": false}
        },
        "rules": [
            {"type": "endpoint", "conditions": [assign("aws.partition", json!([{"ref": "Region"}]), "p")],
             "endpoint": {"url": "https://svc.{Region}.{p#dnsSuffix}",
                          "properties": {"authSchemes": [{"name": "sigv4", "signingName": "svc",
                                                          "signingRegion": "{Region}", "disableDoubleEncoding": true}]},
                          "headers": {"x-a": ["1", "{Region}"]}}}
        ]
    }))
    .expect("encodes")
}

#[test]
fn endpoint_views_and_typed_errors() {
    let blob = simple_rules();
    let parts_blob = partitions_blob();
    let partitions = Partitions::new(&parts_blob).expect("partitions");
    let rules = RuleSet::new(&blob).expect("valid");
    assert_eq!(rules.param_for_built_in("AWS::Region"), Some("Region"));
    assert_eq!(rules.slots_needed(), 3);

    let mut buf = [0u8; 512];
    let params = [("Region", ParamValue::Str("cn-north-1"))];
    let Ok(Outcome::Endpoint(ep)) = rules.resolve::<_, 4>(&partitions, &params, &mut buf) else {
        panic!("expected an endpoint");
    };
    assert_eq!(ep.url(), "https://svc.cn-north-1.amazonaws.com.cn");
    let scheme = ep.auth_schemes().next().expect("one scheme");
    assert_eq!(scheme.name, "sigv4");
    assert_eq!(scheme.signing_name, Some("svc"));
    assert_eq!(scheme.signing_region, Some("cn-north-1"));
    assert_eq!(scheme.disable_double_encoding, Some(true));
    assert_eq!(ep.headers().len(), 1);

    let mut small = [0u8; 16];
    assert_eq!(
        rules
            .resolve::<_, 4>(&partitions, &params, &mut small)
            .err(),
        Some(EvalError::BufferTooSmall)
    );
    assert_eq!(
        rules.resolve::<_, 2>(&partitions, &params, &mut buf).err(),
        Some(EvalError::TooManySlots {
            needed: 3,
            capacity: 2
        })
    );
    let none: [(&str, ParamValue<'_>); 0] = [];
    assert_eq!(
        rules.resolve::<_, 4>(&partitions, &none, &mut buf).err(),
        Some(EvalError::MissingParameter { index: 0 })
    );
    let wrong = [("Region", ParamValue::Bool(true))];
    assert_eq!(
        rules.resolve::<_, 4>(&partitions, &wrong, &mut buf).err(),
        Some(EvalError::ParameterType { index: 0 })
    );
    assert_eq!(RuleSet::new(b"nope").err(), Some(EvalError::BadMagic));
    assert_eq!(Partitions::new(&blob).err(), Some(EvalError::BadMagic));
    assert_eq!(
        partitions.partition_id(Some("mars-east-1")).ok(),
        Some("aws")
    );
    assert_eq!(
        partitions.partition_id(Some("us-gov-west-1")).ok(),
        Some("aws-us-gov")
    );
}
