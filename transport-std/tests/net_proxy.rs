//! Proxies: https through a `CONNECT` tunnel (a tiny proxy in the test),
//! with basic auth from the URL; a refused tunnel; plain http forwarded in
//! absolute form; `NO_PROXY`; and the environment's rules.

mod net_common;

use std::collections::HashMap;

use base64::Engine;
use net_common::{
    TestCa, connect_proxy, keep_serving, ok_response, request, serve, serve_tls, server_config,
};
use stratus_core::client::TransportError;
use stratus_transport_std::net::{
    BuildError, NoProxy, Proxy, ProxySettings, StdTransport, TlsSettings,
};

fn through(proxy: &str, no_proxy: &str, ca: Option<&TestCa>) -> StdTransport {
    let mut tls = TlsSettings::new();
    if let Some(ca) = ca {
        tls = tls.with_ca_pem(ca.pem().as_bytes()).unwrap();
    }
    StdTransport::builder()
        .tls(tls)
        .proxies(ProxySettings {
            https: Some(Proxy::parse(proxy).unwrap()),
            http: Some(Proxy::parse(proxy).unwrap()),
            no_proxy: NoProxy::parse(no_proxy),
        })
        .build()
        .unwrap()
}

#[test]
fn https_goes_through_a_connect_tunnel_with_basic_auth() {
    let ca = TestCa::new("stratus test CA");
    let leaf = ca.leaf(&["127.0.0.1"], false);
    let server = serve_tls(4, server_config(&leaf, None), |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response(r#"{"via":"tunnel"}"#))
    });
    let proxy = connect_proxy(4, None);
    let t = through(
        &format!("http://me:p%40ss@127.0.0.1:{}", proxy.port),
        "",
        Some(&ca),
    );
    let mut buf = [0u8; 1024];
    for _ in 0..2 {
        let raw = t
            .send_blocking(
                &request("https", server.port, "/", &[("Host", "127.0.0.1")], b"{}"),
                &mut buf,
            )
            .unwrap();
        assert_eq!(raw.view(&buf).body, br#"{"via":"tunnel"}"#);
    }
    let connects = proxy.requests();
    println!("CONNECT head: {}", connects[0].head.escape_debug());
    println!(
        "2 https requests: {} proxy connection(s), {} server connection(s), {} requests at the server",
        proxy.accepted(),
        server.accepted(),
        server.requests().len()
    );
    assert_eq!(connects[0].method, "CONNECT");
    assert_eq!(connects[0].target, format!("127.0.0.1:{}", server.port));
    assert_eq!(
        connects[0].header("host"),
        Some(connects[0].target.as_str())
    );
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("me:p@ss")
    );
    assert_eq!(
        connects[0].header("proxy-authorization"),
        Some(want.as_str())
    );
    assert_eq!(connects[0].header("content-length"), None);
    assert_eq!(proxy.accepted(), 1);
    assert_eq!(server.accepted(), 1);
    // The server never sees the proxy's credentials.
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("proxy-authorization").is_none())
    );
}

#[test]
fn a_refused_tunnel_names_the_status() {
    let proxy = connect_proxy(1, Some(407));
    let t = through(&format!("127.0.0.1:{}", proxy.port), "", None);
    let mut buf = [0u8; 1024];
    let err = t
        .send_blocking(&request("https", 9, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("proxy answered 407: {err:?} ({err})");
    assert_eq!(err, TransportError::Proxy { status: 407 });
}

#[test]
fn plain_http_is_forwarded_in_absolute_form() {
    let proxy = serve(1, |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response(r#"{"via":"proxy"}"#))
    });
    let t = through(
        &format!("http://user:pw@127.0.0.1:{}/", proxy.port),
        "",
        None,
    );
    let mut buf = [0u8; 1024];
    let raw = t
        .send_blocking(
            &request(
                "http",
                8080,
                "/path?x=1",
                &[("Host", "127.0.0.1:8080")],
                b"",
            ),
            &mut buf,
        )
        .unwrap();
    assert_eq!(raw.view(&buf).body, br#"{"via":"proxy"}"#);
    let got = &proxy.requests()[0];
    println!("forwarded head: {}", got.head.escape_debug());
    assert_eq!(got.target, "http://127.0.0.1:8080/path?x=1");
    assert_eq!(got.header("host"), Some("127.0.0.1:8080"));
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("user:pw")
    );
    assert_eq!(got.header("proxy-authorization"), Some(want.as_str()));
}

#[test]
fn no_proxy_hosts_are_reached_directly() {
    let server = serve(2, |s, _, reqs| keep_serving(s, reqs, |_| ok_response("{}")));
    let proxy = connect_proxy(2, None);
    let t = through(
        &format!("http://127.0.0.1:{}", proxy.port),
        "example.com, 127.0.0.1",
        None,
    );
    let mut buf = [0u8; 1024];
    t.send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
        .unwrap();
    println!(
        "NO_PROXY=127.0.0.1: server connections {}, proxy connections {}",
        server.accepted(),
        proxy.accepted()
    );
    assert_eq!(server.accepted(), 1);
    assert_eq!(proxy.accepted(), 0);
    let all = NoProxy::parse("*");
    assert!(all.matches("kinesis.us-east-1.amazonaws.com", 443));
}

#[test]
fn environment_rules() {
    let env = |pairs: &[(&str, &str)]| {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProxySettings::from_lookup(move |k| map.get(k).cloned())
    };
    let s = env(&[
        ("HTTPS_PROXY", "http://upper:1"),
        ("https_proxy", "http://lower:2"),
        ("HTTP_PROXY", "http://plain:3"),
        ("http_proxy", ""),
        ("NO_PROXY", ".internal"),
    ])
    .unwrap();
    println!("{s:?}");
    let https = s.https.as_ref().unwrap();
    assert_eq!((https.host(), https.port()), ("lower", 2));
    let http = s.http.as_ref().unwrap();
    assert_eq!((http.host(), http.port()), ("plain", 3));
    assert!(s.for_target("https", "db.internal", 443).is_none());
    assert!(
        s.for_target("https", "kinesis.us-east-1.amazonaws.com", 443)
            .is_some()
    );

    assert_eq!(env(&[]).unwrap(), ProxySettings::none());
    let err = env(&[("https_proxy", "https://me:secret@proxy:443")]).unwrap_err();
    println!("{err}");
    assert!(matches!(
        err,
        BuildError::ProxyVariable {
            name: "https_proxy",
            ..
        }
    ));
    assert!(!err.to_string().contains("secret"));
    let err = env(&[("HTTP_PROXY", "http://proxy:notaport")]).unwrap_err();
    assert!(matches!(
        err,
        BuildError::ProxyVariable {
            name: "http_proxy",
            ..
        }
    ));
    assert!(!format!("{:?}", Proxy::parse("http://me:secret@p:1").unwrap()).contains("secret"));
}
