//! Name mapping: botocore's `xform_name` (`PutRecord` → `put_record` /
//! `put-record`) and the Rust identifiers the generated code uses.

/// Names botocore maps by a fixed table because the general rule gets them wrong
/// (botocore 1.43.11, botocore/__init__.py `_xform_cache`). The `-` forms are these with `-`.
const SPECIAL_NAMES: [(&str, &str); 29] = [
    (
        "AssociateWhatsAppBusinessAccount",
        "associate_whatsapp_business_account",
    ),
    ("CreateCachediSCSIVolume", "create_cached_iscsi_volume"),
    ("CreateStorediSCSIVolume", "create_stored_iscsi_volume"),
    (
        "CreateWhatsAppMessageTemplate",
        "create_whatsapp_message_template",
    ),
    (
        "CreateWhatsAppMessageTemplateFromLibrary",
        "create_whatsapp_message_template_from_library",
    ),
    (
        "CreateWhatsAppMessageTemplateMedia",
        "create_whatsapp_message_template_media",
    ),
    (
        "DeleteWhatsAppMessageMedia",
        "delete_whatsapp_message_media",
    ),
    (
        "DeleteWhatsAppMessageTemplate",
        "delete_whatsapp_message_template",
    ),
    (
        "DescribeCachediSCSIVolumes",
        "describe_cached_iscsi_volumes",
    ),
    (
        "DescribeStorediSCSIVolumes",
        "describe_stored_iscsi_volumes",
    ),
    (
        "DisassociateWhatsAppBusinessAccount",
        "disassociate_whatsapp_business_account",
    ),
    ("ExecutePartiQLBatch", "execute_partiql_batch"),
    ("ExecutePartiQLStatement", "execute_partiql_statement"),
    ("ExecutePartiQLTransaction", "execute_partiql_transaction"),
    (
        "GetLinkedWhatsAppBusinessAccount",
        "get_linked_whatsapp_business_account",
    ),
    (
        "GetLinkedWhatsAppBusinessAccountPhoneNumber",
        "get_linked_whatsapp_business_account_phone_number",
    ),
    ("GetOTelEnrichment", "get_otel_enrichment"),
    ("GetWhatsAppMessageMedia", "get_whatsapp_message_media"),
    (
        "GetWhatsAppMessageTemplate",
        "get_whatsapp_message_template",
    ),
    (
        "ListHITsForQualificationType",
        "list_hits_for_qualification_type",
    ),
    (
        "ListLinkedWhatsAppBusinessAccounts",
        "list_linked_whatsapp_business_accounts",
    ),
    (
        "ListWhatsAppMessageTemplates",
        "list_whatsapp_message_templates",
    ),
    (
        "ListWhatsAppTemplateLibrary",
        "list_whatsapp_template_library",
    ),
    ("PostWhatsAppMessageMedia", "post_whatsapp_message_media"),
    (
        "PutWhatsAppBusinessAccountEventDestinations",
        "put_whatsapp_business_account_event_destinations",
    ),
    ("SendWhatsAppMessage", "send_whatsapp_message"),
    ("StartOTelEnrichment", "start_otel_enrichment"),
    ("StopOTelEnrichment", "stop_otel_enrichment"),
    (
        "UpdateWhatsAppMessageTemplate",
        "update_whatsapp_message_template",
    ),
];

/// botocore's `xform_name(name, sep)`: CamelCase to words joined by `sep`.
///
/// ```
/// use stratus_codegen::names::xform_name;
/// assert_eq!(xform_name("PutRecord", '_'), "put_record");
/// assert_eq!(xform_name("ListWebACLs", '-'), "list-web-acls");
/// assert_eq!(xform_name("DescribeDBInstances", '_'), "describe_db_instances");
/// ```
pub fn xform_name(name: &str, sep: char) -> String {
    if name.contains(sep) {
        return name.to_string();
    }
    if let Some((_, snake)) = SPECIAL_NAMES.iter().find(|(n, _)| *n == name) {
        return snake.replace('_', &sep.to_string());
    }
    let chars: Vec<char> = name.chars().collect();
    let chars = split_plural_acronym(chars, sep);
    let s1 = first_cap(&chars, sep);
    end_cap(&s1, sep).to_lowercase()
}

/// `[A-Z]{2,}s$` → `<sep><lowercased match>` (e.g. `GatewayARNs` → `Gateway_arns`).
fn split_plural_acronym(chars: Vec<char>, sep: char) -> Vec<char> {
    if chars.last() != Some(&'s') {
        return chars;
    }
    let body = &chars[..chars.len() - 1];
    let run = body
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    if run < 2 {
        return chars;
    }
    let start = body.len() - run;
    let mut out: Vec<char> = chars[..start].to_vec();
    out.push(sep);
    out.extend(chars[start..].iter().map(|c| c.to_ascii_lowercase()));
    out
}

/// Python `re.sub('(.)([A-Z][a-z]+)', r'\1<sep>\2', s)`.
fn first_cap(c: &[char], sep: char) -> Vec<char> {
    let mut out = Vec::with_capacity(c.len() + 8);
    let mut i = 0;
    while i < c.len() {
        let upper = c.get(i + 1).is_some_and(|x| x.is_ascii_uppercase());
        let lower_run = c
            .iter()
            .skip(i + 2)
            .take_while(|x| x.is_ascii_lowercase())
            .count();
        if c[i] != '\n' && upper && lower_run > 0 {
            out.push(c[i]);
            out.push(sep);
            out.extend_from_slice(&c[i + 1..i + 2 + lower_run]);
            i += 2 + lower_run;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Python `re.sub('([a-z0-9])([A-Z])', r'\1<sep>\2', s)`.
fn end_cap(c: &[char], sep: char) -> String {
    let mut out = String::with_capacity(c.len() + 8);
    let mut i = 0;
    while i < c.len() {
        let low = c[i].is_ascii_lowercase() || c[i].is_ascii_digit();
        if low && c.get(i + 1).is_some_and(|x| x.is_ascii_uppercase()) {
            out.push(c[i]);
            out.push(sep);
            out.push(c[i + 1]);
            i += 2;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

const RUST_KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// A Rust identifier for `word` (already snake or Pascal case): invalid
/// characters become `_`, a leading digit gets a prefix, keywords become raw.
pub fn rust_ident(word: &str, digit_prefix: &str) -> String {
    let mut s: String = word
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, digit_prefix);
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if RUST_KEYWORDS.contains(&s.as_str()) || s == "gen" {
        s.insert_str(0, "r#");
    }
    s
}

/// Field name for a member: `xform_name(name, '_')` as an identifier.
pub fn field_name(member: &str) -> String {
    rust_ident(&xform_name(member, '_').to_lowercase(), "n")
}

/// Type name for a shape: the shape name with a capital first letter.
pub fn type_name(shape: &str) -> String {
    let mut s: String = shape
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if let Some(first) = s.get(0..1) {
        let up = first.to_ascii_uppercase();
        s.replace_range(0..1, &up);
    }
    rust_ident(&s, "S")
}

/// Enum variant for a wire value: `CREATING` → `Creating`, `t2.micro` → `T2Micro`.
pub fn variant_name(value: &str) -> String {
    let mut out = String::new();
    for part in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut cs = part.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            let rest: String = cs.collect();
            // All-caps words become Capitalised; mixed case is kept.
            if rest.chars().all(|c| !c.is_ascii_lowercase()) {
                out.push_str(&rest.to_ascii_lowercase());
            } else {
                out.push_str(&rest);
            }
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    rust_ident(&out, "V")
}

/// Rust module name for a botocore service name: `iot-data` → `iot_data`.
pub fn module_name(service: &str) -> String {
    rust_ident(&service.replace(['-', '.'], "_"), "s")
}

/// Makes `name` unique among `taken` by appending a number, and records it.
pub fn unique(name: String, taken: &mut std::collections::HashSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let base = name.trim_start_matches("r#").to_string();
    let mut n = 2;
    loop {
        let candidate = format!("{base}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_docstring_examples() {
        // Cases from botocore's own unit tests for xform_name (facts, not code).
        for (camel, snake) in [
            ("CreateCachediSCSIVolume", "create_cached_iscsi_volume"),
            ("ListWebACLs", "list_web_acls"),
            ("DescribeDBInstances", "describe_db_instances"),
            ("GetBucketACL", "get_bucket_acl"),
            ("ARNs", "_arns"),
            ("SomeCNAMEs", "some_cnames"),
            ("HTTPHeaders", "http_headers"),
            ("MD5OfBody", "md5_of_body"),
            ("already_snake", "already_snake"),
        ] {
            assert_eq!(xform_name(camel, '_'), snake, "{camel}");
        }
    }

    #[test]
    fn identifiers() {
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(variant_name("t2.micro"), "T2Micro");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(type_name("string"), "String");
        assert_eq!(module_name("iot-data"), "iot_data");
    }
}
