//! The crate's own JSON (`kcp_wasm::json`) against serde_json (with `preserve_order`, the
//! configuration the crate used before): the same texts accepted and refused, the same values
//! read (keys in the same order), the same bytes written.
//!
//! The corpus: every JSON file under tests/fixtures, every string literal of the crate's sources
//! and tests that looks like JSON (KCP's replies in the unit and integration tests), each of
//! their prefixes, and hostile texts (nesting, huge numbers, escapes, surrogates, BOM,
//! whitespace, duplicate keys, large objects).

use std::fs;
use std::path::{Path, PathBuf};

#[path = "support/json_same.rs"]
mod json_same;

use json_same::same;
use kcp_wasm::json::{self, Number, Object, Value};
use proptest::prelude::*;

/// Parses `text` with both; panics with the text on any disagreement.
fn check(text: &str) {
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => {
            assert!(same(a, b), "different values for {:?}", clip(text));
            // And written back: the same bytes (numbers as read, which serde_json would
            // reformat, are compared by reading them back).
            let back: serde_json::Value = serde_json::from_str(&a.to_string()).unwrap();
            assert!(same(a, &back), "written differently: {:?}", clip(text));
        }
        (Err(_), Err(_)) => {}
        _ => panic!(
            "{} for {:?} (serde_json: {:?})",
            if ours.is_ok() { "accepted" } else { "refused" },
            clip(text),
            theirs.err()
        ),
    }
}

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("node_modules") {
                files(&path, ext, out);
            }
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The string literals of a Rust source that start like JSON: raw strings (`r#"…"#`) as they
/// are, plain strings without escapes but `\"`.
fn json_literals(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find("r#\"") {
        rest = &rest[i + 3..];
        if let Some(end) = rest.find("\"#") {
            found.push(rest[..end].to_string());
            rest = &rest[end + 2..];
        }
    }
    for line in source.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("\"{") {
            let body = &rest[i + 1..];
            let mut end = None;
            let mut escaped = false;
            for (j, c) in body.char_indices() {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = Some(j);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            let Some(end) = end else { break };
            found.push(body[..end].replace("\\\"", "\""));
            rest = &body[end + 1..];
        }
    }
    found.retain(|s| s.trim_start().starts_with(['{', '[']));
    found
}

fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    let mut json_files = Vec::new();
    files(&root().join("tests/fixtures"), "json", &mut json_files);
    assert!(json_files.len() >= 8, "the fixtures are there");
    for path in json_files {
        texts.push(fs::read_to_string(path).unwrap());
    }
    let mut sources = Vec::new();
    files(&root().join("src"), "rs", &mut sources);
    files(&root().join("tests"), "rs", &mut sources);
    let before = texts.len();
    for path in sources {
        texts.extend(json_literals(&fs::read_to_string(path).unwrap()));
    }
    assert!(texts.len() - before > 100, "the reply literals are found");
    texts
}

fn hostile() -> Vec<String> {
    let mut t: Vec<String> = [
        "", " ", "\t\n\r ", "\u{feff}{}", "{}\u{feff}", "\u{a0}{}", "\u{2028}1", "\x0c{}", "\x0b{}",
        "{} ", " {}\n", "{}{}", "{},", "[1,]", "[,1]", "[1,,2]", "{\"a\":1,}", "{,}", "{\"a\"}",
        "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}", "{\"a\":1 \"b\":2}", "[1 2]", "//c\n{}",
        "/*c*/{}", "{}//", "#", "nul", "null", "nulll", "NULL", "True", "true", "false ", "[true,false,null]",
        // numbers
        "0", "-0", "00", "-00", "01", "-01", "0.0", "-0.0", "0.", ".0", "1.e1", "1e", "1e+", "1e-",
        "1E1", "1e+1", "1e-1", "+1", "--1", "-", "1.5e308", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308", "1.797693134862316e308",
        "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "179769313486231580000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "1e308", "1e309", "-1e309", "10e308", "0.1e309", "0.01e310", "1e400", "-1e400", "1e-400",
        "0e400", "0.0e99999999999", "1e99999999999", "1e-99999999999", "-1e99999999999",
        "0e-99999999999", "1e2147483647", "1e2147483648", "1e-2147483648", "1e-2147483649",
        "18446744073709551615", "18446744073709551616", "-9223372036854775808",
        "-9223372036854775809", "9007199254740991", "9007199254740992", "9007199254740993",
        "123456789012345678901234567890", "123456789012345678901234567890.5e-10",
        "18446744073709551615.5", "1844674407370955161.5", "18446744073709551616.0",
        "0.000000000000000000000000000000000000000000001", "5e-324", "2e-324", "3e-324",
        "2.2250738585072014e-308", "4.9406564584124654e-324", "1.2345678901234567e-310",
        "99.400363901854861e297", "1.0", "1.00", "100e-2",
        // strings and escapes
        "\"\"", "\"a\"", "\"\\\"\"", "\"\\\\\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\a\"",
        "\"\\x41\"", "\"\\u0041\"", "\"\\u00e9\\u00E9\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\u\"",
        "\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\"", "\"\\ud83d\"", "\"\\ude00\"",
        "\"\\ud83d\\u0041\"", "\"\\ud83d\\ud83d\"", "\"\\ud83dx\"", "\"\\ud83d\\n\"",
        "\"\\ud83d\\\"", "\"\\u0000\"", "\"\u{1}\"", "\"\u{1f}\"", "\"\u{7f}\"", "\"\t\"",
        "\"\n\"", "\"a", "\"\\", "\"é😀\"", "\"\u{fffd}\"", "\"\u{2028}\"",
        // duplicate keys
        "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":2,\"a\":3}", "{\"b\":{\"x\":1},\"a\":2,\"b\":[3]}",
        "{\"\":1,\"\":2}", "{\"a\":1,\"\\u0061\":2}",
        // nested values in a reply
        r#"{"res_cd":"0000","list":[{"a":1},{"b":[2,3]}],"o":{"p":{"q":null}}}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for depth in [1, 100, 126, 127, 128, 129, 1000] {
        t.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        t.push(format!("{}1{}", "[".repeat(depth), "]".repeat(depth)));
        t.push(format!("{}{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
        t.push(format!("{}0{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
        t.push(format!(
            "{}{{}}{}",
            "[{\"a\":".repeat(depth),
            "}]".repeat(depth)
        ));
    }
    // Large objects, with and without repeated keys (the sorted path of the reader).
    for (n, modulo) in [(33, 1000), (40, 7), (500, 500), (500, 13), (5000, 2)] {
        let fields: Vec<String> = (0..n)
            .map(|i| format!("\"k{}\":{i}", (i * 7919) % modulo))
            .collect();
        t.push(format!("{{{}}}", fields.join(",")));
    }
    t.push(format!("[{}]", vec!["1.5"; 10000].join(",")));
    t
}

#[test]
fn the_corpus_reads_alike() {
    for text in corpus() {
        check(&text);
        if text.len() < 2000 {
            for (i, _) in text.char_indices() {
                check(&text[..i]);
            }
        }
    }
}

#[test]
fn hostile_texts_read_alike() {
    for text in hostile() {
        check(&text);
        for ws in [" ", "\t", "\n", "\r", "\r\n", "\u{a0}", "\u{feff}", "\x0c"] {
            check(&format!("{ws}{text}"));
            check(&format!("{text}{ws}"));
        }
    }
}

#[test]
fn invalid_utf8_is_refused_before_json() {
    // The reader takes `&str`: bytes that are not UTF-8 never reach it. serde_json refuses them
    // in a string and outside one alike, and so does the conversion every caller makes.
    for bytes in [
        &b"\"\xff\""[..],
        b"{\"a\":\"\xc3\"}",
        b"\xef\xbb\xbf{}",
        b"[\"\xed\xa0\x80\"]",
    ] {
        let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
        let ours = std::str::from_utf8(bytes).ok().map(json::parse);
        assert!(
            theirs.is_err() && ours.as_ref().is_none_or(Result::is_err),
            "{bytes:?}"
        );
    }
}

#[test]
fn the_object_api() {
    let mut o = Object::new();
    assert!(o.insert("b", "1").is_none());
    o.insert("a", 2_u64);
    assert_eq!(o.insert("b", Value::Null), Some(Value::from("1")));
    assert_eq!(o.keys().collect::<Vec<_>>(), ["b", "a"]);
    assert_eq!(o["a"], 2);
    assert!(o["absent"].is_null());
    assert_eq!(o.to_string(), r#"{"b":null,"a":2}"#);
    assert_eq!(format!("{o:?}"), r#"{"b": Null, "a": Number(2)}"#);
    assert_eq!(o.remove("b"), Some(Value::Null));
    assert_eq!(o.len(), 1);
    let v = Value::Object(o.clone());
    assert_eq!(v.get("a").and_then(Value::as_u64), Some(2));
    assert_eq!(Number::from(-5_i64).as_i64(), Some(-5));
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"a":2}"#);
    let collected: Object = [("x", 1_u64), ("y", 2), ("x", 3)].into_iter().collect();
    assert_eq!(collected.to_string(), r#"{"x":3,"y":2}"#);
}

/// A random JSON value, as serde_json's (its numbers: integers, and floats as serde_json
/// writes them, so that both sides have the same text to write).
fn any_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value as S;
    let text = prop_oneof![
        "\\PC{0,12}",
        prop::collection::vec(0u32..0x80, 0..12)
            .prop_map(|v| v.into_iter().filter_map(char::from_u32).collect()),
        prop::collection::vec(any::<char>(), 0..8).prop_map(|v| v.into_iter().collect()),
    ];
    let leaf = prop_oneof![
        Just(S::Null),
        any::<bool>().prop_map(S::Bool),
        any::<u64>().prop_map(S::from),
        any::<i64>().prop_map(S::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(S::from),
        text.clone().prop_map(S::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(S::Array),
            prop::collection::vec((prop_oneof![text.clone(), "[ab]{1,2}"], inner), 0..40).prop_map(
                |entries| {
                    let mut map = serde_json::Map::new();
                    for (k, v) in entries {
                        map.insert(k, v);
                    }
                    S::Object(map)
                }
            ),
        ]
    })
}

/// The same value as ours: built by inserting the same entries (numbers from serde_json's text).
fn ours(v: &serde_json::Value) -> Value {
    use serde_json::Value as S;
    match v {
        S::Null => Value::Null,
        S::Bool(b) => Value::Bool(*b),
        S::Number(n) => json::parse(&n.to_string()).unwrap(),
        S::String(s) => Value::String(s.clone()),
        S::Array(a) => Value::Array(a.iter().map(ours).collect()),
        S::Object(m) => {
            let mut o = Object::new();
            for (k, v) in m {
                o.insert(k.clone(), ours(v));
            }
            Value::Object(o)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The writer writes serde_json's bytes; the reader reads them back as serde_json does.
    #[test]
    fn writes_serde_json_bytes(v in any_value()) {
        let mine = ours(&v);
        let text = serde_json::to_string(&v).unwrap();
        prop_assert_eq!(&mine.to_string(), &text);
        check(&text);
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        check(&pretty);
    }

    /// Request bodies: flat objects of strings, in insertion order, repeated keys included.
    #[test]
    fn writes_bodies_as_serde_json(entries in prop::collection::vec(("[a-c_]{1,3}", "\\PC{0,20}|[\\x00-\\x1f\"\\\\/]{0,5}"), 0..12)) {
        let mut theirs = serde_json::Map::new();
        let mut mine = Object::new();
        for (k, v) in &entries {
            theirs.insert(k.clone(), v.clone().into());
            mine.insert(k.clone(), v.clone());
        }
        prop_assert_eq!(Value::Object(mine).to_string(), serde_json::Value::Object(theirs).to_string());
    }

    /// Random texts of JSON's characters: accepted and refused alike.
    #[test]
    fn random_texts_read_alike(text in "[\\[\\]{}\",:0-9eE.+\\- tnrulasf\\\\]{0,40}") {
        check(&text);
    }

    /// Random numbers: accepted and refused alike, read alike.
    #[test]
    fn random_numbers_read_alike(text in "-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,30})?([eE][+-]?[0-9]{1,4})?") {
        check(&text);
    }
}
