//! The wasm-bindgen facade: JavaScript values in, the core's types through, JavaScript values
//! out. No logic of its own — every rule lives in the core. The contract with the JavaScript
//! layer in `pkg/` is `docs/wasm-facade.md`.
//!
//! Nothing here panics on bad input: every argument is read with checks and every failure
//! becomes a thrown `Error` with a stable `code`, so the instance stays usable after it.

use crate::api::{
    Cancel, Environment, Inquiry, InquiryResult, Merchant as CoreMerchant, ModType, Modify,
    ModifyResult, PayType, PreparedRequest, Refund, RefundAccount, Reply, TaxSplit, read_key,
};
use crate::json::{Object as JsonObject, Value};
use crate::{Certificate, Error, MerchantKey, ResultWarning};
use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

mod notification;
mod payments;

type JsResult<T> = std::result::Result<T, JsValue>;

/// Turns a core error into a JS `Error` with `name` `KcpError`, `code` and the error's data
/// (message, `field`, KCP's reply, `hint`): what the core knows, carried across. `kcpError` in
/// `pkg/src/errors.js` (through `toKcpError`) shapes it like every other error of the package.
fn to_js(err: Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    js.set_name("KcpError");
    let obj: &JsValue = js.as_ref();
    set(obj, "code", &err.code().into());
    if let Some(field) = err.field() {
        set(obj, "field", &field.into());
    }
    if let Error::KcpRejected {
        res_cd,
        res_msg,
        res_en_msg,
        raw,
    } = &err
    {
        set(obj, "resCd", &res_cd.into());
        set(obj, "resMsg", &res_msg.into());
        if let Some(en) = res_en_msg {
            set(obj, "resEnMsg", &en.into());
        }
        set(obj, "raw", &map_to_js(raw));
    }
    if let Some(hint) = err.hint() {
        set(obj, "hint", &hint.into());
    }
    js.into()
}

/// An error of the facade itself (a value that could not be converted): a bug, never `undefined`.
fn internal(what: &str) -> JsValue {
    let js = js_sys::Error::new(&format!("internal error in kcp-wasm: {what}"));
    js.set_name("KcpError");
    set(js.as_ref(), "code", &"INTERNAL".into());
    js.into()
}

fn set(obj: &JsValue, name: &str, value: &JsValue) {
    // Setting a property on a fresh Error or Object cannot fail; ignore the impossible.
    let _ = Reflect::set(obj, &JsValue::from_str(name), value);
}

// The facade's own results (`kcpFacts()`, `inspectCertificate()`, `Prepared.view()`) are built
// property by property, in the order their fields are listed, like the replies below: a serde
// serializer for JS values (serde-wasm-bindgen) cost about 10 KB of gzipped wasm for three plain
// objects.

/// Serializes a value of the facade's own making with serde-wasm-bindgen (`kcpFacts()`: a large,
/// nested, static table, which serde describes once). A failure is an error, never `undefined`.
fn to_value<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| internal(&format!("could not convert a result: {e}")))
}

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A whole number as a JavaScript number; beyond 2^53 − 1 an error, never an inexact number (a
/// bug: every count the facade hands out is far below that).
fn number(n: u64) -> JsResult<JsValue> {
    if n <= MAX_SAFE_INTEGER {
        Ok(JsValue::from_f64(n as f64))
    } else {
        Err(internal(
            "could not convert a result: a number beyond 2^53 - 1",
        ))
    }
}

/// A JS object built field by field, in the order its fields are set (no serde: smaller code, and
/// nothing here can fail): every result of the facade but `kcpFacts()`.
struct Obj(JsValue);

impl Obj {
    fn new() -> Self {
        Obj(js_sys::Object::new().into())
    }
    fn set(&self, name: &str, value: &JsValue) {
        set(&self.0, name, value);
    }
    fn str(&self, name: &str, value: &str) {
        self.set(name, &value.into());
    }
    fn opt_str(&self, name: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.str(name, v);
        }
    }
    /// Amounts are at most 2^53 − 1 (the parsers' limit): exact as JS numbers.
    fn opt_num(&self, name: &str, value: Option<u64>) {
        if let Some(n) = value {
            set(&self.0, name, &JsValue::from_f64(n as f64));
        }
    }
    fn opt_bool(&self, name: &str, value: Option<bool>) {
        if let Some(b) = value {
            set(&self.0, name, &JsValue::from_bool(b));
        }
    }
    fn opt_obj(&self, name: &str, value: Option<Obj>) {
        if let Some(v) = value {
            set(&self.0, name, &v.0);
        }
    }
    fn warnings(&self, warnings: &[ResultWarning]) {
        let list = js_sys::Array::new();
        for w in warnings {
            let js = Obj::new();
            js.str("code", w.code);
            js.str("field", w.field);
            js.opt_str("expected", &w.expected);
            js.opt_str("reported", &w.reported);
            js.str("message", &w.message);
            list.push(&js.0);
        }
        set(&self.0, "warnings", &list);
    }
    /// Sets `raw` (own data properties, even for a field named `__proto__`) and hands the
    /// object over.
    fn raw(self, raw: JsonObject) -> JsValue {
        self.set("raw", &map_to_js(&raw));
        self.0
    }
}

/// An array of strings.
fn str_array(items: &[&str]) -> js_sys::Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// KCP's reply as a plain JS value, exactly: integers JavaScript cannot hold exactly (beyond
/// ±(2^53 − 1)) become strings of their digits, other numbers become numbers. Cannot fail.
fn json_to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        // The number serde_json read (which this facade used before): its digits scaled by a
        // power of ten that JavaScript computes, so that no float reading is in the module.
        Value::Number(n) => match n.js_value(|p| js_sys::parse_float(&format!("1e{p}"))) {
            Ok(f) => JsValue::from_f64(f),
            Err(digits) => JsValue::from_str(digits),
        },
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items
            .iter()
            .map(json_to_js)
            .collect::<js_sys::Array>()
            .into(),
        Value::Object(map) => map_to_js(map),
    }
}

/// A JSON object of KCP's as a plain JS object (see [`json_to_js`]), read in place.
fn map_to_js(map: &JsonObject) -> JsValue {
    // Own data properties, even for a key such as `__proto__` (no setter is invoked).
    let entries = js_sys::Array::new();
    for (k, v) in map {
        entries.push(&js_sys::Array::of2(&JsValue::from_str(k), &json_to_js(v)));
    }
    Object::from_entries(&entries)
        .map(JsValue::from)
        .unwrap_or_else(|_| Object::new().into())
}

/// Reads property `name` of `obj` (undefined when `obj` is not an object).
fn get(obj: &JsValue, name: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn require_object(obj: &JsValue, what: &'static str) -> Result<(), Error> {
    if obj.is_object() {
        Ok(())
    } else {
        Err(Error::field_invalid(what, "expected an object"))
    }
}

fn opt_str(obj: &JsValue, name: &str, wire: &'static str) -> Result<Option<String>, Error> {
    let value = get(obj, name);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| Error::field_invalid(wire, format!("`{name}` must be a string")))
}

fn req_str(obj: &JsValue, name: &str, wire: &'static str) -> Result<String, Error> {
    opt_str(obj, name, wire)?
        .ok_or_else(|| Error::field_invalid(wire, format!("`{name}` is required")))
}

/// An amount: a safe non-negative integer, or a string of digits.
fn opt_amount(obj: &JsValue, name: &str, wire: &'static str) -> Result<Option<u64>, Error> {
    let value = get(obj, name);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let bad = || {
        Error::field_invalid(
            wire,
            format!("`{name}` must be a whole number of won (a number or a string of digits)"),
        )
    };
    if let Some(n) = value.as_f64() {
        if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 {
            return Ok(Some(n as u64));
        }
        return Err(bad());
    }
    if let Some(s) = value
        .as_string()
        .filter(|s| (1..=15).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
    {
        return s.parse().map(Some).map_err(|_| bad());
    }
    Err(bad())
}

fn req_amount(obj: &JsValue, name: &str, wire: &'static str) -> Result<u64, Error> {
    opt_amount(obj, name, wire)?
        .ok_or_else(|| Error::field_invalid(wire, format!("`{name}` is required")))
}

fn read_tax(obj: &JsValue) -> Result<Option<TaxSplit>, Error> {
    let tax = get(obj, "tax");
    if tax.is_undefined() || tax.is_null() {
        return Ok(None);
    }
    require_object(&tax, "tax_flag")?;
    Ok(Some(TaxSplit {
        taxable: req_amount(&tax, "taxable", "mod_tax_mny")?,
        vat: req_amount(&tax, "vat", "mod_vat_mny")?,
        tax_free: req_amount(&tax, "taxFree", "mod_free_mny")?,
    }))
}

/// A merchant's private key, for `kcp_sign_data`. Wiped from memory by `free()`.
#[wasm_bindgen]
pub struct Signer {
    key: MerchantKey,
}

#[wasm_bindgen]
impl Signer {
    /// Reads (and decrypts) a private key.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: String, password: JsValue) -> JsResult<Signer> {
        let pem = Zeroizing::new(pem);
        let password = read_password(&password).map_err(to_js)?;
        read_key(&pem, password.as_deref().map(|p| p.as_str()))
            .map(|key| Signer { key })
            .map_err(to_js)
    }

    /// `kcp_sign_data` of `plaintext`.
    pub fn sign(&self, plaintext: &str) -> JsResult<String> {
        self.key.sign(plaintext).map_err(to_js)
    }

    /// Modulus size in bits.
    #[wasm_bindgen(getter, js_name = modulusBits)]
    pub fn modulus_bits(&self) -> usize {
        self.key.modulus_bits()
    }

    /// The form the key was read from.
    #[wasm_bindgen(getter, js_name = keyFormat)]
    pub fn key_format(&self) -> String {
        self.key.format().as_str().to_string()
    }

    /// Whether the key is the pair of the certificate.
    #[wasm_bindgen(js_name = matchesCertificate)]
    pub fn matches_certificate(&self, cert_pem: &str) -> JsResult<bool> {
        Certificate::from_pem(cert_pem)
            .map(|cert| cert.matches(&self.key))
            .map_err(to_js)
    }
}

/// A password: absent (`undefined` / `null`) or a string; anything else is `CONFIG_INVALID`.
fn read_password(value: &JsValue) -> Result<Option<Zeroizing<String>>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(|p| Some(Zeroizing::new(p)))
        .ok_or_else(|| Error::config_invalid("password", "must be a string"))
}

/// `kcp_cert_info`: the certificate on one line.
#[wasm_bindgen(js_name = serializeCertificate)]
pub fn serialize_certificate(pem: &str) -> JsResult<String> {
    Certificate::from_pem(pem)
        .map(|c| c.to_kcp_cert_info())
        .map_err(to_js)
}

/// What a certificate says about itself: `{ kcpCertInfo, subject, issuer, serialNumber,
/// notBefore, notAfter, notAfterUnix, publicKeyBits }` (`notAfterUnix`: `notAfter` as seconds
/// since 1970, 0 before, for "expired N days ago").
#[wasm_bindgen(js_name = inspectCertificate)]
pub fn inspect_certificate(pem: &str) -> JsResult<JsValue> {
    let cert = Certificate::from_pem(pem).map_err(to_js)?;
    let obj = Obj::new();
    obj.str("kcpCertInfo", &cert.to_kcp_cert_info());
    obj.str("subject", &cert.subject());
    obj.str("issuer", &cert.issuer());
    obj.str("serialNumber", &cert.serial_number());
    obj.str("notBefore", &cert.not_before());
    obj.str("notAfter", &cert.not_after());
    obj.set("notAfterUnix", &number(cert.not_after_unix())?);
    obj.set(
        "publicKeyBits",
        &number(cert.public_key().modulus_bits() as u64)?,
    );
    Ok(obj.0)
}

/// Whether `signature` is the certificate's signature of `plaintext`.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(cert_pem: &str, plaintext: &str, signature: &str) -> JsResult<bool> {
    Certificate::from_pem(cert_pem)
        .map(|c| c.verify(plaintext, signature))
        .map_err(to_js)
}

/// `site_cd^tno^mod_type`, validated.
#[wasm_bindgen(js_name = cancelPlaintext)]
pub fn cancel_plaintext(site_cd: &str, tno: &str, mod_type: &str) -> JsResult<String> {
    crate::cancel_plaintext(site_cd, tno, mod_type).map_err(to_js)
}

/// `site_cd^tno^pay_type`, validated.
#[wasm_bindgen(js_name = inquiryPlaintext)]
pub fn inquiry_plaintext(site_cd: &str, tno: &str, pay_type: &str) -> JsResult<String> {
    crate::inquiry_plaintext(site_cd, tno, pay_type).map_err(to_js)
}

/// KCP result codes with a known meaning: `[{ code, hint, source }]` (the core's table).
#[wasm_bindgen(js_name = resultCodes)]
pub fn result_codes() -> js_sys::Array {
    crate::RESULT_CODES
        .iter()
        .map(|c| {
            let js: JsValue = Object::new().into();
            set(&js, "code", &c.code.into());
            set(&js, "hint", &c.hint.into());
            set(&js, "source", &c.source.into());
            js
        })
        .collect()
}

/// Codes a success's `warnings` can carry.
#[wasm_bindgen(js_name = warningCodes, unchecked_return_type = "string[]")]
pub fn warning_codes() -> js_sys::Array {
    str_array(ResultWarning::CODES)
}

/// Every error code the core can throw.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "string[]")]
pub fn error_codes() -> js_sys::Array {
    str_array(Error::CODES)
}

/// A merchant's identity at KCP; builds signed requests.
#[wasm_bindgen]
pub struct Merchant {
    inner: CoreMerchant,
}

/// A prepared request: the core's, kept here until its reply is read, so that what the reply
/// must match never travels through JavaScript. `view()` gives JavaScript every fact it needs to
/// send it; `parse(text)` reads the reply with the endpoint's parser.
#[wasm_bindgen]
pub struct Prepared {
    inner: PreparedRequest,
}

#[wasm_bindgen]
impl Prepared {
    /// `{ url, method, headers, body, operation, movesMoney, plaintext, expect, orderId? }`, all
    /// the core's.
    pub fn view(&self) -> JsResult<JsValue> {
        let p = &self.inner;
        let e = &p.expect;
        let expect = Obj::new();
        expect.str("operation", e.operation.as_str());
        expect.str("tno", &e.tno);
        expect.opt_str("modType", &e.mod_type);
        expect.opt_str("payType", &e.pay_type);
        if let Some(n) = e.amount {
            expect.set("amount", &number(n)?);
        }
        if let Some(n) = e.remaining_after {
            expect.set("remainingAfter", &number(n)?);
        }
        // The headers by name, as a plain object, in the core's order (it has one header).
        let headers = Obj::new();
        for (name, value) in p.headers {
            headers.str(name, value);
        }
        let obj = Obj::new();
        obj.str("url", &p.url);
        obj.str("method", p.method);
        obj.set("headers", &headers.0);
        obj.str("body", &p.body);
        obj.str("operation", p.operation.as_str());
        obj.set("movesMoney", &p.moves_money.into());
        obj.str("plaintext", &p.plaintext);
        obj.set("expect", &expect.0);
        obj.opt_str("orderId", &p.order_id);
        Ok(obj.0)
    }

    /// Reads KCP's reply to this request; throws `KCP_REJECTED`, `RESPONSE_MALFORMED` or
    /// `RESPONSE_INCONSISTENT`. A `0000` reply to a modification always gives a result, with
    /// `warnings` for what disagrees with the request.
    pub fn parse(&self, text: &str) -> JsResult<JsValue> {
        match self.inner.parse_reply(text).map_err(to_js)? {
            Reply::Modify(result) => Ok(modify_result_to_js(result)),
            Reply::Inquiry(result) => Ok(inquiry_result_to_js(result)),
            other => payments::reply_to_js(other),
        }
    }
}

/// Reads a request object with `build` and hands back the prepared request.
fn prepare(
    input: &JsValue,
    build: impl FnOnce(&JsValue) -> Result<PreparedRequest, Error>,
) -> JsResult<Prepared> {
    require_object(input, "request")
        .and_then(|()| build(input))
        .map(|inner| Prepared { inner })
        .map_err(to_js)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModTypeFacts {
    code: &'static str,
    operation: &'static str,
    partial: bool,
    full: bool,
    needs_refund_account: bool,
    moves_money: bool,
    description: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayTypeFacts {
    code: &'static str,
    moves_money: bool,
    description: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Facts {
    production_url: &'static str,
    staging_url: &'static str,
    modify_path: &'static str,
    inquiry_path: &'static str,
    method: &'static str,
    max_amount: u64,
    max_reason_bytes: usize,
    tno_max_digits: usize,
    mod_types: Vec<ModTypeFacts>,
    pay_types: Vec<PayTypeFacts>,
    approval_path: &'static str,
    hub_path: &'static str,
    trade_register_path: &'static str,
    auto_cancel_reason: &'static str,
    tran_cd_payment: &'static str,
    tran_cd_billing_key: &'static str,
    pay_methods: Vec<PayMethodFacts>,
    currency_krw: &'static str,
    card_tx_type_key_in: &'static str,
    card_tx_type_billing: &'static str,
    tx_type_billing_key_delete: &'static str,
    va_tx_type: &'static str,
    va_success_codes: &'static [&'static str],
    trade_pay_methods: &'static [&'static str],
    notification: NotificationFacts,
    hub_pay_methods: HubPayMethodFacts,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HubPayMethodFacts {
    card: &'static str,
    virtual_account: &'static str,
    billing_key: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayMethodFacts {
    use_pay_method: &'static str,
    name: &'static str,
    pay_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TxCodeFacts {
    code: &'static str,
    name: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationFacts {
    ack_result: &'static str,
    op_cd_deposit_cancelled: &'static str,
    tx_codes: Vec<TxCodeFacts>,
    notifier_ips: NotifierIps,
}

#[derive(Serialize)]
struct NotifierIps {
    staging: &'static [&'static str],
    production: &'static [&'static str],
}

/// What the core knows about KCP, for the layers that must not restate it (the emulator, the
/// playground): hosts, paths, limits, and every `mod_type` and `pay_type` with its facts.
/// The shape is `KcpFacts` in `pkg/types/index.d.ts`.
#[wasm_bindgen(js_name = kcpFacts)]
pub fn kcp_facts() -> JsResult<JsValue> {
    to_value(&Facts {
        production_url: crate::PRODUCTION_URL,
        staging_url: crate::STAGING_URL,
        modify_path: crate::MODIFY_PATH,
        inquiry_path: crate::INQUIRY_PATH,
        method: crate::HTTP_METHOD,
        max_amount: crate::MAX_AMOUNT,
        max_reason_bytes: crate::MAX_REASON_BYTES,
        tno_max_digits: crate::TNO_MAX_DIGITS,
        mod_types: ModType::ALL
            .iter()
            .map(|m| ModTypeFacts {
                code: m.code(),
                operation: m.operation().as_str(),
                partial: m.is_partial(),
                full: m.is_full(),
                needs_refund_account: m.needs_refund_account(),
                moves_money: m.moves_money(),
                description: m.description(),
            })
            .collect(),
        pay_types: PayType::ALL
            .iter()
            .map(|p| PayTypeFacts {
                code: p.code(),
                moves_money: p.moves_money(),
                description: p.description(),
            })
            .collect(),
        approval_path: crate::APPROVAL_PATH,
        hub_path: crate::HUB_PATH,
        trade_register_path: crate::TRADE_REGISTER_PATH,
        auto_cancel_reason: crate::AUTO_CANCEL_REASON,
        tran_cd_payment: crate::TRAN_CD_PAYMENT,
        tran_cd_billing_key: crate::TRAN_CD_BILLING_KEY,
        pay_methods: crate::PAY_METHODS
            .iter()
            .map(|m| PayMethodFacts {
                use_pay_method: m.use_pay_method,
                name: m.name,
                pay_type: m.pay_type,
            })
            .collect(),
        currency_krw: crate::CURRENCY_KRW,
        card_tx_type_key_in: crate::CARD_TX_TYPE_KEY_IN,
        card_tx_type_billing: crate::CARD_TX_TYPE_BILLING,
        tx_type_billing_key_delete: crate::TX_TYPE_BILLING_KEY_DELETE,
        va_tx_type: crate::VA_TX_TYPE,
        va_success_codes: crate::VA_SUCCESS_CODES,
        trade_pay_methods: crate::TRADE_PAY_METHODS,
        notification: NotificationFacts {
            ack_result: crate::NOTIFICATION_ACK_RESULT,
            op_cd_deposit_cancelled: crate::OP_CD_DEPOSIT_CANCELLED,
            tx_codes: crate::TX_CODES
                .iter()
                .map(|t| TxCodeFacts {
                    code: t.code,
                    name: t.name,
                    label: t.label,
                })
                .collect(),
            notifier_ips: NotifierIps {
                staging: crate::NOTIFIER_IPS_STAGING,
                production: crate::NOTIFIER_IPS_PRODUCTION,
            },
        },
        hub_pay_methods: HubPayMethodFacts {
            card: crate::PAY_METHOD_CARD,
            virtual_account: crate::PAY_METHOD_VIRTUAL_ACCOUNT,
            billing_key: crate::PAY_METHOD_BILLING_KEY,
        },
    })
}

#[wasm_bindgen]
impl Merchant {
    /// `{ siteCd, certificate, privateKey, password?, environment?, baseUrl? }`. Decrypts the key
    /// once and refuses a key that is not the certificate's pair.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<Merchant> {
        Self::build(&config).map_err(to_js)
    }

    /// Reads the configuration's values; every rule about them is the core's
    /// ([`CoreMerchant::from_pem`]).
    fn build(config: &JsValue) -> Result<Merchant, Error> {
        if !config.is_object() {
            return Err(Error::config_invalid("config", "expected an object"));
        }
        let text = |name: &str| -> Option<Result<String, ()>> {
            let v = get(config, name);
            if v.is_undefined() || v.is_null() {
                None
            } else {
                Some(v.as_string().ok_or(()))
            }
        };
        let site_cd = match text("siteCd") {
            Some(Ok(s)) => s,
            Some(Err(())) => return Err(Error::config_invalid("site_cd", "must be a string")),
            None => return Err(Error::config_invalid("site_cd", "is required")),
        };
        let certificate = match text("certificate") {
            Some(Ok(s)) => s,
            _ => return Err(Error::CertMalformed("the certificate must be PEM text")),
        };
        let private_key = match text("privateKey") {
            Some(Ok(s)) => Zeroizing::new(s),
            _ => return Err(Error::KeyMalformed("the private key must be PEM text")),
        };
        let password = read_password(&get(config, "password"))?;
        let environment = match (text("baseUrl"), text("environment")) {
            (Some(Err(())), _) => return Err(Error::config_invalid("baseUrl", "must be a string")),
            (Some(Ok(url)), _) => Environment::Custom(url),
            (None, Some(Ok(name))) => Environment::from_name(&name)?,
            (None, Some(Err(()))) => {
                return Err(Error::config_invalid(
                    "environment",
                    "must be 'staging' or 'production'",
                ));
            }
            (None, None) => Environment::Staging,
        };
        Ok(Merchant {
            inner: CoreMerchant::from_pem(
                &site_cd,
                &certificate,
                &private_key,
                password.as_deref().map(|p| p.as_str()),
                environment,
            )?,
        })
    }

    /// The merchant's `site_cd`.
    #[wasm_bindgen(getter, js_name = siteCd)]
    pub fn site_cd(&self) -> String {
        self.inner.site_cd().to_string()
    }

    /// The server's base URL.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// `kcp_cert_info` of the merchant's certificate.
    #[wasm_bindgen(getter, js_name = kcpCertInfo)]
    pub fn kcp_cert_info(&self) -> String {
        self.inner.kcp_cert_info().to_string()
    }

    /// Full cancel: `{ tno, reason? }`.
    #[wasm_bindgen(js_name = prepareCancel)]
    pub fn prepare_cancel(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            self.inner.cancel(&Cancel {
                tno: req_str(input, "tno", "tno")?,
                reason: opt_str(input, "reason", "mod_desc")?,
            })
        })
    }

    /// Partial refund: `{ tno, amount, remaining, reason?, tax? }`.
    #[wasm_bindgen(js_name = prepareRefund)]
    pub fn prepare_refund(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            self.inner.refund(&Refund {
                tno: req_str(input, "tno", "tno")?,
                amount: req_amount(input, "amount", "mod_mny")?,
                remaining: req_amount(input, "remaining", "rem_mny")?,
                reason: opt_str(input, "reason", "mod_desc")?,
                tax: read_tax(input)?,
            })
        })
    }

    /// Any modification: `{ tno, modType, reason?, amount?, remaining?, tax?, refundAccount?, extra? }`.
    #[wasm_bindgen(js_name = prepareModify)]
    pub fn prepare_modify(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            let account = get(input, "refundAccount");
            let refund_account = if account.is_undefined() || account.is_null() {
                None
            } else {
                require_object(&account, "mod_account")?;
                Some(RefundAccount {
                    bank_code: req_str(&account, "bankCode", "mod_bankcode")?,
                    account: req_str(&account, "account", "mod_account")?,
                    depositor: req_str(&account, "depositor", "mod_depositor")?,
                    sub_type: opt_str(&account, "subType", "mod_sub_type")?,
                    comp_type: opt_str(&account, "compType", "mod_comp_type")?,
                })
            };
            let extra_obj = get(input, "extra");
            let mut extra = Vec::new();
            if !(extra_obj.is_undefined() || extra_obj.is_null()) {
                require_object(&extra_obj, "extra")?;
                for entry in Object::entries(&Object::from(extra_obj)).iter() {
                    let pair = js_sys::Array::from(&entry);
                    let name = pair.get(0).as_string().unwrap_or_default();
                    let value = pair.get(1).as_string().ok_or_else(|| {
                        Error::field_invalid("extra", "extra values must be strings")
                    })?;
                    extra.push((name, value));
                }
            }
            self.inner.modify(&Modify {
                tno: req_str(input, "tno", "tno")?,
                mod_type: req_str(input, "modType", "mod_type")?,
                reason: opt_str(input, "reason", "mod_desc")?,
                amount: opt_amount(input, "amount", "mod_mny")?,
                remaining: opt_amount(input, "remaining", "rem_mny")?,
                tax: read_tax(input)?,
                refund_account,
                extra,
            })
        })
    }

    /// Inquiry: `{ tno, payType }`.
    #[wasm_bindgen(js_name = prepareInquiry)]
    pub fn prepare_inquiry(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            self.inner.inquiry(&Inquiry {
                tno: req_str(input, "tno", "tno")?,
                pay_type: req_str(input, "payType", "pay_type")?,
            })
        })
    }
}

/// A modification's result as a JS object.
fn modify_result_to_js(result: ModifyResult) -> JsValue {
    let obj = Obj::new();
    obj.str("resCd", &result.res_cd);
    obj.str("resMsg", &result.res_msg);
    obj.str("tno", &result.tno);
    obj.opt_str("canceledAt", &result.canc_time);
    obj.opt_num("amount", result.mod_mny);
    obj.opt_num("remaining", result.rem_mny);
    obj.opt_str("partialSequence", &result.mod_pacn_seq_no);
    obj.warnings(&result.warnings);
    obj.raw(result.raw)
}

/// An inquiry's result as a JS object.
fn inquiry_result_to_js(result: InquiryResult) -> JsValue {
    let obj = Obj::new();
    obj.str("resCd", &result.res_cd);
    obj.str("resMsg", &result.res_msg);
    obj.opt_str("tno", &result.tno);
    obj.raw(result.raw)
}
