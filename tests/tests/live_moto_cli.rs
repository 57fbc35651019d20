//! The `stratus` CLI against a signature-checking moto: a write and a read on
//! every protocol moto speaks, with credentials from the environment, output
//! as JSON on stdout; and the acceptance line's `put-record`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as Json;
use stratus_tests::moto::Moto;

struct Cli<'m> {
    bin: PathBuf,
    moto: &'m Moto,
    calls: std::cell::Cell<u32>,
}

impl Cli<'_> {
    fn command(&self, service: &str, op: &str, input: &str) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args([service, op, "--input", input])
            .args([
                "--region",
                "us-east-1",
                "--endpoint-url",
                &self.moto.endpoint,
            ])
            .env("AWS_ACCESS_KEY_ID", &self.moto.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &self.moto.secret_access_key)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE");
        cmd
    }

    fn run(&self, service: &str, op: &str, input: &str) -> Json {
        let out = self
            .command(service, op, input)
            .output()
            .expect("stratus runs");
        assert!(
            out.status.success(),
            "stratus {service} {op} {input}: exit {:?}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        self.calls.set(self.calls.get() + 1);
        if out.stdout.is_empty() {
            return Json::Null;
        }
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }
}

#[test]
fn the_cli_writes_and_reads_on_every_protocol_against_moto() {
    let moto = Moto::start().expect("moto starts");
    let cli = Cli {
        bin: stratus_tests::stratus_bin(),
        moto: &moto,
        calls: std::cell::Cell::new(0),
    };
    // json 1.1 — the acceptance line's call.
    cli.run(
        "kinesis",
        "create-stream",
        r#"{"StreamName":"s","ShardCount":1}"#,
    );
    let put = cli.run(
        "kinesis",
        "put-record",
        r#"{"StreamName":"s","Data":"aGVsbG8=","PartitionKey":"p"}"#,
    );
    assert!(put["SequenceNumber"].is_string(), "{put}");
    let streams = cli.run("kinesis", "list-streams", "{}");
    assert_eq!(streams["StreamNames"][0], "s");
    // json 1.0.
    let q = cli.run("sqs", "create-queue", r#"{"QueueName":"q"}"#);
    let url = q["QueueUrl"].as_str().unwrap();
    cli.run(
        "sqs",
        "send-message",
        &format!(r#"{{"QueueUrl":"{url}","MessageBody":"hi"}}"#),
    );
    let got = cli.run(
        "sqs",
        "receive-message",
        &format!(r#"{{"QueueUrl":"{url}"}}"#),
    );
    assert_eq!(got["Messages"][0]["Body"], "hi");
    cli.run(
        "dynamodb",
        "create-table",
        r#"{"TableName":"t","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}"#,
    );
    let tables = cli.run("dynamodb", "list-tables", "{}");
    assert_eq!(tables["TableNames"][0], "t");
    // rest-json.
    cli.run(
        "iot-data",
        "publish",
        r#"{"topic":"sensors","payload":"e30="}"#,
    );
    // moto 5.2.1's signature check fails every rest-json GET (boto3's too),
    // so the rest-json read is checked to fail exactly as boto3's does.
    let out = cli
        .command("lambda", "list-functions", "{}")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(254));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SignatureDoesNotMatch"));
    let boto = moto
        .python(
            "import boto3, os\n\
             c = boto3.client('lambda', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
             try:\n    c.list_functions(); print('ok')\n\
             except Exception as e:\n    print('refused' if 'SignatureDoesNotMatch' in str(e) else repr(e))",
        )
        .unwrap();
    assert_eq!(boto.trim(), "refused", "boto3's rest-json GET against moto");
    // rest-xml.
    cli.run("s3", "create-bucket", r#"{"Bucket":"cli-bucket"}"#);
    cli.run(
        "s3",
        "put-object",
        r#"{"Bucket":"cli-bucket","Key":"k.txt","Body":"aGVsbG8="}"#,
    );
    let obj = cli.run(
        "s3",
        "get-object",
        r#"{"Bucket":"cli-bucket","Key":"k.txt"}"#,
    );
    assert_eq!(obj["Body"], "aGVsbG8=");
    // query.
    let topic = cli.run("sns", "create-topic", r#"{"Name":"alerts"}"#);
    let arn = topic["TopicArn"].as_str().unwrap();
    cli.run(
        "sns",
        "publish",
        &format!(r#"{{"TopicArn":"{arn}","Message":"hot"}}"#),
    );
    let me = cli.run("sts", "get-caller-identity", "{}");
    assert!(me["Arn"].as_str().unwrap().ends_with(":user/stratus"));
    // ec2.
    let run = cli.run(
        "ec2",
        "run-instances",
        r#"{"ImageId":"ami-03cf127a","MinCount":1,"MaxCount":1}"#,
    );
    let id = run["Instances"][0]["InstanceId"].as_str().unwrap();
    let d = cli.run(
        "ec2",
        "describe-instances",
        &format!(r#"{{"InstanceIds":["{id}"]}}"#),
    );
    assert_eq!(d["Reservations"][0]["Instances"][0]["InstanceId"], id);
    // cloudwatch (json, as botocore 1.43.11 speaks it) and logs.
    cli.run(
        "cloudwatch",
        "put-metric-data",
        r#"{"Namespace":"cli","MetricData":[{"MetricName":"m","Value":1.5}]}"#,
    );
    let m = cli.run("cloudwatch", "list-metrics", r#"{"Namespace":"cli"}"#);
    assert_eq!(m["Metrics"][0]["MetricName"], "m");
    cli.run("logs", "create-log-group", r#"{"logGroupName":"cli"}"#);
    let groups = cli.run("logs", "describe-log-groups", "{}");
    assert_eq!(groups["logGroups"][0]["logGroupName"], "cli");
    println!(
        "stratus CLI against moto: {} calls over json 1.1/1.0, rest-json, rest-xml, query and ec2, all signed and accepted",
        cli.calls.get()
    );
}
