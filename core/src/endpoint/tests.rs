//! Unit tests of the standard-library functions and the byte walker.

use super::functions::*;

#[test]
fn host_labels() {
    let cases: &[(&str, bool, bool)] = &[
        ("a", false, true),
        ("us-east-1", false, true),
        ("-a", false, false),
        ("a-", false, false),
        ("", false, false),
        ("a_b", false, false),
        ("a.b", false, false),
        ("a.b", true, true),
        ("a..b", true, false),
        (".a", true, false),
        ("a.", true, false),
        ("ab€", false, false),
    ];
    for (v, sub, want) in cases {
        assert_eq!(is_valid_host_label(v, *sub), *want, "{v:?} {sub}");
    }
    let max = "a".repeat(63);
    assert!(is_valid_host_label(&max, false));
    assert!(!is_valid_host_label(&(max + "a"), false));
}

#[test]
fn virtual_hostable_buckets() {
    let cases: &[(&str, bool, bool)] = &[
        ("bucket", false, true),
        ("ab", false, false),
        ("Bucket", false, false),
        ("bucket.name", false, false),
        ("bucket.name", true, true),
        ("192.168.0.1", true, false),
        ("bucket-", false, false),
        ("a.b", true, true),
    ];
    for (v, sub, want) in cases {
        assert_eq!(is_virtual_hostable_s3_bucket(v, *sub), *want, "{v:?} {sub}");
    }
}

#[test]
fn ip_literals() {
    assert!(is_ipv4("1.2.3.4"));
    assert!(!is_ipv4("1.2.3.4.5"));
    assert!(!is_ipv4("1.2.3.a"));
    assert!(!is_ipv4("1234.2.3.4"));
    assert!(!is_ipv4(""));
    for ok in [
        "::",
        "::1",
        "1::",
        "1:2:3:4:5:6:7:8",
        "1::8",
        "::ffff:1.2.3.4",
        "fe80::1%en0",
        "fe80::1%25en0",
    ] {
        assert!(is_ipv6_with_zone(ok), "{ok}");
    }
    for bad in [
        "",
        ":",
        "1:2:3:4:5:6:7",
        "1::2::3",
        "12345::",
        "1:2:3:4:5:6:7:8:9",
        "::1%",
        "g::1",
        "1:2:3:4:5:6:7::8",
    ] {
        assert!(!is_ipv6_with_zone(bad), "{bad}");
    }
}

#[test]
fn substrings() {
    assert_eq!(substring("abcdef", 0, 6, false), Some(0..6));
    assert_eq!(substring("abcdef", 1, 3, true), Some(3..5));
    assert_eq!(substring("abcdef", 3, 3, false), None);
    assert_eq!(substring("abcdef", 4, 3, false), None);
    assert_eq!(substring("abcdef", 0, 7, false), None);
    assert_eq!(
        substring("abcdé", 0, 2, false),
        None,
        "non-ASCII input gives unset"
    );
}

#[test]
fn urls() {
    let u = parse_url("https://example.com").unwrap();
    assert_eq!(
        (u.scheme, u.authority, u.path, u.is_ip),
        (Scheme::Https, (8, 19), (19, 19), false)
    );
    let s = "HTTP://user@10.0.0.1:8080/a/b;p#frag";
    let u = parse_url(s).unwrap();
    assert_eq!(u.scheme, Scheme::Http);
    assert_eq!(
        &s[u.authority.0 as usize..u.authority.1 as usize],
        "user@10.0.0.1:8080"
    );
    assert_eq!(&s[u.path.0 as usize..u.path.1 as usize], "/a/b");
    assert!(u.is_ip);
    assert!(parse_url("https://[::1]/").unwrap().is_ip);
    assert!(
        parse_url("https://example.com?").is_some(),
        "empty query is allowed"
    );
    for bad in [
        "example.com",
        "ftp://example.com",
        "https://example.com?a=b",
        "https://example.com:99999",
        "https://example.com:8x",
        "https://[::1/",
        "https://[notip]/",
        "https://exa mple.com",
    ] {
        assert!(parse_url(bad).is_none(), "{bad}");
    }
}

#[test]
fn arns() {
    let s = "arn:aws:s3:us-west-2:123456789012:accesspoint/ap:x";
    let p = parse_arn(s).unwrap();
    assert_eq!(&s[p.field(ArnField::Partition)], "aws");
    assert_eq!(&s[p.field(ArnField::Region)], "us-west-2");
    assert_eq!(&s[p.field(ArnField::AccountId)], "123456789012");
    let r = &s[p.field(ArnField::Resource)];
    assert_eq!(resource_id(r, 0).map(|x| &r[x]), Some("accesspoint"));
    assert_eq!(resource_id(r, 1).map(|x| &r[x]), Some("ap"));
    assert_eq!(resource_id(r, 2).map(|x| &r[x]), Some("x"));
    assert_eq!(resource_id(r, 3), None);
    assert!(
        parse_arn("arn:aws:s3:::bucket").is_some(),
        "empty region and account are allowed"
    );
    for bad in [
        "",
        "arn:",
        "arn:aws:s3:us-east-1:1",
        "arn::s3:r:a:res",
        "arn:aws::r:a:res",
        "arn:aws:s3:r:a:",
        "urn:aws:s3:r:a:res",
    ] {
        assert!(parse_arn(bad).is_none(), "{bad}");
    }
}
