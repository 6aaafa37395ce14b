//! A tolerant PEM reader for what real files and secret stores do to PEM text.
//!
//! Merchants paste keys into environment variables and dashboards, so the same PEM arrives with
//! CRLF line ends, a byte-order mark, blank lines around it, no final newline, every line break
//! removed (the `kcp_cert_info` form), or line breaks written as the two characters `\n`. All of
//! these decode to the same DER. The reader is strict where it matters: one block, matching
//! BEGIN/END labels, and base64 that decodes.

use base64::Engine as _;
use zeroize::Zeroizing;

/// Largest PEM (or bare base64) input accepted, in bytes. A 4096-bit encrypted key is about
/// 3.4 KiB and KCP's certificate 1.3 KiB; 64 KiB leaves room for long chains of headers.
pub(crate) const MAX_PEM_LEN: usize = 64 * 1024;

/// Base64 that accepts the body with or without `=` padding.
const B64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// What to say when a PEM has a BEGIN line and no END line. Most often only its first line
/// arrived: a multi-line value left unquoted in `.dev.vars` / `.env` keeps only that line.
pub(crate) const NO_END_LINE: &str = "the PEM has no END line: it is truncated, often to its \
     first line by an unquoted multi-line value in .dev.vars or .env; put the whole PEM in \
     double quotes there, or write it on one line with \\n for each line break";

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PemError {
    TooLarge,
    NoEndMarker,
    LabelMismatch,
    BadBase64,
    Empty,
}

/// One decoded PEM block.
pub(crate) struct PemBlock {
    /// The label between `BEGIN ` and the dashes, e.g. `ENCRYPTED PRIVATE KEY`.
    pub label: String,
    /// Whether RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info`) precede the body.
    pub legacy_encrypted: bool,
    /// The decoded body.
    pub der: Zeroizing<Vec<u8>>,
}

/// What a text input holds: a PEM block, or (no BEGIN marker) a bare base64 body.
pub(crate) enum Decoded {
    Pem(PemBlock),
    Bare(Zeroizing<Vec<u8>>),
}

/// Reads `input` as PEM, or as a bare base64 body when it has no `-----BEGIN` marker.
pub(crate) fn decode(input: &str) -> Result<Decoded, PemError> {
    if input.len() > MAX_PEM_LEN {
        return Err(PemError::TooLarge);
    }
    let text = normalize_line_breaks(input.trim_start_matches('\u{feff}'));
    let text = text.trim();
    let Some(begin) = text.find("-----BEGIN ") else {
        return decode_body(text).map(Decoded::Bare);
    };
    let after_begin = &text[begin + "-----BEGIN ".len()..];
    let label_end = after_begin.find("-----").ok_or(PemError::NoEndMarker)?;
    let label = after_begin[..label_end].trim().to_string();
    let rest = &after_begin[label_end + 5..];
    let end_marker = rest.find("-----END ").ok_or(PemError::NoEndMarker)?;
    let body = &rest[..end_marker];
    let after_end = &rest[end_marker + "-----END ".len()..];
    let end_label_len = after_end.find("-----").ok_or(PemError::NoEndMarker)?;
    if after_end[..end_label_len].trim() != label {
        return Err(PemError::LabelMismatch);
    }

    // RFC 1421 headers: `Name: value` lines before the body, ended by a blank line. In the
    // one-line form they cannot be told apart reliably, so look for the telltale names too.
    // Such a key is refused by the caller, so its body is not decoded at all.
    let legacy_encrypted = body.contains("Proc-Type:") || body.contains("DEK-Info:");
    if legacy_encrypted {
        return Ok(Decoded::Pem(PemBlock {
            label,
            legacy_encrypted,
            der: Zeroizing::new(Vec::new()),
        }));
    }
    let der = decode_body(body)?;
    Ok(Decoded::Pem(PemBlock {
        label,
        legacy_encrypted,
        der,
    }))
}

/// CRLF, lone CR and the escapes `\n` / `\r\n` (environment variables, JSON-escaped secrets)
/// all become `\n`, in one pass into one wiped buffer: the text may be an unencrypted key, and
/// a chain of `replace` calls would leave copies of it in freed memory.
fn normalize_line_breaks(text: &str) -> Zeroizing<String> {
    // The output is never longer than the input, so this buffer is never reallocated.
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    // Most inputs have neither: one byte scan and a copy. (Char by char, this function was
    // heavy enough per byte for V8 to promote it to TurboFan during the one call a key load
    // makes: CPU spent for nothing, issue 12.)
    if !text.bytes().any(|b| b == b'\\' || b == b'\r') {
        out.push_str(text);
        return out;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('n')) => {
                chars.next();
                out.push('\n');
            }
            ('\\', Some('r')) => {
                chars.next();
                let mut after = chars.clone();
                if (after.next(), after.next()) == (Some('\\'), Some('n')) {
                    chars.next();
                    chars.next();
                }
                out.push('\n');
            }
            ('\r', next) => {
                if next == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            (c, _) => out.push(c),
        }
    }
    out
}

/// Decodes a base64 body, ignoring all ASCII whitespace inside it.
fn decode_body(body: &str) -> Result<Zeroizing<Vec<u8>>, PemError> {
    let mut compact = Zeroizing::new(Vec::with_capacity(body.len()));
    compact.extend(body.bytes().filter(|b| !b.is_ascii_whitespace()));
    if compact.is_empty() {
        return Err(PemError::Empty);
    }
    B64.decode(&*compact)
        .map(Zeroizing::new)
        .map_err(|_| PemError::BadBase64)
}

/// Standard padded base64 on one line (`kcp_sign_data`, the body of `kcp_cert_info`).
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard padded base64 strictly (a signature handed back for verification).
pub(crate) fn base64_decode_strict(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN TEST-----\nAAEC\nAwQF\n-----END TEST-----\n";

    fn der(input: &str) -> Vec<u8> {
        match decode(input).unwrap() {
            Decoded::Pem(b) => b.der.to_vec(),
            Decoded::Bare(d) => d.to_vec(),
        }
    }

    #[test]
    fn tolerates_what_secret_stores_do() {
        let want = vec![0, 1, 2, 3, 4, 5];
        assert_eq!(der(PEM), want);
        assert_eq!(der(&PEM.replace('\n', "\r\n")), want);
        assert_eq!(der(&format!("\u{feff}{PEM}")), want);
        assert_eq!(der(&format!("\n\n  {}  \n", PEM.trim_end())), want);
        assert_eq!(der(&PEM.replace('\n', "")), want);
        assert_eq!(der(&PEM.replace('\n', "\\n")), want);
        assert_eq!(der(&PEM.replace('\n', "\\r\\n")), want);
        assert_eq!(der(&PEM.replace('\n', "\r")), want);
        assert_eq!(der("AAECAwQF"), want);
    }

    #[test]
    fn refuses_broken_pem() {
        assert_eq!(
            decode("-----BEGIN A-----AAEC").err(),
            Some(PemError::NoEndMarker)
        );
        assert_eq!(
            decode("-----BEGIN A-----AAEC-----END B-----").err(),
            Some(PemError::LabelMismatch)
        );
        assert_eq!(
            decode("-----BEGIN A-----!!!!-----END A-----").err(),
            Some(PemError::BadBase64)
        );
        assert_eq!(decode("   ").err(), Some(PemError::Empty));
        assert_eq!(
            decode(&"A".repeat(MAX_PEM_LEN + 1)).err(),
            Some(PemError::TooLarge)
        );
    }

    #[test]
    fn sees_legacy_headers() {
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAEC\n-----END RSA PRIVATE KEY-----";
        match decode(legacy).unwrap() {
            Decoded::Pem(b) => assert!(b.legacy_encrypted),
            Decoded::Bare(_) => panic!("expected PEM"),
        }
    }
}
