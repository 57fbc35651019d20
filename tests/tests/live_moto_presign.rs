//! Presigning, live against moto 5.2.1: an S3 presigned POST made by
//! `Client::presign_post` is sent as a plain `multipart/form-data` form
//! (`FormData`) by `StdTransport::send_body` and the object is read back with
//! boto3; a presigned GET URL from `Client::presign_url` is fetched with a
//! bare request.
//!
//! moto's signature-checking mode reads an `Authorization` header, which
//! neither the POST form nor a presigned URL has: the test posts to a
//! checking server once and prints what moto answers (500 with moto 5.2.1),
//! then uploads to and fetches from an unchecked server (moto's default),
//! which checks neither the policy's signature nor its conditions — the
//! byte-level check of both is `presign_botocore.rs`.

use stratus_core::client::{Buffers, Client, ClientConfig, HttpRequest, Transport};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::http::SliceSource;
use stratus_core::http::form_data::{FormData, FormFile};
use stratus_core::sigv4::post::{Condition, PostPolicy};
use stratus_models::s3::types::GetObjectRequest;
use stratus_tests::moto::Moto;
use stratus_transport_std::SystemClock;
use stratus_transport_std::net::StdTransport;

const BODY: &[u8] = b"{\"device\": \"m7\", \"celsius\": 21.5}\n";

fn client<'a>(
    moto: &Moto,
    creds: &'a StaticCredentials,
    transport: &'a StdTransport,
) -> Client<'a, &'a StdTransport, &'a StaticCredentials, SystemClock> {
    Client::new(
        &stratus_models::s3::ENTRY,
        ClientConfig::default()
            .region("us-east-1")
            .endpoint_url(&moto.endpoint),
        transport,
        creds,
        SystemClock,
    )
    .with_partitions(&stratus_models::PARTITIONS)
}

fn creds(moto: &Moto) -> StaticCredentials {
    let (id, secret) = if moto.access_key_id.is_empty() {
        ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    } else {
        (moto.access_key_id.as_str(), moto.secret_access_key.as_str())
    };
    StaticCredentials::new(Credentials::new(id, secret, None, None).unwrap())
}

fn make_bucket(moto: &Moto, bucket: &str) {
    let script = format!(
        "import boto3, os\n\
         s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'],\n\
             aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'] or 'x', aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'] or 'x')\n\
         s3.create_bucket(Bucket='{bucket}')\n"
    );
    moto.python(&script).expect("boto3 creates the bucket");
}

/// Posts the form for `policy` with `file` as the file; the status and body.
fn post_form(moto: &Moto, policy: &PostPolicy<'_>, file: &[u8]) -> (u16, String) {
    let creds = creds(moto);
    let transport = StdTransport::new().unwrap();
    let client = client(moto, &creds, &transport);
    let mut bufs = Box::new(Buffers::<8192, 8192>::new());
    let post = embassy_futures::block_on(client.presign_post(policy, bufs.workspace()))
        .unwrap_or_else(|e| panic!("presign_post: {e}"));
    let url = post.url.to_string();
    let fields: Vec<(String, String)> = post
        .form
        .fields()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let file = FormFile {
        name: "file",
        filename: "reading.json",
        content_type: "application/json",
        source: SliceSource::new(file),
    };
    let boundary = "stratus-presigned-post-7f3a";
    let mut form = FormData::new(
        boundary,
        fields.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        file,
    )
    .expect("a valid form");
    let content_type = form.content_type();
    let rest = url.split_once("://").unwrap().1;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = authority.split_once(':').unwrap();
    let path = if path.is_empty() { "/" } else { path };
    let headers = [("Host", authority), ("Content-Type", content_type.as_str())];
    let request = HttpRequest {
        method: "POST",
        scheme: "http",
        host,
        port: Some(port.parse().unwrap()),
        target: path,
        headers: (&headers).into(),
        body: b"",
        timeouts: Default::default(),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let raw = embassy_futures::block_on(transport.send_body(&request, &mut form, &mut buf))
        .expect("the form is sent");
    let view = raw.view(&buf);
    (view.status, String::from_utf8_lossy(view.body).into_owned())
}

#[test]
fn presigned_post_uploads_to_moto() {
    let bucket = "stratus-presign";
    const FIELDS: &[(&str, &str)] = &[("success_action_status", "201")];
    let conditions = |max| {
        [
            Condition::Equals {
                field: "success_action_status",
                value: "201",
            },
            Condition::StartsWith {
                field: "Content-Type",
                prefix: "",
            },
            Condition::ContentLengthRange { min: 1, max },
        ]
    };
    let large = conditions(1024);
    let policy = |key, conditions| PostPolicy {
        bucket,
        key,
        fields: FIELDS,
        conditions,
        expires_secs: 600,
    };

    // A signature-checking server: what moto makes of a form without an
    // Authorization header.
    let checked = Moto::start().expect("moto starts");
    make_bucket(&checked, bucket);
    let (status, body) = post_form(&checked, &policy("checked/${filename}", &large), BODY);
    println!(
        "signature-checking moto answers the presigned POST with {status}: {}",
        body.chars().take(160).collect::<String>()
    );
    drop(checked);

    let moto = Moto::start_unchecked().expect("moto starts");
    make_bucket(&moto, bucket);
    let (status, body) = post_form(&moto, &policy("uploads/${filename}", &large), BODY);
    assert_eq!(status, 201, "{body}");
    let read = moto
        .python(&format!(
            "import boto3, os\n\
             s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'],\n\
                 aws_access_key_id='x', aws_secret_access_key='x')\n\
             o = s3.get_object(Bucket='{bucket}', Key='uploads/reading.json')\n\
             print(o['Body'].read().decode(), end='')\n"
        ))
        .expect("boto3 reads the object");
    assert_eq!(read.as_bytes(), BODY);
    println!(
        "presigned POST: {} bytes uploaded by stratus's form through StdTransport, read back by boto3",
        BODY.len()
    );

    // A presigned GET URL, fetched with a bare request (no signing headers).
    let creds = creds(&moto);
    let transport = StdTransport::new().unwrap();
    let client = client(&moto, &creds, &transport);
    let input = GetObjectRequest {
        bucket,
        key: "uploads/reading.json",
        ..Default::default()
    };
    let mut bufs = Box::new(Buffers::<4096, 1024>::new());
    let url =
        embassy_futures::block_on(client.presign_url("GetObject", &input, 300, bufs.workspace()))
            .unwrap_or_else(|e| panic!("presign_url: {e}"))
            .to_string();
    let rest = url.split_once("://").unwrap().1;
    let (authority, target) = rest.split_at(rest.find('/').unwrap());
    let (host, port) = authority.split_once(':').unwrap();
    let headers = [("Host", authority)];
    let request = HttpRequest {
        method: "GET",
        scheme: "http",
        host,
        port: Some(port.parse().unwrap()),
        target,
        headers: (&headers).into(),
        body: b"",
        timeouts: Default::default(),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let raw = embassy_futures::block_on(transport.send(&request, &mut buf)).unwrap();
    let view = raw.view(&buf);
    assert_eq!(view.status, 200);
    assert_eq!(view.body, BODY);
    println!("presigned GET URL fetched: {} bytes", view.body.len());
}
