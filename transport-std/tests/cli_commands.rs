//! The `stratus` binary's command line: listings, `--help`, unknown names,
//! bad input (typed errors, exit 255, nothing printed on stdout), `--debug`
//! event lines, the three spellings of an operation, `--input @FILE`, and the
//! flags that are not built yet. Every call here is a `--dry-run` to an
//! address where nothing listens, so nothing is sent anywhere.

mod cli_common;

use cli_common::{code, run, stderr, stdout, stratus};

const ENDPOINT: &str = "http://127.0.0.1:9";
const PUT_RECORD: &str = r#"{"StreamName":"s","Data":"aGVsbG8=","PartitionKey":"p"}"#;

fn dry_run(service: &str, op: &str, input: &str) -> std::process::Output {
    run(&[
        service,
        op,
        "--input",
        input,
        "--region",
        "us-east-1",
        "--endpoint-url",
        ENDPOINT,
        "--dry-run",
        "--signing-time",
        "20261122T080000Z",
    ])
}

#[test]
fn lists_services_and_operations() {
    let o = run(&[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let services = [
        "kinesis",
        "dynamodb",
        "sqs",
        "iot-data",
        "s3",
        "sns",
        "sts",
        "ec2",
        "cloudwatch",
        "logs",
        "iam",
        "lambda",
    ];
    let listed: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "Services:")
        .skip(1)
        .collect();
    println!("services listed: {}", listed.len());
    for s in services {
        assert!(listed.contains(&s), "{s} missing from {listed:?}");
    }

    let o = run(&["kinesis"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let listing = stdout(&o);
    // The operations, then a blank line and the waiters.
    let ops: Vec<String> = listing
        .lines()
        .take_while(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let waiters: Vec<&str> = listing
        .lines()
        .skip_while(|l| !l.starts_with("Waiters"))
        .skip(1)
        .collect();
    println!(
        "kinesis operations listed: {}, waiters: {waiters:?}",
        ops.len()
    );
    // kinesis's waiters-2.json: StreamExists, StreamNotExists.
    assert_eq!(waiters, ["stream-exists", "stream-not-exists"]);
    assert!(ops.iter().any(|l| l == "put-record"));
    assert!(ops.iter().any(|l| l == "list-streams"));
    assert!(
        ops.iter()
            .all(|l| l.chars().all(|c| c.is_ascii_lowercase() || c == '-')),
        "CLI names only: {ops:?}"
    );
    // kinesis 2013-12-02 in botocore 1.43.11 has 39 operations.
    assert_eq!(ops.len(), 39);
    let mut sorted = ops.clone();
    sorted.sort();
    assert_eq!(ops, sorted, "sorted");
}

#[test]
fn operation_help_lists_members_types_required_and_locations() {
    let o = run(&["kinesis", "put-record", "--help"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    println!("{text}");
    let row = |name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(row("StreamName"), ["StreamName", "string"]);
    assert_eq!(row("Data"), ["Data", "blob", "(base64)", "required"]);
    assert_eq!(row("PartitionKey"), ["PartitionKey", "string", "required"]);
    assert!(text.contains("PutRecord (json protocol, POST /)"));

    // REST: where each member travels.
    let o = run(&["s3", "PutObject", "--help"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("Bucket"), "Bucket string required uri {Bucket}");
    assert_eq!(line("Key"), "Key string required uri {Key}");
    assert_eq!(line("Body"), "Body blob (base64) payload");
    assert_eq!(
        line("ContentType"),
        "ContentType string header Content-Type"
    );
    assert_eq!(
        line("Metadata"),
        "Metadata map of string to string headers x-amz-meta-*"
    );
    assert_eq!(line("Expires"), "Expires timestamp header Expires");
    assert!(text.contains("one of: private, public-read"), "enum values");
    let o = run(&["s3", "list-objects-v2", "--help"]);
    assert!(stdout(&o).lines().any(
        |l| l.split_whitespace().collect::<Vec<_>>() == ["Prefix", "string", "query", "prefix"]
    ));

    // Nested structures, lists of them, and no locations for RPC protocols.
    let o = run(&["logs", "put-log-events", "--help"]);
    let text = stdout(&o);
    println!("{text}");
    assert!(text.contains("logEvents"));
    let events = text
        .lines()
        .find(|l| l.trim_start().starts_with("logEvents"))
        .unwrap();
    assert!(events.contains("list of structure InputLogEvent") && events.contains("required"));
    let ts = text
        .lines()
        .find(|l| l.trim_start().starts_with("timestamp"))
        .unwrap();
    assert!(ts.starts_with("    timestamp"), "nested one level: {ts:?}");
    assert!(ts.contains("long") && ts.contains("required"));

    let o = run(&["sts", "get-caller-identity", "--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("This operation takes no input."));
}

#[test]
fn unknown_names_exit_255_with_near_matches() {
    let cases: &[(&[&str], &str)] = &[
        (&["kinesys"], "unknown service \"kinesis\""),
        (&["kinesys"], "did you mean kinesis?"),
        (&["iotdata"], "did you mean iot-data"),
        (
            &["kinesis", "put-recrod"],
            "did you mean put-record, put-records?",
        ),
        (&["kinesis", "PutRecrd"], "did you mean put-record"),
        (&["s3", "get-object-acls"], "did you mean get-object-acl"),
    ];
    for (args, want) in cases {
        let want = want.replace("\"kinesis\"", "\"kinesys\"");
        let o = run(args);
        println!("{args:?} -> {} {}", code(&o), stderr(&o).trim_end());
        assert_eq!(code(&o), 255, "{args:?}");
        assert!(stderr(&o).contains(&want), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    let o = run(&["zzzzzzzz"]);
    assert_eq!(code(&o), 255);
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
    // Case and separators do not matter for operations.
    let o = dry_run("kinesis", "PUTRECORD", PUT_RECORD);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn three_spellings_give_the_same_request() {
    let a = dry_run("kinesis", "PutRecord", PUT_RECORD);
    let b = dry_run("kinesis", "put-record", PUT_RECORD);
    let c = dry_run("kinesis", "put_record", PUT_RECORD);
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout, c.stdout);
    println!("three spellings: {} identical bytes", a.stdout.len());
}

#[test]
fn bad_input_is_a_typed_error() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let missing = dir.join("stratus-cli-no-such-input.json");
    let missing = format!("@{}", missing.display());
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "kinesis",
            "put-record",
            r#"{"StreamName":"#,
            "--input: input is not valid JSON at byte 0",
        ),
        (
            "kinesis",
            "put-record",
            r#"{"Bogus": 1}"#,
            "--input: unknown member name at byte 1, near \"\\\"Bogus\\\": 1}\" (`stratus kinesis put-record --help` lists the members)",
        ),
        (
            "kinesis",
            "put-record",
            r#"{"StreamName": 5}"#,
            "value has the wrong JSON type for its shape at byte 15",
        ),
        (
            "kinesis",
            "put-record",
            r#"{"Data": "!!!!"}"#,
            "invalid base64 blob at byte 9",
        ),
        (
            "cloudwatch",
            "get-metric-statistics",
            r#"{"StartTime": "yesterday"}"#,
            "invalid timestamp at byte 14",
        ),
        (
            "kinesis",
            "put-record",
            r#"{"StreamName": "s"}"#,
            "parameter validation failed:",
        ),
        ("kinesis", "put-record", r#"[1, 2]"#, "wrong JSON type"),
        (
            "sts",
            "get-caller-identity",
            r#"{"X": 1}"#,
            "GetCallerIdentity takes no parameters",
        ),
        (
            "kinesis",
            "put-record",
            &missing,
            "cannot read --input file",
        ),
    ];
    for (service, op, input, want) in cases {
        let o = dry_run(service, op, input);
        let err = stderr(&o);
        println!(
            "{service} {op} {input:?} -> exit {}: {}",
            code(&o),
            err.trim_end()
        );
        assert_eq!(code(&o), 255, "{input}");
        assert!(err.starts_with("stratus: error: "), "{err}");
        assert!(err.contains(want), "want {want:?} in {err:?}");
        assert!(o.stdout.is_empty(), "nothing on stdout");
    }
}

#[test]
fn input_from_a_file_and_timestamps_in_both_forms() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("stratus-cli-input.json");
    std::fs::write(&path, PUT_RECORD).unwrap();
    let from_file = dry_run("kinesis", "put-record", &format!("@{}", path.display()));
    let inline = dry_run("kinesis", "put-record", PUT_RECORD);
    assert_eq!(code(&from_file), 0, "{}", stderr(&from_file));
    assert_eq!(from_file.stdout, inline.stdout);

    // ISO 8601 and epoch seconds; CloudWatch's JSON protocol sends epoch seconds.
    let o = dry_run(
        "cloudwatch",
        "get-metric-statistics",
        r#"{"Namespace":"n","MetricName":"m","StartTime":"2026-11-22T07:00:00Z","EndTime":1795334400,"Period":60,"Statistics":["Sum"]}"#,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let body = text.split("\r\n\r\n").nth(1).unwrap();
    println!("cloudwatch body: {body}");
    assert!(body.contains(r#""StartTime": 1795330800"#), "{body}");
    assert!(body.contains(r#""EndTime": 1795334400"#), "{body}");
}

#[test]
fn debug_writes_one_line_per_event() {
    let o = run(&[
        "--debug",
        "kinesis",
        "put-record",
        "--input",
        PUT_RECORD,
        "--region",
        "us-east-1",
        "--endpoint-url",
        ENDPOINT,
        "--dry-run",
        "--signing-time",
        "20261122T080000Z",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let lines: Vec<String> = stderr(&o).lines().map(str::to_string).collect();
    for l in &lines {
        println!("{l}");
    }
    let want = [
        "event: creating-client-class.kinesis",
        "event: provide-client-params.kinesis.PutRecord",
        "event: before-parameter-build.kinesis.PutRecord",
        "event: before-endpoint-resolution.kinesis",
        "event: before-call.kinesis.PutRecord",
        "event: request-created.kinesis.PutRecord",
        "event: choose-signer.kinesis.PutRecord",
        "event: before-sign.kinesis.PutRecord",
        "event: before-send.kinesis.PutRecord",
        "event: response-received.kinesis.PutRecord",
        "event: needs-retry.kinesis.PutRecord",
        "event: after-call-error.kinesis.PutRecord",
    ];
    assert_eq!(lines, want);
    println!("{} event lines", lines.len());
    // Without --debug, stderr stays empty.
    let o = dry_run("kinesis", "put-record", PUT_RECORD);
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn settings_errors_and_unsupported_flag_mixes() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["kinesis", "list-streams", "--paginate", "--dry-run"],
            "--dry-run with --paginate or wait (each sends several requests)",
        ),
        (
            &[
                "kinesis",
                "list-streams",
                "--region",
                "us east",
                "--dry-run",
            ],
            "invalid region name",
        ),
        (
            &[
                "kinesis",
                "list-streams",
                "--region",
                "us-east-1",
                "--endpoint-url",
                "127.0.0.1:9",
                "--dry-run",
            ],
            "invalid --endpoint-url",
        ),
        (
            &[
                "kinesis",
                "list-streams",
                "--region",
                "us-east-1",
                "--dry-run",
                "--signing-time",
                "2026-11-22",
            ],
            "invalid --signing-time",
        ),
        (
            &[
                "kinesis",
                "list-streams",
                "--signing-time",
                "20261122T080000Z",
            ],
            "--dry-run",
        ),
        (
            &["kinesis", "list-streams", "--bogus"],
            "unexpected argument '--bogus'",
        ),
    ];
    for (args, want) in cases {
        let o = run(args);
        println!("{args:?} -> exit {}: {}", code(&o), stderr(&o).trim_end());
        assert_eq!(code(&o), 255, "{args:?}");
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
    // No credentials: the call fails before anything is signed.
    let o = stratus()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            "kinesis",
            "list-streams",
            "--region",
            "us-east-1",
            "--dry-run",
        ])
        .output()
        .unwrap();
    println!(
        "no credentials -> exit {}: {}",
        code(&o),
        stderr(&o).trim_end()
    );
    assert_eq!(code(&o), 255);
    assert!(stderr(&o).contains("credentials"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // No region and no endpoint: botocore's NoRegionError, as a clear message.
    let o = run(&["kinesis", "list-streams", "--dry-run"]);
    println!("no region -> exit {}: {}", code(&o), stderr(&o).trim_end());
    assert_eq!(code(&o), 255);
    assert!(stderr(&o).contains("region"), "{}", stderr(&o));
}

#[test]
fn profile_feeds_region_endpoint_and_credentials() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("stratus-cli-profile");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        "[profile dev]\nregion = eu-west-1\n\n[profile local]\nregion = eu-west-2\nservices = here\n\n\
         [services here]\nkinesis =\n  endpoint_url = http://127.0.0.1:9\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profilesecret\n\n\
         [local]\naws_access_key_id = AKIDLOCAL\naws_secret_access_key = localsecret\n",
    )
    .unwrap();
    let run_profile = |profile: &str| {
        stratus()
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .args([
                "--profile",
                profile,
                "kinesis",
                "list-streams",
                "--dry-run",
                "--signing-time",
                "20261122T080000Z",
            ])
            .output()
            .unwrap()
    };
    // An explicit profile: its region and its keys, not the environment's.
    let o = run_profile("dev");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    println!("{text}");
    assert!(text.contains("\r\nHost: kinesis.eu-west-1.amazonaws.com\r\n"));
    assert!(text.contains("Credential=AKIDPROFILE/20261122/eu-west-1/kinesis/aws4_request"));
    assert!(!text.contains("profilesecret"));
    // A profile's [services] endpoint_url.
    let o = run_profile("local");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("\r\nHost: 127.0.0.1:9\r\n"), "{text}");
    assert!(text.contains("Credential=AKIDLOCAL/20261122/eu-west-2/kinesis/aws4_request"));
    // A profile that does not exist.
    let o = run_profile("nope");
    println!(
        "missing profile -> exit {}: {}",
        code(&o),
        stderr(&o).trim_end()
    );
    assert_eq!(code(&o), 255);
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
}
