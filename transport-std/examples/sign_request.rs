//! Signs a Kinesis `PutRecord` request with SigV4 and prints it as the bytes that
//! would go on the wire (HTTP/1.1). Nothing is sent.
//!
//! The keys are the AWS documentation's example pair (`AKIDEXAMPLE`), so the
//! output is safe to share; the time is the host clock's, or the one given:
//!
//! ```text
//! cargo run -p stratus-transport-std --example sign_request
//! cargo run -p stratus-transport-std --example sign_request -- --signing-time 20150830T123600Z
//! ```
//!
//! `cargo xtask demo` runs the first form. The request goes to stdout, byte for
//! byte (CRLF line ends, no newline after the body); a note about it goes to
//! stderr.
//!
//! With `--signing-time 20150830T123600Z` the signature is
//! `eeec77f0dc7dd2d83d3d105f0e4db81c008798737e740fb275b43c8c15c3bfcd`, the same
//! as botocore 1.43.11's `SigV4Auth("kinesis", "us-east-1")` gives for this
//! request at that time.

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use stratus_core::credentials::{Credentials, CredentialsError};
use stratus_core::sigv4::{
    SignableBody, SignableRequest, SigningError, SigningKeyCache, SigningParams, SigningSettings,
    sign,
};
use stratus_core::time::{Clock, TimeParseError, UnixTime};
use stratus_transport_std::SystemClock;

/// The AWS documentation's example access key id (not a real key).
const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The AWS documentation's example secret (not a real key).
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
/// Kinesis's signing name (botocore's `signingName`, here equal to `endpointPrefix`).
const SERVICE: &str = "kinesis";
const HOST: &str = "kinesis.us-east-1.amazonaws.com";
/// `Data` is base64 of "hello from stratus", as the JSON protocol sends blobs.
const BODY: &str = r#"{"StreamName":"example-stream","Data":"aGVsbG8gZnJvbSBzdHJhdHVz","PartitionKey":"sensor-1"}"#;

/// Why the demo could not print a signed request.
#[derive(Debug)]
enum DemoError {
    /// An argument was not understood.
    Usage(String),
    /// `--signing-time` was not `YYYYMMDDTHHMMSSZ`.
    SigningTime(TimeParseError),
    /// The host clock is before 1970 or unreadable.
    ClockUnknown,
    /// The example credentials were refused.
    Credentials(CredentialsError),
    /// The signer refused the request.
    Signing(SigningError),
    /// Writing to stdout failed.
    Output(io::Error),
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoError::Usage(why) => {
                write!(
                    f,
                    "{why}; usage: sign_request [--signing-time YYYYMMDDTHHMMSSZ]"
                )
            }
            DemoError::SigningTime(e) => write!(f, "--signing-time: {e}"),
            DemoError::ClockUnknown => f.write_str("the system clock does not give a time"),
            DemoError::Credentials(e) => write!(f, "credentials: {e}"),
            DemoError::Signing(e) => write!(f, "signing: {e}"),
            DemoError::Output(e) => write!(f, "writing the request: {e}"),
        }
    }
}

/// The signing time: `--signing-time` if given, else the system clock.
fn signing_time(args: &[String]) -> Result<UnixTime, DemoError> {
    match args {
        [] => SystemClock.now().ok_or(DemoError::ClockUnknown),
        [flag, value] if flag == "--signing-time" => {
            UnixTime::parse_amz_date(value).map_err(DemoError::SigningTime)
        }
        [other, ..] => Err(DemoError::Usage(format!("unexpected argument `{other}`"))),
    }
}

fn run() -> Result<(), DemoError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let time = signing_time(&args)?;
    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None)
        .map_err(DemoError::Credentials)?;

    let content_length = BODY.len().to_string();
    let headers = [
        ("Host", HOST),
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Target", "Kinesis_20131202.PutRecord"),
        ("Content-Length", content_length.as_str()),
    ];
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: SignableBody::Bytes(BODY.as_bytes()),
    };
    let params = SigningParams {
        credentials: &credentials,
        region: REGION,
        service: SERVICE,
        time,
        settings: SigningSettings::for_service(),
    };
    let mut cache = SigningKeyCache::new();
    let signed = sign(&request, &params, &mut cache).map_err(DemoError::Signing)?;

    // Compose the whole request first so an error never leaves half of it printed.
    let mut wire = Vec::with_capacity(1024);
    let mut put = |line: fmt::Arguments<'_>| write!(wire, "{line}\r\n");
    let query_mark = if request.query.is_empty() { "" } else { "?" };
    put(format_args!(
        "{} {}{query_mark}{} HTTP/1.1",
        request.method, request.path, request.query
    ))
    .map_err(DemoError::Output)?;
    for (name, value) in headers.iter() {
        put(format_args!("{name}: {value}")).map_err(DemoError::Output)?;
    }
    // The signer's headers are written from their parts straight into the request.
    for (name, value) in signed.headers() {
        put(format_args!("{name}: {value}")).map_err(DemoError::Output)?;
    }
    put(format_args!("")).map_err(DemoError::Output)?;
    wire.extend_from_slice(BODY.as_bytes());

    let signed_headers = signed.signed_headers().to_string();
    eprintln!(
        "stratus demo: Kinesis PutRecord signed at {} for {REGION} with the AWS example keys \
         ({} signed headers: {signed_headers}); not sent.",
        signed.amz_date().as_str(),
        signed_headers.split(';').count(),
    );
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&wire)
        .and_then(|()| stdout.flush())
        .map_err(DemoError::Output)?;
    if stdout.is_terminal() {
        // The body has no trailing newline on the wire; end the line for the shell.
        eprintln!();
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sign_request: {e}");
            ExitCode::FAILURE
        }
    }
}
