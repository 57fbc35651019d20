//! Endpoint rule sets and `partitions.json` compiled to the byte format that
//! `stratus_core::endpoint` walks (described in `stratus_core::endpoint::format`).
//!
//! The same encoder serves generated code ([`rust_static`] turns the bytes into
//! a `static` array) and tests, which encode at run time and hand the `Vec<u8>`
//! to the evaluator, so conformance tests exercise exactly the bytes a device
//! carries.
//!
//! ```
//! use stratus_codegen::endpoints::{encode_partitions, encode_rule_set};
//! let rules = serde_json::json!({
//!     "version": "1.0",
//!     "parameters": {"Region": {"type": "string", "builtIn": "AWS::Region", "required": true}},
//!     "rules": [{"type": "endpoint", "conditions": [],
//!                "endpoint": {"url": "https://svc.{Region}.amazonaws.com"}}]
//! });
//! let bytes = encode_rule_set(&rules).unwrap();
//! assert_eq!(&bytes[..4], b"SER\x01");
//! ```

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};
use stratus_core::endpoint::format as f;

/// Why a rule set or partition table could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointEncodeError {
    /// A required member is missing or has the wrong JSON type.
    Shape {
        /// Where, as a JSON-pointer-like path.
        at: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A function the evaluator does not implement.
    UnknownFunction {
        /// The function name.
        name: String,
    },
    /// A function called with the wrong number of arguments.
    Arity {
        /// The function name.
        name: String,
        /// Arguments given.
        got: usize,
    },
    /// A template string the encoder cannot parse (unbalanced braces, format
    /// specs, characters outside `[A-Za-z0-9_#]` in a reference).
    Template {
        /// The template text.
        text: String,
    },
    /// A partition region pattern outside the supported subset
    /// (`^`, literals, `\-`, `\w`, `\d`, `+`, `(a|b)`, `$`).
    Regex {
        /// The pattern.
        pattern: String,
    },
    /// A count or size that does not fit the format.
    TooLarge {
        /// What overflowed.
        what: &'static str,
    },
}

impl fmt::Display for EndpointEncodeError {
    fn fmt(&self, fm: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape { at, expected } => write!(fm, "{at}: expected {expected}"),
            Self::UnknownFunction { name } => write!(fm, "unknown rules-engine function `{name}`"),
            Self::Arity { name, got } => write!(fm, "`{name}` called with {got} arguments"),
            Self::Template { text } => write!(fm, "unsupported template string {text:?}"),
            Self::Regex { pattern } => write!(fm, "unsupported region pattern {pattern:?}"),
            Self::TooLarge { what } => write!(fm, "{what} too large for the endpoint byte format"),
        }
    }
}

impl std::error::Error for EndpointEncodeError {}

type Result<T> = std::result::Result<T, EndpointEncodeError>;

fn shape(at: &str, expected: &'static str) -> EndpointEncodeError {
    EndpointEncodeError::Shape {
        at: at.to_owned(),
        expected,
    }
}

fn varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn varint_usize(out: &mut Vec<u8>, v: usize, what: &'static str) -> Result<()> {
    varint(
        out,
        u32::try_from(v).map_err(|_| EndpointEncodeError::TooLarge { what })?,
    );
    Ok(())
}

/// Appends `tag len body` where `len` is the body's byte length.
fn sized(out: &mut Vec<u8>, tag: u8, body: &[u8]) -> Result<()> {
    out.push(tag);
    varint_usize(out, body.len(), "node")?;
    out.extend_from_slice(body);
    Ok(())
}

/// Deduplicating string table.
#[derive(Default)]
struct StringTable {
    index: HashMap<String, u32>,
    strings: Vec<String>,
}

impl StringTable {
    fn id(&mut self, s: &str) -> Result<u32> {
        if let Some(i) = self.index.get(s) {
            return Ok(*i);
        }
        let i = u32::try_from(self.strings.len()).map_err(|_| EndpointEncodeError::TooLarge {
            what: "string table",
        })?;
        self.index.insert(s.to_owned(), i);
        self.strings.push(s.to_owned());
        Ok(i)
    }

    fn put(&mut self, out: &mut Vec<u8>, s: &str) -> Result<()> {
        let i = self.id(s)?;
        varint(out, i);
        Ok(())
    }

    /// `count width offsets data`.
    fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        let total: usize = self.strings.iter().map(String::len).sum();
        let width = if total <= usize::from(u16::MAX) { 2 } else { 4 };
        varint_usize(out, self.strings.len(), "string table")?;
        out.push(width as u8);
        let mut offset = 0usize;
        let push_offset = |out: &mut Vec<u8>, o: usize| -> Result<()> {
            let o = u32::try_from(o).map_err(|_| EndpointEncodeError::TooLarge {
                what: "string data",
            })?;
            out.extend_from_slice(&o.to_le_bytes()[..width]);
            Ok(())
        };
        for s in &self.strings {
            push_offset(out, offset)?;
            offset += s.len();
        }
        push_offset(out, offset)?;
        for s in &self.strings {
            out.extend_from_slice(s.as_bytes());
        }
        Ok(())
    }
}

/// Rule-set encoder state: strings and variable slots.
struct Encoder {
    strings: StringTable,
    slots: HashMap<String, u32>,
    slot_count: u32,
}

impl Encoder {
    fn slot(&mut self, name: &str) -> u32 {
        if let Some(s) = self.slots.get(name) {
            return *s;
        }
        let s = self.slot_count;
        self.slots.insert(name.to_owned(), s);
        self.slot_count += 1;
        s
    }

    fn rule(&mut self, rule: &Value, at: &str, out: &mut Vec<u8>) -> Result<()> {
        let obj = rule.as_object().ok_or_else(|| shape(at, "rule object"))?;
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| shape(at, "rule type"))?;
        let mut body = Vec::new();
        let conditions = match obj.get("conditions") {
            Some(c) => c
                .as_array()
                .ok_or_else(|| shape(at, "conditions array"))?
                .as_slice(),
            None => &[],
        };
        varint_usize(&mut body, conditions.len(), "conditions")?;
        for (i, c) in conditions.iter().enumerate() {
            self.expr(c, &format!("{at}/conditions/{i}"), &mut body)?;
        }
        let tag = match kind {
            "tree" => {
                let rules = obj
                    .get("rules")
                    .and_then(Value::as_array)
                    .ok_or_else(|| shape(at, "rules array"))?;
                self.rules(rules, at, &mut body)?;
                f::RULE_TREE
            }
            "endpoint" => {
                let ep = obj
                    .get("endpoint")
                    .and_then(Value::as_object)
                    .ok_or_else(|| shape(at, "endpoint object"))?;
                self.endpoint(ep, &format!("{at}/endpoint"), &mut body)?;
                f::RULE_ENDPOINT
            }
            "error" => {
                let e = obj.get("error").ok_or_else(|| shape(at, "error message"))?;
                self.expr(e, &format!("{at}/error"), &mut body)?;
                f::RULE_ERROR
            }
            _ => return Err(shape(at, "rule type tree, endpoint or error")),
        };
        sized(out, tag, &body)
    }

    fn rules(&mut self, rules: &[Value], at: &str, out: &mut Vec<u8>) -> Result<()> {
        varint_usize(out, rules.len(), "rules")?;
        for (i, r) in rules.iter().enumerate() {
            self.rule(r, &format!("{at}/rules/{i}"), out)?;
        }
        Ok(())
    }

    fn endpoint(&mut self, ep: &Map<String, Value>, at: &str, out: &mut Vec<u8>) -> Result<()> {
        let url = ep.get("url").ok_or_else(|| shape(at, "url"))?;
        self.expr(url, &format!("{at}/url"), out)?;
        match ep.get("properties") {
            Some(p) if !p.is_null() => {
                if !p.is_object() {
                    return Err(shape(at, "properties object"));
                }
                out.push(1);
                self.property(p, &format!("{at}/properties"), out)?;
            }
            _ => out.push(0),
        }
        let empty = Map::new();
        let headers = match ep.get("headers") {
            Some(h) => h.as_object().ok_or_else(|| shape(at, "headers object"))?,
            None => &empty,
        };
        varint_usize(out, headers.len(), "headers")?;
        for (name, values) in headers {
            let values = values
                .as_array()
                .ok_or_else(|| shape(at, "header value list"))?;
            self.strings.put(out, name)?;
            varint_usize(out, values.len(), "header values")?;
            for (i, v) in values.iter().enumerate() {
                self.expr(v, &format!("{at}/headers/{name}/{i}"), out)?;
            }
        }
        Ok(())
    }

    /// A property value: literals, templates, lists and maps (objects are maps
    /// even if they look like `{"ref": …}`, as in botocore).
    fn property(&mut self, v: &Value, at: &str, out: &mut Vec<u8>) -> Result<()> {
        match v {
            Value::Object(m) => {
                let mut body = Vec::new();
                varint_usize(&mut body, m.len(), "map")?;
                for (k, item) in m {
                    self.strings.put(&mut body, k)?;
                    self.property(item, &format!("{at}/{k}"), &mut body)?;
                }
                sized(out, f::MAP, &body)
            }
            Value::Array(items) => {
                let mut body = Vec::new();
                varint_usize(&mut body, items.len(), "list")?;
                for (i, item) in items.iter().enumerate() {
                    self.property(item, &format!("{at}/{i}"), &mut body)?;
                }
                sized(out, f::LIST, &body)
            }
            _ => self.literal(v, at, out),
        }
    }

    /// Booleans, non-negative integers and strings (templates when they hold
    /// a `{name}` reference).
    fn literal(&mut self, v: &Value, at: &str, out: &mut Vec<u8>) -> Result<()> {
        match v {
            Value::Bool(b) => out.push(if *b { f::TRUE } else { f::FALSE }),
            Value::Number(n) => {
                let n = n
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| shape(at, "integer in 0..2^32"))?;
                out.push(f::INT);
                varint(out, n);
            }
            Value::String(s) if is_template(s) => self.template(s, out)?,
            Value::String(s) => {
                out.push(f::STR);
                self.strings.put(out, s)?;
            }
            _ => return Err(shape(at, "boolean, integer or string")),
        }
        Ok(())
    }

    fn expr(&mut self, v: &Value, at: &str, out: &mut Vec<u8>) -> Result<()> {
        match v {
            Value::Object(m) if m.contains_key("fn") => self.call(m, at, out),
            Value::Object(m) if m.contains_key("ref") => {
                let name = m
                    .get("ref")
                    .and_then(Value::as_str)
                    .ok_or_else(|| shape(at, "ref name"))?;
                out.push(f::REF);
                let slot = self.slot(name);
                varint(out, slot);
                Ok(())
            }
            Value::Object(_) => Err(shape(at, "fn, ref or literal")),
            Value::Array(items) => {
                let mut body = Vec::new();
                varint_usize(&mut body, items.len(), "list")?;
                for (i, item) in items.iter().enumerate() {
                    self.expr(item, &format!("{at}/{i}"), &mut body)?;
                }
                sized(out, f::LIST, &body)
            }
            _ => self.literal(v, at, out),
        }
    }

    fn call(&mut self, m: &Map<String, Value>, at: &str, out: &mut Vec<u8>) -> Result<()> {
        let name = m
            .get("fn")
            .and_then(Value::as_str)
            .ok_or_else(|| shape(at, "fn name"))?;
        let argv = m
            .get("argv")
            .and_then(Value::as_array)
            .ok_or_else(|| shape(at, "argv array"))?;
        let &(_, id, argc) = f::FUNCTIONS
            .iter()
            .find(|(n, _, _)| *n == name)
            .ok_or_else(|| EndpointEncodeError::UnknownFunction {
                name: name.to_owned(),
            })?;
        if argv.len() != usize::from(argc) {
            return Err(EndpointEncodeError::Arity {
                name: name.to_owned(),
                got: argv.len(),
            });
        }
        match m.get("assign") {
            Some(a) => {
                let a = a.as_str().ok_or_else(|| shape(at, "assign name"))?;
                out.push(f::CALL_ASSIGN);
                let slot = self.slot(a);
                varint(out, slot);
            }
            None => out.push(f::CALL),
        }
        out.push(id);
        out.push(argc);
        if id == f::FN_GET_ATTR {
            let (target, path) = (&argv[0], &argv[1]);
            self.expr(target, &format!("{at}/argv/0"), out)?;
            let path = path
                .as_str()
                .ok_or_else(|| shape(at, "getAttr path string"))?;
            let mut body = Vec::new();
            self.path(&get_attr_path(path), &mut body)?;
            sized(out, f::PATH, &body)?;
            return Ok(());
        }
        for (i, a) in argv.iter().enumerate() {
            self.expr(a, &format!("{at}/argv/{i}"), out)?;
        }
        Ok(())
    }

    /// `n seg{n}`.
    fn path(&mut self, segs: &[Seg], out: &mut Vec<u8>) -> Result<()> {
        varint_usize(out, segs.len(), "path")?;
        for s in segs {
            match s {
                Seg::Field(name) => {
                    out.push(f::SEG_FIELD);
                    self.strings.put(out, name)?;
                }
                Seg::Index(i) => {
                    out.push(f::SEG_INDEX);
                    varint(out, *i);
                }
            }
        }
        Ok(())
    }

    fn template(&mut self, text: &str, out: &mut Vec<u8>) -> Result<()> {
        let parts = parse_template(text)?;
        let mut body = Vec::new();
        varint_usize(&mut body, parts.len(), "template")?;
        for p in parts {
            match p {
                Part::Literal(s) => {
                    body.push(f::PART_LITERAL);
                    self.strings.put(&mut body, &s)?;
                }
                Part::Ref(name, segs) => {
                    body.push(f::PART_REF);
                    let slot = self.slot(&name);
                    varint(&mut body, slot);
                    self.path(&segs, &mut body)?;
                }
            }
        }
        sized(out, f::TEMPLATE, &body)
    }
}

/// A `getAttr` path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Field(String),
    Index(u32),
}

/// botocore's `get_attr` path: `.`-separated parts; a part `name[i]` (name
/// optional) ends the path.
fn get_attr_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        if let Some((name, index)) = indexed_part(part) {
            if !name.is_empty() {
                segs.push(Seg::Field(name.to_owned()));
            }
            segs.push(Seg::Index(index));
            return segs;
        }
        segs.push(Seg::Field(part.to_owned()));
    }
    segs
}

/// Finds `(\w*)\[(\d+)\]` in `part` like Python's `re.search`.
fn indexed_part(part: &str) -> Option<(&str, u32)> {
    let open = part.find('[')?;
    let close = open + part[open..].find(']')?;
    let digits = &part[open + 1..close];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let before = &part[..open];
    let name_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(open, |(i, _)| i);
    Some((&before[name_start..], digits.parse().ok()?))
}

/// botocore treats a string as a template when it matches `\{[a-zA-Z#]+\}`.
fn is_template(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'#') {
                j += 1;
            }
            if j > i + 1 && j < b.len() && b[j] == b'}' {
                return true;
            }
        }
        i += 1;
    }
    false
}

enum Part {
    Literal(String),
    Ref(String, Vec<Seg>),
}

/// Python `string.Formatter().parse` on the template, limited to plain
/// `{name#attr#…}` fields and `{{`/`}}` escapes.
fn parse_template(text: &str) -> Result<Vec<Part>> {
    let bad = || EndpointEncodeError::Template {
        text: text.to_owned(),
    };
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '}' => return Err(bad()),
            '{' => {
                let mut field = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '#' => {
                            field.push(c)
                        }
                        _ => return Err(bad()),
                    }
                }
                let mut names = field.split('#');
                let name = names.next().filter(|n| !n.is_empty()).ok_or_else(bad)?;
                let segs = names.map(|n| Seg::Field(n.to_owned())).collect();
                if !lit.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut lit)));
                }
                parts.push(Part::Ref(name.to_owned(), segs));
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Literal(lit));
    }
    Ok(parts)
}

/// Encodes an `endpoint-rule-set-1.json` document.
pub fn encode_rule_set(rule_set: &Value) -> Result<Vec<u8>> {
    let obj = rule_set
        .as_object()
        .ok_or_else(|| shape("", "rule set object"))?;
    let params = obj
        .get("parameters")
        .and_then(Value::as_object)
        .ok_or_else(|| shape("/parameters", "object"))?;
    let rules = obj
        .get("rules")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("/rules", "array"))?;
    let mut enc = Encoder {
        strings: StringTable::default(),
        slots: HashMap::new(),
        slot_count: 0,
    };
    let mut body = Vec::new();
    varint_usize(&mut body, params.len(), "parameters")?;
    for (name, spec) in params {
        let at = format!("/parameters/{name}");
        enc.slot(name);
        enc.strings.put(&mut body, name)?;
        let ty = spec
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| shape(&at, "type"))?;
        body.push(match ty.to_ascii_lowercase().as_str() {
            "string" => f::TYPE_STRING,
            "boolean" => f::TYPE_BOOLEAN,
            "stringarray" => f::TYPE_STRING_ARRAY,
            _ => return Err(shape(&at, "type string, boolean or stringArray")),
        });
        let built_in = spec.get("builtIn").and_then(Value::as_str);
        let default = spec.get("default").filter(|d| !d.is_null());
        let required = spec
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut flags = 0;
        if required {
            flags |= f::FLAG_REQUIRED;
        }
        if default.is_some() {
            flags |= f::FLAG_DEFAULT;
        }
        if built_in.is_some() {
            flags |= f::FLAG_BUILTIN;
        }
        body.push(flags);
        if let Some(b) = built_in {
            enc.strings.put(&mut body, b)?;
        }
        if let Some(d) = default {
            match d {
                Value::Bool(_) => enc.literal(d, &at, &mut body)?,
                Value::String(s) => {
                    body.push(f::STR);
                    enc.strings.put(&mut body, s)?;
                }
                Value::Array(items) => {
                    let mut list = Vec::new();
                    varint_usize(&mut list, items.len(), "list")?;
                    for item in items {
                        let s = item
                            .as_str()
                            .ok_or_else(|| shape(&at, "string array default"))?;
                        list.push(f::STR);
                        enc.strings.put(&mut list, s)?;
                    }
                    sized(&mut body, f::LIST, &list)?;
                }
                _ => return Err(shape(&at, "default of the parameter's type")),
            }
        }
    }
    // The rules go into their own buffer first: encoding them allocates the
    // slots of bound names, whose total precedes the rules.
    let mut root_body = Vec::new();
    varint(&mut root_body, 0); // no conditions
    enc.rules(rules, "", &mut root_body)?;
    varint(&mut body, enc.slot_count);
    sized(&mut body, f::RULE_TREE, &root_body)?;

    let mut out = f::RULES_MAGIC.to_vec();
    enc.strings.write(&mut out)?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Encodes botocore's `partitions.json`.
pub fn encode_partitions(partitions: &Value) -> Result<Vec<u8>> {
    let list = partitions
        .get("partitions")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("/partitions", "array"))?;
    let mut strings = StringTable::default();
    let mut body = Vec::new();
    varint_usize(&mut body, list.len(), "partitions")?;
    for (i, p) in list.iter().enumerate() {
        let at = format!("/partitions/{i}");
        let mut rec = Vec::new();
        let id = p
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| shape(&at, "id"))?;
        strings.put(&mut rec, id)?;
        let pattern = p
            .get("regionRegex")
            .and_then(Value::as_str)
            .ok_or_else(|| shape(&at, "regionRegex"))?;
        let ops = compile_region_regex(pattern)?;
        varint_usize(&mut rec, ops.len(), "regex")?;
        rec.extend_from_slice(&ops);
        let regions = p
            .get("regions")
            .and_then(Value::as_object)
            .ok_or_else(|| shape(&at, "regions"))?;
        varint_usize(&mut rec, regions.len(), "regions")?;
        for r in regions.keys() {
            strings.put(&mut rec, r)?;
        }
        let outputs = p
            .get("outputs")
            .and_then(Value::as_object)
            .ok_or_else(|| shape(&at, "outputs"))?;
        varint_usize(&mut rec, outputs.len(), "outputs")?;
        for (k, v) in outputs {
            strings.put(&mut rec, k)?;
            match v {
                Value::Bool(b) => rec.push(if *b { f::TRUE } else { f::FALSE }),
                Value::String(s) => {
                    rec.push(f::STR);
                    strings.put(&mut rec, s)?;
                }
                _ => return Err(shape(&format!("{at}/outputs/{k}"), "boolean or string")),
            }
        }
        varint_usize(&mut body, rec.len(), "partition")?;
        body.extend_from_slice(&rec);
    }
    let mut out = f::PARTITIONS_MAGIC.to_vec();
    strings.write(&mut out)?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Compiles an anchored region pattern such as `^(us|eu)\-\w+\-\d+$` to ops.
fn compile_region_regex(pattern: &str) -> Result<Vec<u8>> {
    let bad = || EndpointEncodeError::Regex {
        pattern: pattern.to_owned(),
    };
    let inner = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .ok_or_else(bad)?;
    let mut ops = Vec::new();
    let mut lit: Vec<u8> = Vec::new();
    let flush = |ops: &mut Vec<u8>, lit: &mut Vec<u8>| -> Result<()> {
        if !lit.is_empty() {
            ops.push(f::RX_LITERAL);
            varint_usize(ops, lit.len(), "regex literal")?;
            ops.append(lit);
        }
        Ok(())
    };
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let c = *b.get(i + 1).ok_or_else(bad)?;
                let plus = b.get(i + 2) == Some(&b'+');
                match c {
                    b'w' | b'd' => {
                        flush(&mut ops, &mut lit)?;
                        ops.push(match (c, plus) {
                            (b'w', false) => f::RX_WORD,
                            (b'w', true) => f::RX_WORD_PLUS,
                            (_, false) => f::RX_DIGIT,
                            (_, true) => f::RX_DIGIT_PLUS,
                        });
                        i += if plus { 3 } else { 2 };
                    }
                    c if c.is_ascii_punctuation() && !plus => {
                        lit.push(c);
                        i += 2;
                    }
                    _ => return Err(bad()),
                }
            }
            b'(' => {
                flush(&mut ops, &mut lit)?;
                let close = i + inner[i..].find(')').ok_or_else(bad)?;
                let alts: Vec<&str> = inner[i + 1..close].split('|').collect();
                if alts.iter().any(|a| {
                    a.is_empty() || !a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                }) {
                    return Err(bad());
                }
                if matches!(b.get(close + 1), Some(b'+' | b'*' | b'?' | b'{')) {
                    return Err(bad());
                }
                ops.push(f::RX_ALT);
                varint_usize(&mut ops, alts.len(), "regex alternatives")?;
                for a in alts {
                    varint_usize(&mut ops, a.len(), "regex alternative")?;
                    ops.extend_from_slice(a.as_bytes());
                }
                i = close + 1;
            }
            c if (c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
                && !matches!(b.get(i + 1), Some(b'+' | b'*' | b'?' | b'{')) =>
            {
                lit.push(c);
                i += 1;
            }
            _ => return Err(bad()),
        }
    }
    flush(&mut ops, &mut lit)?;
    Ok(ops)
}

/// Rust source for a `static` holding encoded bytes, e.g.
/// `pub static RULES: [u8; 1234] = *b"SER\x01...";`.
pub fn rust_static(name: &str, bytes: &[u8]) -> String {
    let mut s = format!("pub static {name}: [u8; {}] = *b\"", bytes.len());
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(char::from(b)),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push_str("\";\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_like_python_formatter() {
        assert!(is_template("https://{Region}.amazonaws.com"));
        assert!(!is_template("https://{}.amazonaws.com"));
        assert!(!is_template("{a[0]}"));
        let parts = parse_template("a{{b}}{X#y}c").unwrap();
        assert_eq!(parts.len(), 3);
        assert!(matches!(&parts[0], Part::Literal(s) if s == "a{b}"));
        assert!(
            matches!(&parts[1], Part::Ref(n, segs) if n == "X" && segs == &[Seg::Field("y".into())])
        );
        assert!(parse_template("{a:b}").is_err());
        assert!(parse_template("a}b").is_err());
    }

    #[test]
    fn get_attr_paths() {
        assert_eq!(get_attr_path("name"), vec![Seg::Field("name".into())]);
        assert_eq!(
            get_attr_path("resourceId[2]"),
            vec![Seg::Field("resourceId".into()), Seg::Index(2)]
        );
        assert_eq!(get_attr_path("[0]"), vec![Seg::Index(0)]);
        assert_eq!(
            get_attr_path("a.b[1].c"),
            vec![
                Seg::Field("a".into()),
                Seg::Field("b".into()),
                Seg::Index(1)
            ]
        );
    }

    #[test]
    fn region_patterns() {
        let ops = compile_region_regex(r"^(us|eu)\-\w+\-\d+$").unwrap();
        assert_eq!(ops[0], f::RX_ALT);
        assert!(compile_region_regex(r"^a.*$").is_err());
        assert!(compile_region_regex(r"us\-\w+").is_err());
        assert!(compile_region_regex(r"^a+$").is_err());
    }

    /// Reads back the byte-string literal `rust_static` writes.
    fn unescape(lit: &str) -> Vec<u8> {
        let body = lit
            .split_once("*b\"")
            .unwrap()
            .1
            .rsplit_once("\";")
            .unwrap()
            .0;
        let (mut out, b) = (Vec::new(), body.as_bytes());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\\' {
                if b[i + 1] == b'x' {
                    out.push(u8::from_str_radix(&body[i + 2..i + 4], 16).unwrap());
                    i += 4;
                } else {
                    out.push(b[i + 1]);
                    i += 2;
                }
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    }

    #[test]
    fn rust_static_round_trips_all_bytes() {
        let bytes: Vec<u8> = (0..=255u8).chain(*b"SER\x01\"\\").collect();
        let src = rust_static("RULES", &bytes);
        assert!(src.starts_with(&format!("pub static RULES: [u8; {}] = ", bytes.len())));
        assert_eq!(unescape(&src), bytes);
    }

    #[test]
    fn rust_static_escapes() {
        assert_eq!(
            rust_static("X", b"a\"\\\x00"),
            "pub static X: [u8; 4] = *b\"a\\\"\\\\\\x00\";\n"
        );
    }
}
