//! The crate's own JSON: a strict reader for KCP's replies and a writer for request bodies.
//!
//! KCP's replies are flat JSON objects of strings and numbers; the requests are flat objects of
//! strings whose keys must keep the order they were written in. That is all the crate needs of
//! JSON, so instead of a general serialization framework it has this module: a [`Value`] tree
//! whose objects ([`Object`]) keep their keys in order and whose numbers ([`Number`]) keep the
//! text they were written with.
//!
//! The reader is RFC 8259 and exactly as strict as `serde_json` (which the crate used before and
//! which its tests compare this module with): no comments, no trailing commas, no leading zeros,
//! no lone surrogates in `\u` escapes, no control characters in strings, at most 127 nested
//! arrays and objects, and no number too large for an `f64` (`1e400` is refused, as
//! `serde_json` refuses it). A key written twice keeps its first place and takes its last value.
//!
//! ```
//! use kcp_wasm::json::Value;
//!
//! let reply: Value = r#"{"res_cd":"0000","amount":1000,"list":[1,"two",null]}"#.parse()?;
//! assert_eq!(reply["res_cd"], "0000");
//! assert_eq!(reply["amount"].as_u64(), Some(1000));
//! assert_eq!(reply["list"][1], "two");
//! assert!(reply["absent"].is_null());
//! assert_eq!(reply.to_string(), r#"{"res_cd":"0000","amount":1000,"list":[1,"two",null]}"#);
//! # Ok::<(), kcp_wasm::json::ParseError>(())
//! ```

use std::fmt;

/// A JSON value.
///
/// `Index` by a key (`value["name"]`) or a position (`value[0]`) never panics: what is absent is
/// [`Value::Null`]. Compare with strings and integers directly (`value == "0000"`,
/// `value == 1000`). Its `Display` (and so `to_string()`) is compact JSON.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as it was written.
    Number(Number),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, its keys in order.
    Object(Object),
}

/// A JSON number, kept as the text it was written with (`1000`, `-1.5e3`): no precision is lost
/// reading it and none is invented writing it.
///
/// Two numbers are equal when their texts are (`1.0` is not `1`). Made only by the reader and
/// from integers, so its text is always a valid JSON number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(String);

/// A JSON object: its entries in the order they were first written.
///
/// Lookup is a linear search, which for the few dozen fields of a KCP reply is as fast as any
/// map. Equality is entry by entry, in order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

/// The text given to the reader is not JSON (or nests deeper than 127, or holds a number too
/// large for an `f64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError;

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not JSON")
    }
}

impl std::error::Error for ParseError {}

/// Reads a JSON text (any value, surrounded by optional whitespace).
///
/// ```
/// assert!(kcp_wasm::json::parse("[1, 2]").is_ok());
/// assert!(kcp_wasm::json::parse("[1, 2,]").is_err());
/// ```
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    p.whitespace();
    let value = p.value()?;
    p.whitespace();
    if p.pos == text.len() {
        Ok(value)
    } else {
        Err(ParseError)
    }
}

impl std::str::FromStr for Value {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, ParseError> {
        parse(text)
    }
}

// ---------------------------------------------------------------------------------------------
// Value

static NULL: Value = Value::Null;

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    /// The number as a `u64` (see [`Number::as_u64`]).
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }
    /// The number as an `i64` (see [`Number::as_i64`]).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }
    /// The number as an `f64` (see [`Number::as_f64`]).
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.as_f64()
    }
    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    /// An object's value for `key`; `None` when absent or when this is not an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }
    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// Whether this is `true` or `false`.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }
    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }
    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// The compact JSON text of this value (what `to_string()` gives), written into `out`:
    /// strings escape `"`, `\` and the control characters (`\b \f \n \r \t`, others `\u00xx`),
    /// nothing else; numbers are written as they were read.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_to(out);
                }
                out.push(']');
            }
            Value::Object(object) => object.write_to(out),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_to(&mut out);
        f.write_str(&out)
    }
}

impl fmt::Debug for Value {
    /// As serde_json's: `Null`, `Bool(true)`, `Number(1.5)`, `String("x")`, `Array [..]`,
    /// `Object {..}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => f.debug_tuple("Bool").field(b).finish(),
            Value::Number(n) => fmt::Debug::fmt(n, f),
            Value::String(s) => f.debug_tuple("String").field(s).finish(),
            Value::Array(items) => {
                f.write_str("Array ")?;
                f.debug_list().entries(items).finish()
            }
            Value::Object(o) => {
                f.write_str("Object ")?;
                fmt::Debug::fmt(o, f)
            }
        }
    }
}

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// An object's value for the key, [`Value::Null`] when absent or not an object.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;
    /// An array's item, [`Value::Null`] when absent or not an array.
    fn index(&self, i: usize) -> &Value {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}
impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}
impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}
impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}
/// Integers compare by value (`1000` equals `1000_u64`, not `1000.0`); `f64` by
/// [`Number::as_f64`].
macro_rules! eq_number {
    ($($t:ty => $as:ident: $wide:ty),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.$as().is_some_and(|n: $wide| n == <$wide>::from(*other))
            }
        }
    )*};
}
eq_number!(u8 => as_u64: u64, u16 => as_u64: u64, u32 => as_u64: u64, u64 => as_u64: u64,
    i8 => as_i64: i64, i16 => as_i64: i64, i32 => as_i64: i64, i64 => as_i64: i64,
    f64 => as_f64: f64);

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}
impl From<Object> for Value {
    fn from(o: Object) -> Self {
        Value::Object(o)
    }
}
impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::Array(items)
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(n.into())
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n.into())
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::Array(items) => s.collect_seq(items),
            Value::Object(o) => o.serialize(s),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Number

impl Number {
    /// The number's text, as written (`"1000"`, `"-1.5e3"`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the text is an integer: no fraction, no exponent.
    pub fn is_integer(&self) -> bool {
        !self.0.contains(['.', 'e', 'E'])
    }

    /// The value, when the text is an integer (no fraction or exponent) from 0 to `u64::MAX`.
    pub fn as_u64(&self) -> Option<u64> {
        if self.0.starts_with('-') || !self.is_integer() {
            return None;
        }
        self.0.parse().ok()
    }

    /// The value, when the text is an integer (no fraction or exponent) that fits an `i64`;
    /// `-0` is not one (it is the float −0.0).
    pub fn as_i64(&self) -> Option<i64> {
        if !self.is_integer() || self.0 == "-0" {
            return None;
        }
        self.0.parse().ok()
    }

    /// The value as the nearest `f64`: Rust's own, correctly rounded reading of the text (which
    /// for a long fraction or a large exponent can be an ulp from serde_json's). Always `Some`.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }

    /// serde_json's reading of the number (without its `float_roundtrip` feature): the number
    /// the crate's JavaScript layer has always handed out in `raw`, kept exactly. `pow10(n)`
    /// must be the correctly rounded `f64` nearest 10^n (0 ≤ n ≤ 308): in JavaScript
    /// `Number("1e" + n)`, which costs the module no table. `Err` is the text itself: an integer
    /// beyond ±(2^53 − 1), which serde_json kept whole and the JavaScript layer as a string.
    // The JavaScript facade's (and the tests').
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn js_value(&self, pow10: impl Fn(u32) -> f64) -> Result<f64, &str> {
        const MAX_SAFE: u64 = (1 << 53) - 1;
        let (positive, kind) = serde_parts(&self.0).ok_or(self.0.as_str())?;
        match kind {
            Parts::Integer(n) if n <= MAX_SAFE => Ok(if positive { n as f64 } else { -(n as f64) }),
            Parts::Integer(_) => Err(&self.0),
            Parts::Float {
                significand,
                mut exponent,
            } => {
                let mut f = significand as f64;
                loop {
                    let abs = exponent.unsigned_abs();
                    if abs <= 308 {
                        if exponent >= 0 {
                            f *= pow10(abs);
                        } else {
                            f /= pow10(abs);
                        }
                        break;
                    }
                    if f == 0.0 || exponent >= 0 {
                        // (`exponent >= 0` with `f != 0` was refused by the reader.)
                        break;
                    }
                    f /= 1e308;
                    exponent += 308;
                }
                Ok(if positive { f } else { -f })
            }
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.0)
    }
}

macro_rules! number_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Self {
                Number(n.to_string())
            }
        }
    )*};
}
number_from!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl serde::Serialize for Number {
    /// As an integer when the text is one that fits `u64` or `i64`, else as an `f64`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(n) = self.as_u64() {
            s.serialize_u64(n)
        } else if let Some(n) = self.as_i64() {
            s.serialize_i64(n)
        } else {
            s.serialize_f64(self.as_f64().unwrap_or(0.0))
        }
    }
}

/// How serde_json read a number's text: an integer (sign apart) it kept whole, or the decimal
/// parts it computed an `f64` from.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
enum Parts {
    /// No fraction or exponent, and in `u64` (positive) or `i64` (negative, not `-0`).
    Integer(u64),
    /// `significand × 10^exponent`: the first digits that fit a `u64`, the rest only counted.
    Float { significand: u64, exponent: i32 },
}

/// serde_json's `overflow!`: whether `a * 10 + b` exceeds `max`.
fn overflows<T: Copy + Into<u64>>(a: T, b: T, max: T) -> bool {
    let (a, b, max) = (a.into(), b.into(), max.into());
    a >= max / 10 && (a > max / 10 || b > max % 10)
}

/// Splits a valid JSON number the way serde_json's reader does, digit for digit; `None` for a
/// number serde_json refuses as out of range (`1e400`, `1e99999999999`).
fn serde_parts(text: &str) -> Option<(bool, Parts)> {
    let b = text.as_bytes();
    let positive = b[0] != b'-';
    let mut i = usize::from(!positive);
    let digit = |i: usize| {
        b.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u64::from(c - b'0'))
    };
    let mut significand: u64 = 0;
    let mut exponent: i32 = 0;
    // Integer part: digits while the significand fits, then only counted.
    while let Some(d) = digit(i) {
        if overflows(significand, d, u64::MAX) {
            while digit(i).is_some() {
                i += 1;
                exponent = exponent.saturating_add(1);
            }
            break;
        }
        significand = significand * 10 + d;
        i += 1;
    }
    let integer = i == b.len();
    if integer && exponent == 0 {
        if positive {
            return Some((true, Parts::Integer(significand)));
        }
        // As serde_json: a negative integer is an i64 unless it is -0 or below i64::MIN.
        if (significand as i64).wrapping_neg() < 0 {
            return Some((false, Parts::Integer(significand)));
        }
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(d) = digit(i) {
            i += 1;
            if overflows(significand, d, u64::MAX) {
                // Further digits are ignored.
                while digit(i).is_some() {
                    i += 1;
                }
                break;
            }
            significand = significand * 10 + d;
            exponent = exponent.saturating_sub(1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let positive_exp = b.get(i) != Some(&b'-');
        i += usize::from(matches!(b.get(i), Some(b'+' | b'-')));
        let mut exp: i32 = 0;
        while let Some(d) = digit(i) {
            i += 1;
            if overflows(exp as u32, d as u32, i32::MAX as u32) {
                if significand != 0 && positive_exp {
                    return None;
                }
                // serde_json's zero (or a value too small to matter).
                return Some((
                    positive,
                    Parts::Float {
                        significand: 0,
                        exponent: 0,
                    },
                ));
            }
            exp = exp * 10 + d as i32;
        }
        exponent = if positive_exp {
            exponent.saturating_add(exp)
        } else {
            exponent.saturating_sub(exp)
        };
    }
    // serde_json's out-of-range check: `significand as f64 * 10^exponent` is infinite. Below
    // 10^289 it cannot be (2^64 × 10^288 < f64::MAX).
    if exponent >= 289 && significand != 0 {
        let top = POW10_TOP.get(exponent as usize - 289)?;
        if (significand as f64 * top).is_infinite() {
            return None;
        }
    }
    Some((
        positive,
        Parts::Float {
            significand,
            exponent,
        },
    ))
}

/// 10^289 … 10^308, the powers of ten with which serde_json's reading of a number can overflow.
const POW10_TOP: [f64; 20] = [
    1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301,
    1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308,
];

// ---------------------------------------------------------------------------------------------
// Object

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }
    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// The value for `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
    /// Whether there is an entry for `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// Sets `key` to `value`. A new key goes last; a key already present keeps its place and
    /// its old value is returned.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        let (key, value) = (key.into(), value.into());
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }
    /// Removes `key`'s entry, keeping the others in order, and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }
    /// The entries, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }
    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
    /// The values, in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }
    /// This object's compact JSON text, written into `out` (see [`Value::write_to`]).
    pub fn write_to(&self, out: &mut String) {
        out.push('{');
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(k, out);
            out.push(':');
            v.write_to(out);
        }
        out.push('}');
    }
}

impl Object {
    /// The object of `entries` inserted in this order, as [`Object::insert`] would make it (a
    /// repeated key keeps its first place and takes its last value), in O(n log n) for a large
    /// one: a megabyte of distinct keys must not cost O(n²) key comparisons. `None` when
    /// `conflict(earlier, later)` holds for two successive values of one key.
    pub(crate) fn from_entries_unless(
        mut entries: Vec<(String, Value)>,
        conflict: impl Fn(&Value, &Value) -> bool,
    ) -> Option<Object> {
        let n = entries.len();
        if n <= 32 {
            let mut object = Object::new();
            for (key, value) in entries {
                match object.get_mut(&key) {
                    Some(slot) if conflict(slot, &value) => return None,
                    Some(slot) => *slot = value,
                    None => object.entries.push((key, value)),
                }
            }
            return Some(object);
        }
        // The positions ordered by (key, position): each key's positions are then a run.
        let mut order: Vec<usize> = (0..n).collect();
        heap_sort(&mut order, |a, b| (&entries[a].0, a) < (&entries[b].0, b));
        // source[i]: the position whose value the entry at i ends with; usize::MAX: dropped.
        let mut source: Vec<usize> = (0..n).collect();
        let mut run = 0;
        for i in 1..=n {
            if i == n || entries[order[i]].0 != entries[order[run]].0 {
                let positions = &order[run..i];
                if positions
                    .windows(2)
                    .any(|w| conflict(&entries[w[0]].1, &entries[w[1]].1))
                {
                    return None;
                }
                source[order[run]] = order[i - 1];
                for &later in &order[run + 1..i] {
                    source[later] = usize::MAX;
                }
                run = i;
            }
        }
        let mut values: Vec<Value> = entries
            .iter_mut()
            .map(|e| std::mem::take(&mut e.1))
            .collect();
        let mut object = Object::new();
        for (i, (key, _)) in entries.into_iter().enumerate() {
            if let Some(value) = values.get_mut(source[i]) {
                object.entries.push((key, std::mem::take(value)));
            }
        }
        Some(object)
    }
}

/// Sorts `v` by `less` in O(n log n) whatever its order (heapsort: little code).
fn heap_sort(v: &mut [usize], less: impl Fn(usize, usize) -> bool) {
    let sift = |v: &mut [usize], mut node: usize, end: usize| loop {
        let mut child = 2 * node + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(v[child], v[child + 1]) {
            child += 1;
        }
        if !less(v[node], v[child]) {
            break;
        }
        v.swap(node, child);
        node = child;
    };
    for i in (0..v.len() / 2).rev() {
        sift(v, i, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

impl fmt::Display for Object {
    /// Compact JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_to(&mut out);
        f.write_str(&out)
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Object {
    type Output = Value;
    /// The value for the key, [`Value::Null`] when absent.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// An [`Object`]'s entries in order: `(&key, &value)`.
#[derive(Clone, Debug)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Object {
    /// Inserts each entry in turn (a repeated key keeps its first place, its last value).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut object = Object::new();
        for (k, v) in iter {
            object.insert(k, v);
        }
        object
    }
}

impl serde::Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

// ---------------------------------------------------------------------------------------------
// Writer

/// `s` as a JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00xx`;
/// everything else (`/`, DEL, non-ASCII) as it is.
fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        start = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)].into());
            out.push(HEX[usize::from(b & 0xf)].into());
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

// ---------------------------------------------------------------------------------------------
// Reader

/// The deepest nesting of arrays and objects read (serde_json's limit).
const MAX_DEPTH: u32 = 127;

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.pos += usize::from(hit);
        hit
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(ParseError)
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek().ok_or(ParseError)? {
            b'n' => self.literal("null", Value::Null),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            b'[' => {
                self.enter()?;
                let mut items = Vec::new();
                self.whitespace();
                if !self.eat(b']') {
                    loop {
                        self.whitespace();
                        items.push(self.value()?);
                        self.whitespace();
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(ParseError);
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Array(items))
            }
            b'{' => {
                self.enter()?;
                let mut entries = Vec::new();
                self.whitespace();
                if !self.eat(b'}') {
                    loop {
                        self.whitespace();
                        if self.peek() != Some(b'"') {
                            return Err(ParseError);
                        }
                        let key = self.string()?;
                        self.whitespace();
                        if !self.eat(b':') {
                            return Err(ParseError);
                        }
                        self.whitespace();
                        entries.push((key, self.value()?));
                        self.whitespace();
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(ParseError);
                        }
                    }
                }
                self.depth -= 1;
                let object = Object::from_entries_unless(entries, |_, _| false);
                Ok(Value::Object(object.unwrap_or_default()))
            }
            _ => Err(ParseError),
        }
    }

    /// Consumes an opening bracket or brace, one level deeper.
    fn enter(&mut self) -> Result<(), ParseError> {
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError);
        }
        Ok(())
    }

    /// A number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, in `f64`'s range.
    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        self.eat(b'-');
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos - from
        };
        match digits(self) {
            0 => return Err(ParseError),
            n if n > 1 && self.text.as_bytes()[self.pos - n] == b'0' => return Err(ParseError),
            _ => {}
        }
        if self.eat(b'.') && digits(self) == 0 {
            return Err(ParseError);
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if digits(self) == 0 {
                return Err(ParseError);
            }
        }
        let text = &self.text[start..self.pos];
        serde_parts(text).ok_or(ParseError)?;
        Ok(Number(text.to_string()))
    }

    /// A string, the opening quote next.
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out = String::new();
        let mut start = self.pos;
        loop {
            let b = self.peek().ok_or(ParseError)?;
            match b {
                b'"' => {
                    out.push_str(&self.text[start..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[start..self.pos]);
                    self.pos += 1;
                    self.escape(&mut out)?;
                    start = self.pos;
                }
                0..=0x1f => return Err(ParseError),
                _ => self.pos += 1,
            }
        }
    }

    /// An escape, its backslash consumed.
    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let b = self.peek().ok_or(ParseError)?;
        self.pos += 1;
        out.push(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\x08',
            b'f' => '\x0c',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xd800..=0xdbff => {
                        // A leading surrogate: a trailing one must follow as `\uXXXX`.
                        if !(self.eat(b'\\') && self.eat(b'u')) {
                            return Err(ParseError);
                        }
                        let second = self.hex4()?;
                        if !(0xdc00..=0xdfff).contains(&second) {
                            return Err(ParseError);
                        }
                        0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
                    }
                    _ => first,
                };
                // A lone trailing surrogate is no char.
                char::from_u32(code).ok_or(ParseError)?
            }
            _ => return Err(ParseError),
        });
        Ok(())
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .text
            .as_bytes()
            .get(self.pos..self.pos + 4)
            .ok_or(ParseError)?;
        let mut n = 0;
        for &c in digits {
            n = n * 16 + char::from(c).to_digit(16).ok_or(ParseError)?;
        }
        self.pos += 4;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes() {
        let v = parse(
            r#" {"b":"x\"\\\/\b\f\n\r\t\u0001\u00e9\ud83d\ude00","a":[1,-2.5e3,true,null,{}]} "#,
        )
        .unwrap();
        assert_eq!(v["b"], "x\"\\/\u{8}\u{c}\n\r\t\u{1}é😀");
        assert_eq!(v["a"][1].as_number().unwrap().as_str(), "-2.5e3");
        assert_eq!(
            v.to_string(),
            r#"{"b":"x\"\\/\b\f\n\r\t\u0001é😀","a":[1,-2.5e3,true,null,{}]}"#
        );
        assert_eq!(
            v.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["b", "a"]
        );
    }

    #[test]
    fn duplicate_keys_keep_first_place_last_value() {
        let v = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(v.to_string(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for bad in [
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "[1 2]",
            "{1:2}",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"\u{1}\"",
            "nul",
            "1e400",
            "-1e400",
            "1e99999999999",
            "// c\n1",
            "\u{feff}1",
            "[1]x",
            "\"\\x\"",
            "\"\\u12\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        for good in [
            "0",
            "-0",
            "1e-400",
            "0e99999999999",
            "1e-99999999999",
            "\"\\u00E9\"",
        ] {
            assert!(parse(good).is_ok(), "{good:?}");
        }
    }

    /// What the JavaScript layer made of serde_json's number in `raw` (its `json_to_js`).
    fn js_before(n: &serde_json::Number) -> Result<f64, String> {
        const MAX_SAFE: u64 = (1 << 53) - 1;
        if let Some(u) = n.as_u64() {
            return if u <= MAX_SAFE {
                Ok(u as f64)
            } else {
                Err(n.to_string())
            };
        }
        if let Some(i) = n.as_i64() {
            return if i.unsigned_abs() <= MAX_SAFE {
                Ok(i as f64)
            } else {
                Err(n.to_string())
            };
        }
        let text = n.to_string();
        match n.as_f64() {
            Some(f) if f.is_finite() && text.contains(['.', 'e', 'E']) => Ok(f),
            _ => Err(text),
        }
    }

    /// [`Number::js_value`] with JavaScript's `Number("1e" + n)`: Rust's reading of the same
    /// text, correctly rounded as JavaScript's is.
    fn js_now(text: &str) -> Result<f64, String> {
        let Ok(Value::Number(n)) = parse(text) else {
            panic!("{text} is a number");
        };
        n.js_value(|p| format!("1e{p}").parse().unwrap())
            .map_err(str::to_string)
    }

    fn same_js_number(text: &str) {
        let theirs: serde_json::Number = serde_json::from_str(text).unwrap();
        let (before, now) = (js_before(&theirs), js_now(text));
        assert_eq!(
            before.as_ref().map(|f| f.to_bits()),
            now.as_ref().map(|f| f.to_bits()),
            "{text}: {before:?} then, {now:?} now"
        );
    }

    #[test]
    fn numbers_reach_javascript_as_before() {
        for text in [
            "0",
            "-0",
            "1",
            "-1",
            "9007199254740991",
            "-9007199254740991",
            "9007199254740992",
            "-9007199254740993",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "0.1",
            "1.5",
            "-2.5e3",
            "1e30",
            "1E-7",
            "1e-400",
            "-1e-400",
            "0e999999999999",
            "1e-99999999999",
            "5e-324",
            "2e-324",
            "4.9406564584124654e-324",
            "2.2250738585072014e-308",
            "1.7976931348623157e308",
            "99.400363901854861e297",
            "494.47179790361460777",
            "9007199254740993.0",
            "18446744073709551616.5",
            "1844674407370955161.5e-5",
            "0.000000000000000000000000000000001",
        ] {
            same_js_number(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        #[test]
        fn random_numbers_reach_javascript_as_before(
            text in "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?"
        ) {
            if serde_json::from_str::<serde_json::Number>(&text).is_ok() {
                same_js_number(&text);
            }
        }
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(parse(&deep).is_err());
    }
}
