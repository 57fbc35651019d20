//! `xform_name` against the installed botocore for every operation of every
//! service, in one python batch process.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use stratus_codegen::names::xform_name;
use stratus_codegen::{all_services, load_service};

const SCRIPT: &str = r#"
import sys
from botocore import xform_name
for line in sys.stdin:
    name = line.strip()
    if name:
        print(name, xform_name(name, '_'), xform_name(name, '-'))
"#;

#[test]
fn operation_names_match_botocore() {
    let dir = common::models_dir();
    let mut names = Vec::new();
    for svc in all_services(&dir).unwrap() {
        names.extend(load_service(&dir, &svc).unwrap().operations.into_keys());
    }
    let child = Command::new("python3")
        .args(["-c", SCRIPT])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        println!("SKIP operation_names_match_botocore: python3 not runnable");
        return;
    };
    // Feed names from a thread so python's output never fills the pipe unread.
    let mut stdin = child.stdin.take().unwrap();
    let input = names.join("\n");
    let feeder = std::thread::spawn(move || writeln!(stdin, "{input}"));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    if !out.status.success() {
        println!(
            "SKIP operation_names_match_botocore: botocore not importable: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let (mut pass, mut fail) = (0, 0);
    for line in text.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        let [name, snake, cli] = parts[..] else {
            panic!("bad line {line:?}")
        };
        if xform_name(name, '_') == snake && xform_name(name, '-') == cli {
            pass += 1;
        } else {
            fail += 1;
            println!(
                "FAIL {name}: botocore {snake} / {cli}, ours {} / {}",
                xform_name(name, '_'),
                xform_name(name, '-')
            );
        }
    }
    println!("xform_name: {pass} passed, {fail} failed");
    assert_eq!(pass, names.len());
    assert_eq!(fail, 0);
}
