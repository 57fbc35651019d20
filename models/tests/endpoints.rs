//! Endpoint rule sets compiled into the generated services resolve through the
//! core evaluator (`cargo test -p stratus-models --features kinesis`).
#![cfg(feature = "kinesis")]

use stratus_core::endpoint::{Outcome, ParamValue, Partitions, RuleSet};

fn resolve(service: &str, params: &[(&str, ParamValue<'_>)]) -> String {
    let rules = stratus_models::endpoint_rules(service).expect("rule set compiled in");
    let rules = RuleSet::new(rules).expect("rule set header");
    let partitions = Partitions::new(&stratus_models::PARTITIONS).expect("partitions header");
    let mut buf = [0u8; 1024];
    match rules.resolve::<_, 32>(&partitions, params, &mut buf) {
        Ok(Outcome::Endpoint(ep)) => ep.url().to_string(),
        Ok(Outcome::Error(message)) => format!("error: {message}"),
        Err(e) => panic!("{service}: {e:?}"),
    }
}

#[test]
fn kinesis_resolves_from_generated_statics() {
    let cases = [
        (
            vec![("Region", ParamValue::Str("us-east-1"))],
            "https://kinesis.us-east-1.amazonaws.com",
        ),
        (
            vec![
                ("Region", ParamValue::Str("us-east-1")),
                ("UseFIPS", ParamValue::Bool(true)),
            ],
            "https://kinesis-fips.us-east-1.amazonaws.com",
        ),
        (
            vec![("Region", ParamValue::Str("cn-north-1"))],
            "https://kinesis.cn-north-1.amazonaws.com.cn",
        ),
    ];
    for (params, want) in &cases {
        assert_eq!(&resolve("kinesis", params), want, "{params:?}");
    }
    assert_eq!(
        stratus_models::endpoint_rules("kinesis").map(<[u8]>::len),
        Some(stratus_models::kinesis::ENDPOINT_RULES.len())
    );
    assert!(stratus_models::endpoint_rules("not-a-service").is_none());
    println!(
        "kinesis endpoints: {} cases pass; rules {} bytes, partitions {} bytes",
        cases.len(),
        stratus_models::kinesis::ENDPOINT_RULES.len(),
        stratus_models::PARTITIONS.len()
    );
}
