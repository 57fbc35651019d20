//! The JMESPath compiler: expression text from a model (a paginator's
//! `output_token`, a waiter acceptor's `argument`, a resource path) to Rust
//! source for a static `stratus_core::jmespath::Expr`.
//!
//! The grammar and the tree follow the reference implementation (the Python
//! `jmespath` package botocore uses: its token binding powers, its `nud`/`led`
//! rules, its node kinds). What the core cannot evaluate without a heap
//! (multi-select lists and hashes, slices, expression references, functions
//! other than `length` and `contains`, array and object literals) is refused
//! with a [`CompileError`] naming the expression.
//!
//! ```
//! let src = stratus_codegen::jmespath::compile("NextMarker || Contents[-1].Key").unwrap();
//! assert_eq!(
//!     src,
//!     "::stratus_core::jmespath::Expr::Or(&::stratus_core::jmespath::Expr::Field(\"NextMarker\"), \
//!      &::stratus_core::jmespath::Expr::Sub(&::stratus_core::jmespath::Expr::Index(\
//!      &::stratus_core::jmespath::Expr::Field(\"Contents\"), -1), \
//!      &::stratus_core::jmespath::Expr::Field(\"Key\")))"
//! );
//! let err = stratus_codegen::jmespath::compile("a.{b: c}").unwrap_err();
//! assert_eq!(err.to_string(), "JMESPath `a.{b: c}`: multi-select hash is not supported");
//! ```

use std::fmt;

use stratus_core::jmespath::{Comparator, Expr, Function, Literal};

/// Why an expression did not compile.
#[derive(Clone, Debug, PartialEq)]
pub struct CompileError {
    /// The expression text.
    pub expression: String,
    /// What is wrong.
    pub kind: CompileErrorKind,
}

/// What [`CompileError`] found.
#[derive(Clone, Debug, PartialEq)]
pub enum CompileErrorKind {
    /// A character that starts no token, at this byte offset.
    UnexpectedChar(usize),
    /// A string, raw string or literal is not closed.
    Unterminated,
    /// A token where the grammar wants another (the token's text).
    UnexpectedToken(String),
    /// The expression ends too early.
    UnexpectedEnd,
    /// A `` `literal` `` is not valid JSON.
    BadLiteral(String),
    /// A number does not fit 64 bits.
    BadNumber(String),
    /// A function the compiler does not know, or a wrong number of arguments.
    BadFunction(String),
    /// Valid JMESPath the static evaluator does not support (the construct).
    Unsupported(&'static str),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JMESPath `{}`: ", self.expression)?;
        match &self.kind {
            CompileErrorKind::UnexpectedChar(at) => write!(f, "unexpected character at {at}"),
            CompileErrorKind::Unterminated => f.write_str("unterminated string or literal"),
            CompileErrorKind::UnexpectedToken(t) => write!(f, "unexpected token `{t}`"),
            CompileErrorKind::UnexpectedEnd => f.write_str("unexpected end of expression"),
            CompileErrorKind::BadLiteral(t) => write!(f, "literal `{t}` is not valid JSON"),
            CompileErrorKind::BadNumber(t) => write!(f, "number `{t}` is out of range"),
            CompileErrorKind::BadFunction(t) => write!(f, "{t}"),
            CompileErrorKind::Unsupported(what) => write!(f, "{what} is not supported"),
        }
    }
}

impl std::error::Error for CompileError {}

/// A parsed expression (owned; [`Ast::to_rust`] writes it as static data).
#[derive(Clone, Debug, PartialEq)]
pub enum Ast {
    /// `@`
    Identity,
    /// `name`
    Field(String),
    /// `left.right`
    Sub(Box<Ast>, Box<Ast>),
    /// `left[i]`
    Index(Box<Ast>, i64),
    /// `left[]` (the list part of a flatten projection)
    Flatten(Box<Ast>),
    /// `left[*].right`
    Projection(Box<Ast>, Box<Ast>),
    /// `left.*.right`
    ValueProjection(Box<Ast>, Box<Ast>),
    /// `left[?cond].right`: left, condition, right.
    Filter(Box<Ast>, Box<Ast>, Box<Ast>),
    /// `left <op> right`
    Compare(Comparator, Box<Ast>, Box<Ast>),
    /// `left || right`
    Or(Box<Ast>, Box<Ast>),
    /// `left && right`
    And(Box<Ast>, Box<Ast>),
    /// `!expr`
    Not(Box<Ast>),
    /// A literal.
    Literal(LiteralAst),
    /// `name(args)`
    Function(Function, Vec<Ast>),
    /// `left | right`
    Pipe(Box<Ast>, Box<Ast>),
}

/// A literal value of an [`Ast`].
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralAst {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
}

/// Parses `expr` and writes it as Rust source for a
/// `stratus_core::jmespath::Expr` value (usable in a `static` initializer).
pub fn compile(expr: &str) -> Result<String, CompileError> {
    Ok(parse(expr)?.to_rust())
}

/// Parses `expr` into an [`Ast`].
pub fn parse(expr: &str) -> Result<Ast, CompileError> {
    let err = |kind| CompileError {
        expression: expr.to_string(),
        kind,
    };
    let tokens = lex(expr).map_err(err)?;
    let mut p = Parser { tokens, pos: 0 };
    let ast = p.expression(0).map_err(err)?;
    match p.peek() {
        Tok::Eof => Ok(ast),
        t => Err(err(CompileErrorKind::UnexpectedToken(t.text()))),
    }
}

const EXPR: &str = "::stratus_core::jmespath::Expr";

impl Ast {
    /// Rust source for this expression as a `stratus_core::jmespath::Expr`.
    pub fn to_rust(&self) -> String {
        let b = |a: &Ast| format!("&{}", a.to_rust());
        match self {
            Ast::Identity => format!("{EXPR}::Identity"),
            Ast::Field(name) => format!("{EXPR}::Field({name:?})"),
            Ast::Sub(l, r) => format!("{EXPR}::Sub({}, {})", b(l), b(r)),
            Ast::Index(l, i) => format!("{EXPR}::Index({}, {i})", b(l)),
            Ast::Flatten(l) => format!("{EXPR}::Flatten({})", b(l)),
            Ast::Projection(l, r) => format!("{EXPR}::Projection({}, {})", b(l), b(r)),
            Ast::ValueProjection(l, r) => {
                format!("{EXPR}::ValueProjection({}, {})", b(l), b(r))
            }
            Ast::Filter(l, c, r) => format!("{EXPR}::Filter({}, {}, {})", b(l), b(c), b(r)),
            Ast::Compare(op, l, r) => format!(
                "{EXPR}::Compare(::stratus_core::jmespath::Comparator::{op:?}, {}, {})",
                b(l),
                b(r)
            ),
            Ast::Or(l, r) => format!("{EXPR}::Or({}, {})", b(l), b(r)),
            Ast::And(l, r) => format!("{EXPR}::And({}, {})", b(l), b(r)),
            Ast::Not(e) => format!("{EXPR}::Not({})", b(e)),
            Ast::Literal(l) => {
                let lit = "::stratus_core::jmespath::Literal";
                match l {
                    LiteralAst::Null => format!("{EXPR}::Literal({lit}::Null)"),
                    LiteralAst::Bool(v) => format!("{EXPR}::Literal({lit}::Bool({v}))"),
                    LiteralAst::Int(v) => format!("{EXPR}::Literal({lit}::Int({v}))"),
                    LiteralAst::Float(v) => format!("{EXPR}::Literal({lit}::Float({v:?}))"),
                    LiteralAst::Str(v) => format!("{EXPR}::Literal({lit}::Str({v:?}))"),
                }
            }
            Ast::Function(f, args) => {
                let args: Vec<String> = args.iter().map(Ast::to_rust).collect();
                format!(
                    "{EXPR}::Function(::stratus_core::jmespath::Function::{f:?}, &[{}])",
                    args.join(", ")
                )
            }
            Ast::Pipe(l, r) => format!("{EXPR}::Pipe({}, {})", b(l), b(r)),
        }
    }

    /// The same tree as `&'static` core data built at run time, leaking it
    /// (`Box::leak`): for tests and tools that evaluate model expressions
    /// without a build step. Build-time code should use [`Ast::to_rust`].
    pub fn leak(&self) -> &'static Expr {
        Box::leak(Box::new(self.to_expr()))
    }

    fn to_expr(&self) -> Expr {
        match self {
            Ast::Identity => Expr::Identity,
            Ast::Field(n) => Expr::Field(Box::leak(n.clone().into_boxed_str())),
            Ast::Sub(l, r) => Expr::Sub(l.leak(), r.leak()),
            Ast::Index(l, i) => Expr::Index(l.leak(), *i),
            Ast::Flatten(l) => Expr::Flatten(l.leak()),
            Ast::Projection(l, r) => Expr::Projection(l.leak(), r.leak()),
            Ast::ValueProjection(l, r) => Expr::ValueProjection(l.leak(), r.leak()),
            Ast::Filter(l, c, r) => Expr::Filter(l.leak(), c.leak(), r.leak()),
            Ast::Compare(op, l, r) => Expr::Compare(*op, l.leak(), r.leak()),
            Ast::Or(l, r) => Expr::Or(l.leak(), r.leak()),
            Ast::And(l, r) => Expr::And(l.leak(), r.leak()),
            Ast::Not(e) => Expr::Not(e.leak()),
            Ast::Literal(l) => Expr::Literal(match l {
                LiteralAst::Null => Literal::Null,
                LiteralAst::Bool(v) => Literal::Bool(*v),
                LiteralAst::Int(v) => Literal::Int(*v),
                LiteralAst::Float(v) => Literal::Float(*v),
                LiteralAst::Str(s) => Literal::Str(Box::leak(s.clone().into_boxed_str())),
            }),
            Ast::Function(f, args) => Expr::Function(
                *f,
                Box::leak(
                    args.iter()
                        .map(Ast::to_expr)
                        .collect::<Vec<_>>()
                        .into_boxed_slice(),
                ),
            ),
            Ast::Pipe(l, r) => Expr::Pipe(l.leak(), r.leak()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Literal(LiteralAst),
    Number(i64),
    Dot,
    Star,
    Flatten,
    Filter,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Colon,
    At,
    Ampersand,
    Pipe,
    Or,
    And,
    Not,
    Cmp(Comparator),
    Eof,
}

impl Tok {
    /// The reference implementation's binding powers.
    fn binding_power(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Cmp(_) => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }

    fn text(&self) -> String {
        match self {
            Tok::Ident(s) => s.clone(),
            Tok::Quoted(s) => format!("{s:?}"),
            Tok::Literal(l) => format!("{l:?}"),
            Tok::Number(n) => n.to_string(),
            Tok::Cmp(c) => format!("{c:?}"),
            Tok::Eof => "end of expression".to_string(),
            other => match other {
                Tok::Dot => ".",
                Tok::Star => "*",
                Tok::Flatten => "[]",
                Tok::Filter => "[?",
                Tok::LBracket => "[",
                Tok::RBracket => "]",
                Tok::LBrace => "{",
                Tok::RBrace => "}",
                Tok::LParen => "(",
                Tok::RParen => ")",
                Tok::Comma => ",",
                Tok::Colon => ":",
                Tok::At => "@",
                Tok::Ampersand => "&",
                Tok::Pipe => "|",
                Tok::Or => "||",
                Tok::And => "&&",
                _ => "!",
            }
            .to_string(),
        }
    }
}

/// The body of a quoted token starting at `start` (after the opening `quote`),
/// with `\quote` kept as is; returns it and the offset after the closing quote.
fn delimited(s: &str, start: usize, quote: char) -> Result<(&str, usize), CompileErrorKind> {
    let mut escaped = false;
    for (i, c) in s[start..].char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return Ok((&s[start..start + i], start + i + 1));
        }
    }
    Err(CompileErrorKind::Unterminated)
}

fn json_literal(v: serde_json::Value, text: &str) -> Result<LiteralAst, CompileErrorKind> {
    Ok(match v {
        serde_json::Value::Null => LiteralAst::Null,
        serde_json::Value::Bool(b) => LiteralAst::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => LiteralAst::Int(i),
            None => LiteralAst::Float(
                n.as_f64()
                    .ok_or_else(|| CompileErrorKind::BadNumber(text.to_string()))?,
            ),
        },
        serde_json::Value::String(s) => LiteralAst::Str(s),
        serde_json::Value::Array(_) => return Err(CompileErrorKind::Unsupported("array literal")),
        serde_json::Value::Object(_) => {
            return Err(CompileErrorKind::Unsupported("object literal"));
        }
    })
}

fn lex(s: &str) -> Result<Vec<Tok>, CompileErrorKind> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let (tok, len) = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let end = b[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                    .map_or(b.len(), |n| i + n);
                out.push(Tok::Ident(s[i..end].to_string()));
                i = end;
                continue;
            }
            b'-' | b'0'..=b'9' => {
                let digits = b[i + 1..]
                    .iter()
                    .position(|c| !c.is_ascii_digit())
                    .map_or(b.len(), |n| i + 1 + n);
                let text = &s[i..digits];
                if text == "-" {
                    return Err(CompileErrorKind::UnexpectedChar(i));
                }
                let n = text
                    .parse()
                    .map_err(|_| CompileErrorKind::BadNumber(text.to_string()))?;
                out.push(Tok::Number(n));
                i = digits;
                continue;
            }
            b'"' => {
                let (body, end) = delimited(s, i + 1, '"')?;
                let text = format!("\"{body}\"");
                let name: String = serde_json::from_str(&text)
                    .map_err(|_| CompileErrorKind::BadLiteral(text.clone()))?;
                out.push(Tok::Quoted(name));
                i = end;
                continue;
            }
            b'\'' => {
                let (body, end) = delimited(s, i + 1, '\'')?;
                out.push(Tok::Literal(LiteralAst::Str(body.replace("\\'", "'"))));
                i = end;
                continue;
            }
            b'`' => {
                let (body, end) = delimited(s, i + 1, '`')?;
                let text = body.replace("\\`", "`");
                let v: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|_| CompileErrorKind::BadLiteral(text.clone()))?;
                out.push(Tok::Literal(json_literal(v, &text)?));
                i = end;
                continue;
            }
            b'.' => (Tok::Dot, 1),
            b'*' => (Tok::Star, 1),
            b'[' if next == Some(b']') => (Tok::Flatten, 2),
            b'[' if next == Some(b'?') => (Tok::Filter, 2),
            b'[' => (Tok::LBracket, 1),
            b']' => (Tok::RBracket, 1),
            b'{' => (Tok::LBrace, 1),
            b'}' => (Tok::RBrace, 1),
            b'(' => (Tok::LParen, 1),
            b')' => (Tok::RParen, 1),
            b',' => (Tok::Comma, 1),
            b':' => (Tok::Colon, 1),
            b'@' => (Tok::At, 1),
            b'|' if next == Some(b'|') => (Tok::Or, 2),
            b'|' => (Tok::Pipe, 1),
            b'&' if next == Some(b'&') => (Tok::And, 2),
            b'&' => (Tok::Ampersand, 1),
            b'!' if next == Some(b'=') => (Tok::Cmp(Comparator::Ne), 2),
            b'!' => (Tok::Not, 1),
            b'=' if next == Some(b'=') => (Tok::Cmp(Comparator::Eq), 2),
            b'<' if next == Some(b'=') => (Tok::Cmp(Comparator::Le), 2),
            b'<' => (Tok::Cmp(Comparator::Lt), 1),
            b'>' if next == Some(b'=') => (Tok::Cmp(Comparator::Ge), 2),
            b'>' => (Tok::Cmp(Comparator::Gt), 1),
            _ => return Err(CompileErrorKind::UnexpectedChar(i)),
        };
        out.push(tok);
        i += len;
    }
    out.push(Tok::Eof);
    Ok(out)
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

type PResult = Result<Ast, CompileErrorKind>;

/// Below this binding power a projection's right side ends.
const PROJECTION_STOP: u8 = 10;

fn boxed(a: Ast) -> Box<Ast> {
    Box::new(a)
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.pos).unwrap_or(&Tok::Eof)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        self.tokens.get(self.pos + n).unwrap_or(&Tok::Eof)
    }

    fn advance(&mut self) -> Tok {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }

    fn unexpected(t: &Tok) -> CompileErrorKind {
        match t {
            Tok::Eof => CompileErrorKind::UnexpectedEnd,
            t => CompileErrorKind::UnexpectedToken(t.text()),
        }
    }

    fn expect(&mut self, want: &Tok) -> Result<(), CompileErrorKind> {
        let t = self.advance();
        if &t == want {
            Ok(())
        } else {
            Err(Self::unexpected(&t))
        }
    }

    fn expression(&mut self, bp: u8) -> PResult {
        let t = self.advance();
        let mut left = self.nud(t)?;
        while bp < self.peek().binding_power() {
            let t = self.advance();
            left = self.led(t, left)?;
        }
        Ok(left)
    }

    fn nud(&mut self, t: Tok) -> PResult {
        match t {
            Tok::Literal(l) => Ok(Ast::Literal(l)),
            Tok::Ident(name) => Ok(Ast::Field(name)),
            Tok::Quoted(name) => {
                if *self.peek() == Tok::LParen {
                    return Err(CompileErrorKind::UnexpectedToken("(".to_string()));
                }
                Ok(Ast::Field(name))
            }
            Tok::Star => {
                let right = if *self.peek() == Tok::RBracket {
                    Ast::Identity
                } else {
                    self.projection_rhs(Tok::Star.binding_power())?
                };
                Ok(Ast::ValueProjection(boxed(Ast::Identity), boxed(right)))
            }
            Tok::Filter => self.filter(Ast::Identity),
            Tok::LBrace => Err(CompileErrorKind::Unsupported("multi-select hash")),
            Tok::LParen => {
                let e = self.expression(0)?;
                self.expect(&Tok::RParen)?;
                Ok(e)
            }
            Tok::Flatten => {
                let right = self.projection_rhs(Tok::Flatten.binding_power())?;
                Ok(Ast::Projection(
                    boxed(Ast::Flatten(boxed(Ast::Identity))),
                    boxed(right),
                ))
            }
            Tok::Not => Ok(Ast::Not(boxed(self.expression(Tok::Not.binding_power())?))),
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index(Ast::Identity),
                Tok::Star if *self.peek_at(1) == Tok::RBracket => {
                    self.pos += 2;
                    let right = self.projection_rhs(Tok::Star.binding_power())?;
                    Ok(Ast::Projection(boxed(Ast::Identity), boxed(right)))
                }
                _ => Err(CompileErrorKind::Unsupported("multi-select list")),
            },
            Tok::At => Ok(Ast::Identity),
            Tok::Ampersand => Err(CompileErrorKind::Unsupported("expression reference")),
            other => Err(Self::unexpected(&other)),
        }
    }

    fn led(&mut self, t: Tok, left: Ast) -> PResult {
        match t {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    self.advance();
                    let right = self.projection_rhs(Tok::Dot.binding_power())?;
                    return Ok(Ast::ValueProjection(boxed(left), boxed(right)));
                }
                let right = self.dot_rhs(Tok::Dot.binding_power())?;
                Ok(Ast::Sub(boxed(left), boxed(right)))
            }
            Tok::Pipe => Ok(Ast::Pipe(
                boxed(left),
                boxed(self.expression(Tok::Pipe.binding_power())?),
            )),
            Tok::Or => Ok(Ast::Or(
                boxed(left),
                boxed(self.expression(Tok::Or.binding_power())?),
            )),
            Tok::And => Ok(Ast::And(
                boxed(left),
                boxed(self.expression(Tok::And.binding_power())?),
            )),
            Tok::LParen => {
                let Ast::Field(name) = left else {
                    return Err(CompileErrorKind::UnexpectedToken("(".to_string()));
                };
                let mut args = Vec::new();
                while *self.peek() != Tok::RParen {
                    args.push(self.expression(0)?);
                    if *self.peek() == Tok::Comma {
                        self.advance();
                    }
                }
                self.expect(&Tok::RParen)?;
                let (func, arity) = match name.as_str() {
                    "length" => (Function::Length, 1),
                    "contains" => (Function::Contains, 2),
                    _ => {
                        return Err(CompileErrorKind::BadFunction(format!(
                            "function {name}() is not supported"
                        )));
                    }
                };
                if args.len() != arity {
                    return Err(CompileErrorKind::BadFunction(format!(
                        "{name}() takes {arity} argument(s), got {}",
                        args.len()
                    )));
                }
                Ok(Ast::Function(func, args))
            }
            Tok::Filter => self.filter(left),
            Tok::Cmp(op) => Ok(Ast::Compare(
                op,
                boxed(left),
                boxed(self.expression(Tok::Cmp(op).binding_power())?),
            )),
            Tok::Flatten => {
                let right = self.projection_rhs(Tok::Flatten.binding_power())?;
                Ok(Ast::Projection(
                    boxed(Ast::Flatten(boxed(left))),
                    boxed(right),
                ))
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index(left),
                _ => {
                    self.expect(&Tok::Star)?;
                    self.expect(&Tok::RBracket)?;
                    let right = self.projection_rhs(Tok::Star.binding_power())?;
                    Ok(Ast::Projection(boxed(left), boxed(right)))
                }
            },
            other => Err(Self::unexpected(&other)),
        }
    }

    /// After `[` with a number or colon next: an index (slices are refused).
    fn index(&mut self, left: Ast) -> PResult {
        match (self.peek().clone(), self.peek_at(1).clone()) {
            (Tok::Number(n), Tok::RBracket) => {
                self.pos += 2;
                Ok(Ast::Index(boxed(left), n))
            }
            _ => Err(CompileErrorKind::Unsupported("slice")),
        }
    }

    fn filter(&mut self, left: Ast) -> PResult {
        let cond = self.expression(0)?;
        self.expect(&Tok::RBracket)?;
        let right = if *self.peek() == Tok::Flatten {
            Ast::Identity
        } else {
            self.projection_rhs(Tok::Filter.binding_power())?
        };
        Ok(Ast::Filter(boxed(left), boxed(cond), boxed(right)))
    }

    fn projection_rhs(&mut self, bp: u8) -> PResult {
        let t = self.peek().clone();
        if t.binding_power() < PROJECTION_STOP {
            return Ok(Ast::Identity);
        }
        match t {
            Tok::LBracket | Tok::Filter => self.expression(bp),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(bp)
            }
            other => Err(Self::unexpected(&other)),
        }
    }

    fn dot_rhs(&mut self, bp: u8) -> PResult {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Star => self.expression(bp),
            Tok::LBracket => Err(CompileErrorKind::Unsupported("multi-select list")),
            Tok::LBrace => Err(CompileErrorKind::Unsupported("multi-select hash")),
            other => Err(Self::unexpected(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_match_the_reference_parser() {
        // Trees as `jmespath.compile(e).parsed` prints them (Python jmespath 1.1.0).
        let f = |s: &str| boxed(Ast::Field(s.into()));
        assert_eq!(
            parse("Reservations[].Instances[].State.Name").unwrap(),
            Ast::Projection(
                boxed(Ast::Flatten(boxed(Ast::Projection(
                    boxed(Ast::Flatten(f("Reservations"))),
                    f("Instances")
                )))),
                boxed(Ast::Sub(f("State"), f("Name")))
            )
        );
        assert_eq!(
            parse("VerificationAttributes.*.VerificationStatus").unwrap(),
            Ast::ValueProjection(f("VerificationAttributes"), f("VerificationStatus"))
        );
        assert_eq!(
            parse("length(services[?!(length(deployments) == `1`)]) == `0`").unwrap(),
            Ast::Compare(
                Comparator::Eq,
                boxed(Ast::Function(
                    Function::Length,
                    vec![Ast::Filter(
                        f("services"),
                        boxed(Ast::Not(boxed(Ast::Compare(
                            Comparator::Eq,
                            boxed(Ast::Function(
                                Function::Length,
                                vec![Ast::Field("deployments".into())]
                            )),
                            boxed(Ast::Literal(LiteralAst::Int(1)))
                        )))),
                        boxed(Ast::Identity)
                    )]
                )),
                boxed(Ast::Literal(LiteralAst::Int(0)))
            )
        );
    }

    #[test]
    fn refusals_name_the_expression() {
        for (expr, kind) in [
            ("a[1:2]", CompileErrorKind::Unsupported("slice")),
            (
                "a.[b, c]",
                CompileErrorKind::Unsupported("multi-select list"),
            ),
            (
                "sort_by(a, &b)",
                CompileErrorKind::Unsupported("expression reference"),
            ),
            ("a.", CompileErrorKind::UnexpectedEnd),
            ("`[1]`", CompileErrorKind::Unsupported("array literal")),
            ("'abc", CompileErrorKind::Unterminated),
            ("a ^ b", CompileErrorKind::UnexpectedChar(2)),
            (
                "abs(a)",
                CompileErrorKind::BadFunction("function abs() is not supported".into()),
            ),
        ] {
            let err = parse(expr).unwrap_err();
            assert_eq!((err.expression.as_str(), &err.kind), (expr, &kind));
        }
    }
}
