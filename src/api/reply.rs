//! What every KCP reply shares: a JSON object whose `res_cd` `0000` means success, any other
//! code a refusal carried verbatim, with integers JavaScript cannot hold exactly kept as strings.

use crate::error::{Error, Result};
use crate::json::{Object, Value};

/// Largest reply text read. KCP's replies are a few hundred bytes.
const MAX_RESPONSE_LEN: usize = 1024 * 1024;
/// JavaScript's `Number.MAX_SAFE_INTEGER`.
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The reply shape of every endpoint but trade registration: `res_cd` (`0000`), `res_msg`,
/// `res_en_msg`.
pub(crate) const RES_CD: ReplyShape = ReplyShape {
    code: &["res_cd"],
    message: &["res_msg"],
    en_message: Some("res_en_msg"),
    success: &["0000"],
};

/// Parses the JSON object and splits success (`res_cd` `0000`) from refusal.
pub(crate) fn parse_success(text: &str) -> Result<(Object, String)> {
    parse_success_with(text, &RES_CD).map(|(raw, _, message)| (raw, message))
}

/// Puts the integers of a JSON text that JavaScript cannot hold exactly (beyond ±(2^53 − 1)) in
/// quotes, so that they reach `raw` — in Rust and in JavaScript — as strings of their exact
/// digits instead of rounded floats. Strings and other numbers are left alone; text that is not
/// JSON stays not JSON.
///
/// ```text
/// {"a":9007199254740993,"b":"9007199254740993","c":1.5} -> {"a":"9007199254740993","b":"9007199254740993","c":1.5}
/// ```
fn quote_big_integers(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b != b'-' && !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        // A number token: -?digits(.digits)?([eE][+-]?digits)?
        let start = i;
        i += usize::from(b == b'-');
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &text[digits_start..i];
        let integer = i == bytes.len() || !matches!(bytes[i], b'.' | b'e' | b'E');
        while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-.eE".contains(&bytes[i])) {
            i += 1;
        }
        let unsafe_integer =
            integer && (digits.len() > 16 || (digits.len() == 16 && digits > "9007199254740991"));
        if unsafe_integer {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
            buf.push_str(&text[copied..start]);
            buf.push('"');
            buf.push_str(&text[start..i]);
            buf.push('"');
            copied = i;
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            std::borrow::Cow::Owned(buf)
        }
    }
}

/// A field as a string, whether KCP sent a string or a number.
pub(crate) fn string_field(raw: &Object, name: &str) -> Option<String> {
    match raw.get(name)? {
        Value::String(s) => Some(s.clone()),
        // As written: an integer's digits (a fraction or an exponent as KCP wrote it).
        Value::Number(n) => Some(n.as_str().to_string()),
        _ => None,
    }
}

/// A text field of a reply; empty (or blank) is absent. One body for the many fields read (code
/// size: not inlined at each).
#[inline(never)]
pub(crate) fn text_field(raw: &Object, name: &str) -> Option<String> {
    string_field(raw, name).filter(|v| !v.trim().is_empty())
}

/// An amount sent as a string of digits or a number; empty or absent is `None`.
pub(crate) fn amount_field(raw: &Object, name: &'static str) -> Result<Option<u64>> {
    let bad = || Error::ResponseMalformed("an amount in the reply is not a whole number");
    match raw.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => amount_digits(s).ok_or_else(bad),
        // Beyond 2^53 − 1 an amount could not reach JavaScript exactly: no real amount is that big.
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|n| *n <= MAX_SAFE_INTEGER)
            .map(Some)
            .ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

/// An amount KCP wrote as digits (some of its fields pad them with zeros), surrounding spaces
/// ignored: `Some(None)` when empty, `None` when it is not at most 15 digits (a whole number of
/// won, exact in JavaScript). The replies' and the notifications' reading of amounts.
pub(crate) fn amount_digits(text: &str) -> Option<Option<u64>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    if text.len() > 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().map(Some)
}

/// What [`parse_success_with`] needs to know of an endpoint's reply: the names of its result
/// code and message, and the codes that mean success.
pub(crate) struct ReplyShape {
    /// The result code's names, first found wins (`res_cd`; trade registration's `Code`).
    pub code: &'static [&'static str],
    /// The message's names, first found wins.
    pub message: &'static [&'static str],
    /// The English message's name, if the endpoint has one.
    pub en_message: Option<&'static str>,
    /// The codes that mean success.
    pub success: &'static [&'static str],
}

/// [`parse_success`] for any endpoint's reply shape: the JSON object (big integers quoted), its
/// success code and message; any other code is [`Error::KcpRejected`] carrying it verbatim.
pub(crate) fn parse_success_with(
    text: &str,
    shape: &ReplyShape,
) -> Result<(Object, String, String)> {
    if text.len() > MAX_RESPONSE_LEN {
        return Err(Error::ResponseMalformed("the reply is larger than 1 MiB"));
    }
    let text = quote_big_integers(text.trim_start_matches('\u{feff}'));
    let value =
        crate::json::parse(&text).map_err(|_| Error::ResponseMalformed("the reply is not JSON"))?;
    let Value::Object(raw) = value else {
        return Err(Error::ResponseMalformed("the reply is not a JSON object"));
    };
    let first = |names: &[&str]| names.iter().find_map(|n| string_field(&raw, n));
    let Some(code) = first(shape.code) else {
        return Err(Error::ResponseMalformed(if shape.code == ["res_cd"] {
            "the reply has no res_cd"
        } else {
            "the reply has no result code"
        }));
    };
    let message = first(shape.message).unwrap_or_default();
    if !shape.success.contains(&code.as_str()) {
        return Err(Error::KcpRejected {
            res_cd: code,
            res_msg: message,
            res_en_msg: shape.en_message.and_then(|n| string_field(&raw, n)),
            raw: Box::new(raw),
        });
    }
    Ok((raw, code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_numbers_as_written() {
        let (raw, _) = parse_success(
            r#"{"res_cd":"0000","n":12,"neg":-7,"f":1.50,"e":1e3,"big":12345678901234567890,"s":" x "}"#,
        )
        .unwrap();
        let field = |name| string_field(&raw, name);
        assert_eq!(field("n").as_deref(), Some("12"));
        assert_eq!(field("neg").as_deref(), Some("-7"));
        // A fraction or an exponent as KCP wrote it (serde_json wrote its own float: "1.5",
        // "1000.0").
        assert_eq!(field("f").as_deref(), Some("1.50"));
        assert_eq!(field("e").as_deref(), Some("1e3"));
        // Quoted before reading: a string of the digits.
        assert_eq!(raw["big"], "12345678901234567890");
        assert_eq!(text_field(&raw, "s").as_deref(), Some(" x "));
        assert_eq!(amount_field(&raw, "n"), Ok(Some(12)));
        assert!(amount_field(&raw, "f").is_err());
        assert!(amount_field(&raw, "e").is_err());
        assert!(amount_field(&raw, "neg").is_err());
    }
}
