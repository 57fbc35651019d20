//! The byte encoding of compiled rule sets and partition tables.
//!
//! One encoder (`stratus-codegen`'s `endpoints` module) writes these bytes, both
//! into generated `static` arrays and, in tests, at run time; the evaluator in
//! this module walks them directly. Every number is an unsigned LEB128 varint
//! unless said otherwise. Strings are indices into the blob's string table.
//!
//! ```text
//! blob        := magic(4) strings body
//! strings     := count:varint width:u8 (2|4) offset{count+1}:uN-LE data
//!                (string i is data[offset[i]..offset[i+1]], UTF-8)
//!
//! rule set body:
//!   params    := n:varint param{n}
//!   param     := name:str type:u8 flags:u8 [builtIn:str] [default:expr]
//!   slots     := varint  (parameters first, then names bound by `assign`)
//!   root      := rule    (a tree rule without conditions)
//!   rule      := kind:u8 len:varint conditions body     (len counts what follows it)
//!   conditions:= n:varint expr{n}
//!   tree      := n:varint rule{n}
//!   endpoint  := url:expr has_props:u8 [props:expr] n:varint (name:str m:varint expr{m}){n}
//!   error     := message:expr
//!   expr      := FALSE | TRUE | INT v | STR s | TEMPLATE len n part{n} | REF slot
//!              | CALL fn argc expr{argc} | CALL_ASSIGN slot fn argc expr{argc}
//!              | LIST len n expr{n} | MAP len n (key:str expr){n} | PATH len n seg{n}
//!   part      := PART_LITERAL s | PART_REF slot n seg{n}
//!   seg       := SEG_FIELD s | SEG_INDEX v
//!
//! partitions body:
//!   n:varint partition{n}
//!   partition := len:varint id:str regex:(len:varint op*) regions:(n:varint str{n})
//!                outputs:(n:varint (key:str FALSE|TRUE|STR s){n})
//!   op        := RX_LITERAL len bytes | RX_ALT n (len bytes){n}
//!              | RX_WORD | RX_DIGIT | RX_WORD_PLUS | RX_DIGIT_PLUS
//! ```
//!
//! `getAttr`'s second argument is always a `PATH` node; `LIST`, `MAP`, `PATH` and
//! `TEMPLATE` carry their byte length so a walker can step over them without
//! recursion.

/// First four bytes of a compiled rule set.
pub const RULES_MAGIC: [u8; 4] = *b"SER\x01";
/// First four bytes of a compiled partition table.
pub const PARTITIONS_MAGIC: [u8; 4] = *b"SPT\x01";

/// Parameter type: string.
pub const TYPE_STRING: u8 = 0;
/// Parameter type: boolean.
pub const TYPE_BOOLEAN: u8 = 1;
/// Parameter type: array of strings.
pub const TYPE_STRING_ARRAY: u8 = 2;

/// Parameter flag: the rule set marks the parameter required.
pub const FLAG_REQUIRED: u8 = 1;
/// Parameter flag: a default value expression follows.
pub const FLAG_DEFAULT: u8 = 2;
/// Parameter flag: a built-in name string follows.
pub const FLAG_BUILTIN: u8 = 4;

/// Rule kind: a tree of sub-rules.
pub const RULE_TREE: u8 = 0x20;
/// Rule kind: an endpoint.
pub const RULE_ENDPOINT: u8 = 0x21;
/// Rule kind: an error message.
pub const RULE_ERROR: u8 = 0x22;

/// Expression: `false`.
pub const FALSE: u8 = 0x01;
/// Expression: `true`.
pub const TRUE: u8 = 0x02;
/// Expression: a non-negative integer.
pub const INT: u8 = 0x03;
/// Expression: a literal string.
pub const STR: u8 = 0x04;
/// Expression: a template string with `{name#attr}` references.
pub const TEMPLATE: u8 = 0x05;
/// Expression: a reference to a parameter or bound name.
pub const REF: u8 = 0x06;
/// Expression: a function call.
pub const CALL: u8 = 0x07;
/// Expression: a function call whose result is bound to a slot.
pub const CALL_ASSIGN: u8 = 0x08;
/// Expression: a list.
pub const LIST: u8 = 0x09;
/// Expression: a map with string keys (endpoint properties only).
pub const MAP: u8 = 0x0A;
/// Expression: a parsed `getAttr` path.
pub const PATH: u8 = 0x0B;

/// Template part: literal text.
pub const PART_LITERAL: u8 = 0;
/// Template part: a reference with an attribute path.
pub const PART_REF: u8 = 1;

/// Path segment: a field name.
pub const SEG_FIELD: u8 = 0;
/// Path segment: a list index.
pub const SEG_INDEX: u8 = 1;

/// Regex op: literal bytes.
pub const RX_LITERAL: u8 = 1;
/// Regex op: one of several literal alternatives.
pub const RX_ALT: u8 = 2;
/// Regex op: one word character (`\w`, ASCII).
pub const RX_WORD: u8 = 3;
/// Regex op: one digit (`\d`, ASCII).
pub const RX_DIGIT: u8 = 4;
/// Regex op: one or more word characters.
pub const RX_WORD_PLUS: u8 = 5;
/// Regex op: one or more digits.
pub const RX_DIGIT_PLUS: u8 = 6;

/// Standard-library functions by the name rule sets use, and their byte ids.
///
/// The table is the single source of truth for the encoder and the evaluator.
pub const FUNCTIONS: &[(&str, u8, u8)] = &[
    // (name, id, argument count)
    ("isSet", FN_IS_SET, 1),
    ("not", FN_NOT, 1),
    ("booleanEquals", FN_BOOLEAN_EQUALS, 2),
    ("stringEquals", FN_STRING_EQUALS, 2),
    ("getAttr", FN_GET_ATTR, 2),
    ("substring", FN_SUBSTRING, 4),
    ("isValidHostLabel", FN_IS_VALID_HOST_LABEL, 2),
    ("parseURL", FN_PARSE_URL, 1),
    ("uriEncode", FN_URI_ENCODE, 1),
    ("aws.partition", FN_PARTITION, 1),
    ("aws.parseArn", FN_PARSE_ARN, 1),
    (
        "aws.isVirtualHostableS3Bucket",
        FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET,
        2,
    ),
];

/// `isSet(value)`.
pub const FN_IS_SET: u8 = 1;
/// `not(value)`.
pub const FN_NOT: u8 = 2;
/// `booleanEquals(a, b)`.
pub const FN_BOOLEAN_EQUALS: u8 = 3;
/// `stringEquals(a, b)`.
pub const FN_STRING_EQUALS: u8 = 4;
/// `getAttr(value, path)`.
pub const FN_GET_ATTR: u8 = 5;
/// `substring(value, start, stop, reverse)`.
pub const FN_SUBSTRING: u8 = 6;
/// `isValidHostLabel(value, allowSubDomains)`.
pub const FN_IS_VALID_HOST_LABEL: u8 = 7;
/// `parseURL(value)`.
pub const FN_PARSE_URL: u8 = 8;
/// `uriEncode(value)`.
pub const FN_URI_ENCODE: u8 = 9;
/// `aws.partition(region)`.
pub const FN_PARTITION: u8 = 10;
/// `aws.parseArn(value)`.
pub const FN_PARSE_ARN: u8 = 11;
/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`.
pub const FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET: u8 = 12;

/// Most arguments any function takes.
pub const MAX_ARGS: usize = 4;
