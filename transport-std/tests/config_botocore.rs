//! Differential test of the shared config against botocore 1.43.11: for
//! generated config and credentials files, environments and profiles, both
//! sides report the region, the scoped profile (as botocore's
//! `get_scoped_config()`), the retry mode, total attempts and connect
//! timeout of a client, the endpoint configured for four services, the FIPS
//! and dual-stack settings, the `s3` settings, and which credential source
//! wins (with its access key), or the error each gives. botocore runs in a
//! python3 subprocess with instance metadata disabled; the only network
//! traffic is stratus's own to a fake STS on 127.0.0.1 (botocore's assume-role
//! credentials are deferred, so it never calls STS).

mod creds_support;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use creds_support::*;
use serde_json::{Value, json};
use stratus_core::retry::RetryMode;
use stratus_transport_std::config::{ConfigError, Env, SharedConfig, ensure_boolean};
use stratus_transport_std::credentials::{DefaultCredentialsChain, ProviderError};

const CASES: usize = 240;
const SERVICES: [&str; 4] = ["kinesis", "s3", "dynamodb", "iot-data"];

/// botocore's answers, per case.
const ORACLE: &str = r#"
import copy, json, os, sys
import botocore.session
from botocore.configprovider import ConfiguredEndpointProvider

cases = json.load(sys.stdin)
base = {k: v for k, v in os.environ.items() if not k.startswith('AWS_')}
out = []

def err(e):
    return {'error': type(e).__name__}

def attempt(f):
    try:
        return f()
    except Exception as e:
        return err(e)

for case in cases:
    os.environ.clear()
    os.environ.update(base)
    os.environ.update(case['env'])
    r = {}
    s = botocore.session.Session(profile=case['profile'])
    r['region'] = attempt(lambda: {'value': s.get_config_variable('region')})
    r['scoped'] = attempt(lambda: {'value': copy.deepcopy(s.get_scoped_config())})
    def endpoints():
        if s.get_config_variable('ignore_configured_endpoint_urls'):
            return {'value': {name: None for name in case['services']}}
        full, scoped = s.full_config, s.get_scoped_config()
        return {'value': {name: ConfiguredEndpointProvider(full, scoped, name).provide()
                          for name in case['services']}}
    r['endpoints'] = attempt(endpoints)
    r['flags'] = attempt(lambda: {'value': [s.get_config_variable('use_fips_endpoint'),
                                            s.get_config_variable('use_dualstack_endpoint')]})
    r['s3'] = attempt(lambda: {'value': copy.deepcopy(s.get_config_variable('s3'))})
    def client():
        region = s.get_config_variable('region') or 'us-east-1'
        c = s.create_client('kinesis', region_name=region, aws_access_key_id='AKID',
                            aws_secret_access_key='secret')
        retries = c.meta.config.retries
        return {'mode': retries.get('mode'), 'total_max_attempts': retries.get('total_max_attempts'),
                'connect_timeout': c.meta.config.connect_timeout}
    r['client'] = attempt(client)
    def creds():
        c = s.get_credentials()
        if c is None:
            return {'value': None}
        if c.method in ('assume-role', 'assume-role-with-web-identity'):
            return {'value': [c.method, None]}
        return {'value': [c.method, c.access_key]}
    r['creds'] = attempt(creds)
    out.append(r)
print(json.dumps(out))
"#;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Case {
    config: String,
    credentials: String,
    env: BTreeMap<String, String>,
    profile: Option<String>,
}

/// Settings a profile may hold, with good and bad values.
fn profile_body(rng: &mut Rng, name: &str) -> String {
    let mut lines = Vec::new();
    let sep = |rng: &mut Rng| if rng.chance(20) { ": " } else { " = " };
    if rng.chance(60) {
        let region = rng.pick(&[
            "us-west-2",
            "eu-central-1",
            "fips-us-east-1",
            "us east 1",
            "",
        ]);
        lines.push(format!(
            "{}{}{region}",
            if rng.chance(15) { "Region" } else { "region" },
            sep(rng)
        ));
    }
    if rng.chance(40) {
        lines.push(format!(
            "retry_mode{}{}",
            sep(rng),
            rng.pick(&["standard", "adaptive", "legacy", "Standard", "fast"])
        ));
    }
    if rng.chance(35) {
        lines.push(format!(
            "max_attempts = {}",
            rng.pick(&["4", "1", "10", "0", "x", " 7", "1_0"])
        ));
    }
    if rng.chance(20) {
        lines.push(format!(
            "defaults_mode = {}",
            rng.pick(&["standard", "in-region", "Mobile", "legacy", "auto", "turbo"])
        ));
    }
    if rng.chance(25) {
        lines.push(format!(
            "endpoint_url = http://127.0.0.1:{}",
            4000 + rng.below(10)
        ));
    }
    if rng.chance(30) {
        lines.push(format!(
            "services = {}",
            rng.pick(&["local", "local", "missing"])
        ));
    }
    if rng.chance(15) {
        lines.push(format!(
            "ignore_configured_endpoint_urls = {}",
            rng.pick(&["true", "false", "TRUE"])
        ));
    }
    if rng.chance(20) {
        lines.push(format!(
            "use_fips_endpoint = {}",
            rng.pick(&["true", "false", "yes"])
        ));
    }
    if rng.chance(20) {
        lines.push(format!(
            "use_dualstack_endpoint = {}",
            rng.pick(&["true", "True", "0"])
        ));
    }
    if rng.chance(30) {
        let mut block = vec!["s3 =".to_string()];
        if rng.chance(70) {
            block.push(format!(
                "    addressing_style = {}",
                rng.pick(&["path", "virtual", "auto"])
            ));
        }
        if rng.chance(40) {
            block.push(format!(
                "    use_accelerate_endpoint = {}",
                rng.pick(&["true", "false"])
            ));
        }
        if rng.chance(30) {
            block.push("    # a comment inside the block".into());
            block.push(format!(
                "    use_dualstack_endpoint = {}",
                rng.pick(&["true", "TRUE"])
            ));
        }
        if rng.chance(20) {
            block.push("    Max_Concurrent_Requests = 20".into());
        }
        lines.extend(block);
    }
    if rng.chance(15) {
        lines.push("s3_use_arn_region = true".into());
    }
    if rng.chance(25) {
        lines.push(format!(
            "aws_access_key_id = AKIDCONFIG{}",
            name.to_uppercase().replace(' ', "")
        ));
        if rng.chance(85) {
            lines.push("aws_secret_access_key = secret".into());
        }
    }
    if rng.chance(8) {
        lines.push("role_arn = arn:aws:iam::123456789012:role/r".into());
        lines.push(format!(
            "source_profile = {}",
            rng.pick(&["base", "base", "nowhere", name])
        ));
    }
    if rng.chance(10) {
        lines.push("# comment".into());
        lines.push("; another".into());
    }
    lines.join("\n")
}

fn make_case(rng: &mut Rng, sts_url: &str) -> Case {
    let mut config = String::new();
    if rng.chance(10) {
        config.push_str("[DEFAULT]\nregion = ap-south-1\n");
    }
    if rng.chance(75) {
        config.push_str(&format!("[default]\n{}\n", profile_body(rng, "default")));
    }
    if rng.chance(60) {
        config.push_str(&format!("[profile dev]\n{}\n", profile_body(rng, "dev")));
    }
    if rng.chance(25) {
        config.push_str(&format!(
            "[profile \"quoted name\"]\n{}\n",
            profile_body(rng, "quoted name")
        ));
    }
    config.push_str("[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n");
    if rng.chance(50) {
        config.push_str(
            "[services local]\nkinesis =\n  endpoint_url = http://127.0.0.1:4567\n\
             iot_data_plane =\n  endpoint_url = http://127.0.0.1:4568\ndynamodb =\n  region = x\n",
        );
    }
    if rng.chance(5) {
        // Malformed: botocore's ConfigParseError.
        config.push_str(rng.pick(&["junk line\n", "[dev2]\nk = 1\nk = 2\n", "[default]\n"]));
    }
    let mut credentials = String::new();
    if rng.chance(50) {
        credentials
            .push_str("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
        if rng.chance(30) {
            credentials.push_str("region = sa-east-1\n");
        }
    }
    if rng.chance(40) {
        credentials.push_str("[dev]\naws_access_key_id = AKIDFILEDEV\naws_secret_access_key = s\n");
    }
    if rng.chance(10) {
        credentials.push_str("[ghost]\nregion = me-south-1\n");
    }
    let mut env = BTreeMap::new();
    let mut set = |rng: &mut Rng, percent, name: &str, values: &[&str]| {
        if rng.chance(percent) {
            env.insert(name.to_string(), rng.pick(values).to_string());
        }
    };
    set(
        rng,
        30,
        "AWS_DEFAULT_REGION",
        &["eu-west-1", "ca-central-1", ""],
    );
    set(rng, 25, "AWS_REGION", &["us-east-2"]);
    set(
        rng,
        25,
        "AWS_PROFILE",
        &["dev", "quoted name", "ghost", "nope", "default"],
    );
    set(rng, 10, "AWS_DEFAULT_PROFILE", &["dev", "base"]);
    set(rng, 15, "AWS_RETRY_MODE", &["adaptive", "legacy", "bogus"]);
    set(rng, 15, "AWS_MAX_ATTEMPTS", &["2", "9", "-1"]);
    set(rng, 10, "AWS_DEFAULTS_MODE", &["cross-region", "legacy"]);
    set(rng, 15, "AWS_ENDPOINT_URL", &["http://127.0.0.1:5000", ""]);
    set(
        rng,
        15,
        "AWS_ENDPOINT_URL_KINESIS",
        &["http://127.0.0.1:5001"],
    );
    set(
        rng,
        10,
        "AWS_ENDPOINT_URL_IOT_DATA_PLANE",
        &["http://127.0.0.1:5002"],
    );
    set(
        rng,
        10,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        &["true", "false"],
    );
    set(rng, 10, "AWS_USE_FIPS_ENDPOINT", &["true", "false"]);
    set(rng, 10, "AWS_USE_DUALSTACK_ENDPOINT", &["true"]);
    set(rng, 10, "AWS_S3_USE_ARN_REGION", &["false", "true"]);
    if rng.chance(25) {
        env.insert("AWS_ACCESS_KEY_ID".into(), "AKIDENV".into());
        if rng.chance(85) {
            env.insert("AWS_SECRET_ACCESS_KEY".into(), "secret".into());
        }
    }
    env.insert("AWS_ENDPOINT_URL_STS".into(), sts_url.to_string());
    env.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
    let profile = if rng.chance(20) {
        Some(rng.pick(&["dev", "base", "missing"]).to_string())
    } else {
        None
    };
    Case {
        config,
        credentials,
        env,
        profile,
    }
}

fn error_class(e: &ConfigError) -> &'static str {
    match e {
        ConfigError::Parse { .. } => "ConfigParseError",
        ConfigError::ProfileNotFound { .. } => "ProfileNotFound",
        ConfigError::InvalidRegion { .. } => "InvalidRegionError",
        ConfigError::ServicesSectionNotFound { .. } => "InvalidConfigError",
        ConfigError::InvalidValue { setting, .. } => match *setting {
            "retry_mode" => "InvalidRetryModeError",
            "max_attempts" if e.to_string().contains("greater") => "InvalidMaxRetryAttemptsError",
            "max_attempts" => "ValueError",
            "s3" if e.to_string().contains("cannot be updated") => "TypeError",
            "s3" => "AttributeError",
            "defaults_mode" => "InvalidDefaultsMode",
            _ => "ValueError",
        },
        ConfigError::InfiniteLoop { .. } => "InfiniteLoopConfigError",
        _ => "InvalidConfigError",
    }
}

fn error(e: &ConfigError) -> Value {
    json!({ "error": error_class(e) })
}

fn section_json(section: &stratus_transport_std::config::ini::Section) -> Value {
    let mut map = serde_json::Map::new();
    for (k, v) in section.iter() {
        let v = match v {
            stratus_transport_std::config::ini::Value::Text(t) => json!(t),
            stratus_transport_std::config::ini::Value::Nested(m) => json!(m),
        };
        map.insert(k.to_string(), v);
    }
    Value::Object(map)
}

/// The same report from stratus.
fn stratus_report(
    env: Env,
    profile: Option<&str>,
    sts_transport: &Arc<LoopbackTransport>,
) -> Value {
    let shared = match SharedConfig::load(env, profile) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            let e = error(&e);
            return json!({"region": e, "scoped": e, "client": e, "endpoints": e, "flags": e,
                          "s3": e, "creds": e});
        }
    };
    let or_err = |r: Result<Value, ConfigError>| r.unwrap_or_else(|e| error(&e));
    let region = or_err(
        shared
            .lookup(&["AWS_DEFAULT_REGION"], Some("region"))
            .map(|r| json!({ "value": r })),
    );
    let scoped = or_err(
        shared
            .scoped()
            .map(|s| json!({ "value": s.map(section_json).unwrap_or_else(|| json!({})) })),
    );
    let client = or_err(shared.client_config("kinesis").map(|c| {
        json!({
            "mode": match c.retries.mode {
                RetryMode::Legacy => "legacy",
                RetryMode::Standard => "standard",
                RetryMode::Adaptive => "adaptive",
            },
            "total_max_attempts": c.retries.max_attempts,
            // botocore's default is the int 60; defaults modes give floats.
            "connect_timeout": if c.timeouts.connect_ms == 60_000 {
                json!(60)
            } else {
                json!(f64::from(c.timeouts.connect_ms) / 1000.0)
            },
        })
    }));
    let endpoints = or_err((|| {
        let mut m = serde_json::Map::new();
        for s in SERVICES {
            m.insert(s.to_string(), json!(shared.configured_endpoint_url(s)?));
        }
        Ok(json!({ "value": m }))
    })());
    let flags = or_err((|| {
        let fips = shared.lookup(&["AWS_USE_FIPS_ENDPOINT"], Some("use_fips_endpoint"))?;
        let dual = shared.lookup(
            &["AWS_USE_DUALSTACK_ENDPOINT"],
            Some("use_dualstack_endpoint"),
        )?;
        Ok(json!({ "value": [fips.map(ensure_boolean), dual.map(ensure_boolean)] }))
    })());
    let s3 = or_err(shared.s3_config().map(|s3| {
        if s3.blank {
            return json!({ "value": "" });
        }
        if !s3.present {
            return json!({ "value": null });
        }
        let mut m = serde_json::Map::new();
        for (k, v) in &s3.other {
            m.insert(k.clone(), json!(v));
        }
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        put(
            "addressing_style",
            s3.addressing_style.clone().map(Value::from),
        );
        put(
            "use_accelerate_endpoint",
            s3.use_accelerate_endpoint.map(Value::from),
        );
        put(
            "use_dualstack_endpoint",
            s3.use_dualstack_endpoint.map(Value::from),
        );
        put(
            "payload_signing_enabled",
            s3.payload_signing_enabled.map(Value::from),
        );
        put("use_arn_region", s3.use_arn_region.map(Value::from));
        put(
            "us_east_1_regional_endpoint",
            s3.us_east_1_regional_endpoint.clone().map(Value::from),
        );
        put(
            "s3_disable_multiregion_access_points",
            s3.s3_disable_multiregion_access_points.map(Value::from),
        );
        json!({ "value": m })
    }));
    let creds = match DefaultCredentialsChain::new(
        shared.clone(),
        sts_transport.clone(),
        TestClock::at(T0),
    ) {
        Err(e) => error(&e),
        Ok(chain) => match block(chain.resolve()) {
            Ok(r) if r.source.starts_with("assume-role") => json!({ "value": [r.source, null] }),
            Ok(r) => json!({ "value": [r.source, r.credentials.access_key_id()] }),
            Err(ProviderError::NotFound { .. }) => json!({ "value": null }),
            Err(ProviderError::MissingKey { .. }) => json!({ "error": "PartialCredentialsError" }),
            Err(ProviderError::Config(e)) => error(&e),
            // botocore defers the STS call (and the STS client) until the
            // credentials are used: reaching STS is its `assume-role`.
            Err(ProviderError::Sts { .. }) => json!({ "value": ["assume-role", null] }),
            Err(e) => json!({ "error": format!("{e:?}") }),
        },
    };
    json!({"region": region, "scoped": scoped, "client": client, "endpoints": endpoints,
           "flags": flags, "s3": s3, "creds": creds})
}

fn botocore(cases: &[Value]) -> Vec<Value> {
    let python = std::env::var("STRATUS_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(python);
    cmd.args(["-c", ORACLE]).env("PYTHONDONTWRITEBYTECODE", "1");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("oracle JSON")
}

#[test]
fn config_precedence_matches_botocore() {
    let sts = Server::start(|req| {
        let action = req.form("Action").unwrap_or_default();
        Reply::new(200, sts_xml(&action, "ASIAROLE", T0 + 3600))
    });
    let transport = Arc::new(LoopbackTransport::default());
    let mut rng = Rng(0x5eed_c0ff_ee00_0001);
    let mut dirs = Vec::new();
    let mut inputs = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..CASES {
        let case = make_case(&mut rng, &sts.url());
        let files = Files::new(&case.config, &case.credentials);
        let mut env = case.env.clone();
        env.insert("AWS_CONFIG_FILE".into(), s(&files.path("config")));
        env.insert(
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            s(&files.path("credentials")),
        );
        env.insert("HOME".into(), s(files.dir.path()));
        ours.push(stratus_report(
            Env::from_pairs(env.clone()),
            case.profile.as_deref(),
            &transport,
        ));
        inputs.push(
            json!({"env": env, "profile": case.profile, "services": SERVICES,
                           "config": case.config, "credentials": case.credentials}),
        );
        dirs.push(files);
    }
    let theirs = botocore(&inputs);
    assert_eq!(theirs.len(), CASES);
    let fields = [
        "region",
        "scoped",
        "client",
        "endpoints",
        "flags",
        "s3",
        "creds",
    ];
    let mut agree: BTreeMap<&str, usize> = BTreeMap::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut lazy = 0;
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        // stratus reads both files when the config is loaded; botocore reads
        // them when a setting is not in the environment. With a malformed
        // file both fail on the profile; settings botocore found in the
        // environment alone are not compared.
        let parse_error = json!({ "error": "ConfigParseError" });
        let eager = a["scoped"] == parse_error && b["scoped"] == parse_error;
        for f in fields {
            if eager && b[f] != parse_error {
                lazy += 1;
                continue;
            }
            if a[f] == b[f] {
                *agree.entry(f).or_default() += 1;
                let kind = if a[f].get("error").is_some() {
                    format!("{f}: error {}", a[f]["error"])
                } else {
                    format!("{f}: value")
                };
                *kinds.entry(kind).or_default() += 1;
            } else if failures.len() < 8 {
                failures.push(format!(
                    "case {i} {f}:\n  stratus:  {}\n  botocore: {}\n  input: {}",
                    a[f], b[f], inputs[i]
                ));
            }
        }
    }
    println!("{CASES} cases; agreement per field:");
    for f in fields {
        println!("  {f:10} {}/{CASES}", agree.get(f).copied().unwrap_or(0));
    }
    println!("fields botocore read from the environment past a malformed file: {lazy}");
    println!("outcomes that agreed:");
    for (k, n) in &kinds {
        println!("  {n:4}  {k}");
    }
    let sts_calls = sts.seen().len();
    println!("stratus's calls to the fake STS: {sts_calls}");
    assert!(
        transport.refused.lock().unwrap().is_empty(),
        "nothing may leave loopback"
    );
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
    // The generator must reach errors as well as values.
    assert!(kinds.keys().any(|k| k.contains("error")), "{kinds:?}");
}
