//! Issue 15, "each new call works against the emulator … from Rust": the crate's own requests
//! (`Merchant::approve`, `issue_billing_key`, `charge_billing_key`, `delete_billing_key`,
//! `issue_virtual_account`, `refund`, `cancel`, `inquiry`) sent over real HTTP to the emulator CLI
//! (`node pkg/bin/kcp-wasm.js emulator`, the package's CLI), their replies read with `PreparedRequest::parse_reply`, and
//! KCP's notification received by this test's own HTTP server and read with
//! `parse_notification`.
//!
//! It needs Node and the built package (`pkg/dist`), which plain `cargo test` runs before
//! (scripts/test.sh builds the package after the Rust tests): so it is ignored by default and
//! scripts/test.sh runs it after the build with
//! `cargo test --features internals --test emulator_lifecycle -- --ignored`. Run that way without
//! Node or `pkg/dist`, it fails saying to run `make build`.
//!
//! The HTTP client and server are a few lines over `std::net` (HTTP/1.1, `Connection: close`):
//! no dependency.

use kcp_wasm::{
    Approval, BillingCharge, BillingKeyDelete, BillingKeyIssue, Buyer, Cancel, Charset,
    Environment, Inquiry, Merchant, NotificationDetail, Operation, PreparedRequest, Refund, Reply,
    VirtualAccountIssue, notification_reply, parse_notification,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CERT: &str = "tests/fixtures/kcp/splCert.pem";
const KEY: &str = "tests/fixtures/kcp/splPrikeyPKCS8.pem";
const GROUP_ID: &str = "T00001000001";
/// Every wait of the test is bounded by this: a stuck emulator fails the test, never hangs it.
const TIMEOUT: Duration = Duration::from_secs(10);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Node and the built package, or a failure that says what to do.
fn require_node_and_package() {
    let dist = root().join("pkg/dist/wasm/kcp_wasm_bg.wasm");
    assert!(
        dist.is_file(),
        "{} is missing: the emulator needs the built npm package. Run `make build` (or \
         `bash scripts/build.sh`) first.",
        dist.display()
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "`node` cannot be run ({node:?}): the emulator is a Node program. Install Node and run \
         `make build` first."
    );
}

/// The emulator CLI, killed when dropped.
struct Emulator {
    child: Child,
    base_url: String,
    stderr: mpsc::Receiver<String>,
}

impl Emulator {
    fn start(notify_url: &str) -> Emulator {
        let mut child = Command::new("node")
            .current_dir(root())
            .args([
                "pkg/bin/kcp-wasm.js",
                "emulator",
                "--cert",
                CERT,
                "--port",
                "0",
            ])
            .args(["--notify-url", notify_url, "--notify-interval-ms", "50"])
            .args(["--group-id", GROUP_ID, "--quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn node (is it on PATH? run `make build` first)");
        // Read both streams on threads, so that the child never blocks on a full pipe and a
        // failure to start can show what Node said.
        let (lines_tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                let _ = lines_tx.send(line);
            }
        });
        let (err_tx, stderr) = mpsc::channel();
        let err_pipe = child.stderr.take().expect("stderr piped");
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(|l| l.ok()) {
                let _ = err_tx.send(line);
            }
        });
        let mut emulator = Emulator {
            child,
            base_url: String::new(),
            stderr,
        };
        // "KCP emulator listening on http://127.0.0.1:<port>" (pkg/src/testing/cli.js).
        let deadline = Instant::now() + TIMEOUT;
        while emulator.base_url.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("KCP emulator listening on ") {
                        emulator.base_url = url.trim().to_string();
                    }
                }
                Err(_) => panic!(
                    "the emulator did not print its URL within {TIMEOUT:?} (is the package \
                     built? run `make build`); its stderr:\n{}",
                    emulator.stderr_text()
                ),
            }
        }
        emulator
    }

    fn stderr_text(&self) -> String {
        std::thread::sleep(Duration::from_millis(100));
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// A plain JSON POST to one of the emulator's own routes, read as a JSON object.
    fn post_json(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, text) = http(
            "POST",
            &format!("{}{path}", self.base_url),
            &body.to_string(),
        );
        assert_eq!(status, 200, "POST {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST {path}: {e}: {text}"))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `host:port` and path of an `http://` URL.
fn split_url(url: &str) -> (&str, &str) {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not an http:// URL: {url}"));
    match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    }
}

/// A minimal HTTP/1.1 exchange: one request with `Content-Length` and `Connection: close`, the
/// reply read until the server closes. Returns the status and the body (de-chunked if need be).
fn http(method: &str, url: &str, body: &str) -> (u16, String) {
    let (authority, path) = split_url(url);
    let mut stream = TcpStream::connect(authority).unwrap_or_else(|e| panic!("{url}: {e}"));
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .unwrap_or_else(|e| panic!("{method} {url}: reading the reply: {e}"));
    let split = find(&reply, b"\r\n\r\n").unwrap_or_else(|| panic!("{url}: no header end"));
    let head = String::from_utf8_lossy(&reply[..split]).into_owned();
    let mut payload = reply[split + 4..].to_vec();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{url}: bad status line: {head}"));
    if header(&head, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        payload = dechunk(&payload);
    }
    (status, String::from_utf8(payload).expect("a UTF-8 reply"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A header's value (name compared case-insensitively).
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = find(data, b"\r\n").expect("chunk size line");
        let size_text = std::str::from_utf8(&data[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
}

/// Sends a prepared request as it says (method, URL, body) and reads the reply with its parser.
fn send(request: &PreparedRequest) -> kcp_wasm::Result<Reply> {
    assert_eq!(request.method, "POST");
    let (status, text) = http(request.method, &request.url, &request.body);
    assert_eq!(
        status, 200,
        "{:?}: HTTP {status}: {text}",
        request.operation
    );
    request.parse_reply(&text)
}

fn payment(reply: kcp_wasm::Result<Reply>) -> kcp_wasm::PaymentResult {
    match reply {
        Ok(Reply::Payment(p)) => p,
        other => panic!("expected a payment reply, got {other:?}"),
    }
}

/// One received notification: its content type and body.
struct Received {
    content_type: String,
    body: Vec<u8>,
}

/// The merchant's notification endpoint: answers the first delivery with a refusal and every
/// later one with the acknowledgement, and hands each body to the test.
fn serve_notifications(listener: TcpListener, received: mpsc::Sender<Received>) {
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(TIMEOUT)).unwrap();
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then Content-Length bytes of body.
            let (head, body) = loop {
                let Ok(read) = stream.read(&mut buf) else {
                    return;
                };
                if read == 0 {
                    return;
                }
                data.extend_from_slice(&buf[..read]);
                if let Some(split) = find(&data, b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&data[..split]).into_owned();
                    let length: usize = header(&head, "content-length")
                        .and_then(|v| v.parse().ok())
                        .expect("the notification has a Content-Length");
                    while data.len() < split + 4 + length {
                        let Ok(read) = stream.read(&mut buf) else {
                            return;
                        };
                        if read == 0 {
                            return;
                        }
                        data.extend_from_slice(&buf[..read]);
                    }
                    break (head, data[split + 4..split + 4 + length].to_vec());
                }
            };
            let page = notification_reply(n > 0);
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = stream.write_all(reply.as_bytes());
            let _ = received.send(Received {
                content_type: header(&head, "content-type").unwrap_or("").to_string(),
                body,
            });
        }
    });
}

fn merchant(base_url: &str) -> Merchant {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    Merchant::from_pem(
        "T0000",
        &read(CERT),
        &read(KEY),
        Some("changeit"),
        Environment::Custom(base_url.to_string()),
    )
    .expect("KCP's public test pair")
}

/// A unique order number per run (the emulator keeps no state between runs, but be safe).
fn order(prefix: &str) -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    format!("{prefix}-{ms}")
}

#[test]
#[ignore = "needs Node and the built package (pkg/dist): scripts/test.sh runs it after the build \
            with `cargo test --features internals --test emulator_lifecycle -- --ignored`"]
fn lifecycle_against_the_emulator_cli() {
    let started = Instant::now();
    require_node_and_package();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let notify_url = format!("http://{}/kcp/notify", listener.local_addr().unwrap());
    let (received_tx, received) = mpsc::channel();
    serve_notifications(listener, received_tx);
    let emulator = Emulator::start(&notify_url);
    let merchant = merchant(&emulator.base_url);

    card_checkout(&emulator, &merchant);
    billing_key(&emulator, &merchant);
    virtual_account(&emulator, &merchant, &received);

    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the lifecycle took {:?}",
        started.elapsed()
    );
}

/// Window → approval → partial refund → full cancel → inquiry.
fn card_checkout(emulator: &Emulator, merchant: &Merchant) {
    let order_id = order("RS-CARD");
    let window = emulator.post_json(
        "/__emulator/window",
        serde_json::json!({
            "site_cd": "T0000", "ordr_idxx": order_id, "good_mny": "30000", "pay_method": "CARD",
        }),
    );
    assert_eq!(window["res_cd"], "0000", "window: {window}");
    let field = |name: &str| window[name].as_str().unwrap_or_default().to_string();
    let approval = Approval {
        tran_cd: field("tran_cd"),
        enc_data: field("enc_data"),
        enc_info: field("enc_info"),
        amount: 30_000,
        use_pay_method: Some(field("use_pay_method")),
        order_id: Some(order_id.clone()),
    };

    // The merchant's amount must be the window's: KCP (and the emulator) refuse another.
    let wrong = merchant
        .approve(&Approval {
            amount: 29_000,
            ..approval.clone()
        })
        .unwrap();
    let refused = send(&wrong).expect_err("an approval of another amount");
    assert_eq!(refused.code(), "KCP_REJECTED", "{refused}");

    let request = merchant.approve(&approval).unwrap();
    assert_eq!(request.operation, Operation::Approval);
    assert!(request.moves_money);
    let paid = payment(send(&request));
    assert_eq!(paid.res_cd, "0000");
    assert_eq!((paid.method, paid.amount), ("card", Some(30_000)));
    assert_eq!(paid.order_no.as_deref(), Some(order_id.as_str()));
    assert!(paid.warnings.is_empty(), "{:?}", paid.warnings);
    assert!(paid.card.is_some(), "card details: {:?}", paid.raw);
    let tno = paid.tno.expect("an approval's tno");
    assert_eq!(tno.len(), 14, "{tno}");

    // The window's data is single-use.
    let again = send(&merchant.approve(&approval).unwrap()).expect_err("a second approval");
    assert_eq!(again.code(), "KCP_REJECTED");

    let refund = merchant
        .refund(&Refund {
            tno: tno.clone(),
            amount: 5_000,
            remaining: 30_000,
            reason: Some("partial refund from Rust".into()),
            tax: None,
        })
        .unwrap();
    match send(&refund).unwrap() {
        Reply::Modify(m) => {
            assert_eq!((m.mod_mny, m.rem_mny), (Some(5_000), Some(25_000)));
            assert!(m.warnings.is_empty(), "{:?}", m.warnings);
        }
        other => panic!("refund: {other:?}"),
    }
    let cancel = merchant
        .cancel(&Cancel {
            tno: tno.clone(),
            reason: None,
        })
        .unwrap();
    match send(&cancel).unwrap() {
        Reply::Modify(m) => assert_eq!((m.mod_mny, m.rem_mny), (Some(25_000), Some(0))),
        other => panic!("cancel: {other:?}"),
    }
    let inquiry = merchant
        .inquiry(&Inquiry {
            tno: tno.clone(),
            pay_type: "PACA".into(),
        })
        .unwrap();
    match send(&inquiry).unwrap() {
        Reply::Inquiry(i) => {
            assert_eq!(i.tno.as_deref(), Some(tno.as_str()));
            assert_eq!(i.raw["canc_yn"], "Y", "{:?}", i.raw);
            assert_eq!(i.raw["rem_mny"], "0", "{:?}", i.raw);
        }
        other => panic!("inquiry: {other:?}"),
    }
}

/// AUTH window → billing-key issuance → two charges → deletion → a charge refused.
fn billing_key(emulator: &Emulator, merchant: &Merchant) {
    let window = emulator.post_json(
        "/__emulator/window",
        serde_json::json!({
            "site_cd": "T0000", "ordr_idxx": order("RS-AUTH"), "pay_method": "AUTH",
            "kcp_group_id": GROUP_ID,
        }),
    );
    assert_eq!(window["res_cd"], "0000", "window: {window}");
    let field = |name: &str| window[name].as_str().unwrap_or_default().to_string();
    let issue = merchant
        .issue_billing_key(&BillingKeyIssue {
            tran_cd: field("tran_cd"),
            enc_data: field("enc_data"),
            enc_info: field("enc_info"),
        })
        .unwrap();
    assert!(!issue.moves_money);
    let batch_key = match send(&issue).unwrap() {
        Reply::BillingKey(k) => {
            assert_eq!(k.res_cd, "0000");
            assert!(!k.raw.contains_key("tno"), "an issuance moves no money");
            k.batch_key
        }
        other => panic!("billing-key issuance: {other:?}"),
    };
    assert_eq!(batch_key.len(), 16, "{batch_key}");

    let charge = |n: u32| {
        merchant
            .charge_billing_key(&BillingCharge {
                batch_key: batch_key.clone(),
                group_id: GROUP_ID.into(),
                order_id: order(&format!("RS-SUB-{n}")),
                amount: 9_900,
                good_name: "monthly plan".into(),
                buyer: Buyer {
                    name: Some("Hong".into()),
                    ..Buyer::default()
                },
                installments: None,
            })
            .unwrap()
    };
    let mut tnos = Vec::new();
    for n in 1..=2 {
        let request = charge(n);
        assert_eq!(request.operation, Operation::BillingCharge);
        assert!(request.moves_money);
        let paid = payment(send(&request));
        assert_eq!((paid.method, paid.amount), ("card", Some(9_900)));
        assert_eq!(paid.order_no, request.order_id);
        tnos.push(paid.tno.expect("a charge's tno"));
    }
    assert_ne!(tnos[0], tnos[1], "each charge is a new transaction");

    let delete = merchant
        .delete_billing_key(&BillingKeyDelete {
            batch_key: batch_key.clone(),
            group_id: GROUP_ID.into(),
        })
        .unwrap();
    match send(&delete).unwrap() {
        Reply::BillingKeyDelete(d) => assert_eq!(d.res_cd, "0000"),
        other => panic!("deletion: {other:?}"),
    }
    let refused = send(&charge(3)).expect_err("a charge with a deleted key");
    assert_eq!(refused.code(), "KCP_REJECTED", "{refused}");
}

/// Virtual account → deposit → the notification reaches this test's server, refused once, then
/// acknowledged.
fn virtual_account(emulator: &Emulator, merchant: &Merchant, received: &mpsc::Receiver<Received>) {
    let order_id = order("RS-VA");
    let request = merchant
        .issue_virtual_account(&VirtualAccountIssue {
            order_id: order_id.clone(),
            amount: 32_000,
            good_name: "desk lamp".into(),
            buyer: Buyer {
                name: Some("홍길동".into()),
                ..Buyer::default()
            },
            bank_code: "BK04".into(),
            depositor: "Example Shop".into(),
            due_at: "20991231235959".into(),
            cash_receipt: None,
        })
        .unwrap();
    let issued = match send(&request).unwrap() {
        Reply::VirtualAccount(v) => v,
        other => panic!("virtual-account issuance: {other:?}"),
    };
    assert_eq!(issued.amount, Some(32_000));
    assert_eq!(issued.order_no.as_deref(), Some(order_id.as_str()));
    assert!(issued.account.is_some(), "{:?}", issued.raw);
    let tno = issued.tno.expect("an issuance's tno");

    let deposit = emulator.post_json(
        "/__emulator/deposit",
        serde_json::json!({ "tno": tno, "amount": "32000" }),
    );
    assert_eq!(deposit["res_cd"], "0000", "deposit: {deposit}");

    let mut notifications = Vec::new();
    for n in 1..=2 {
        let got = received
            .recv_timeout(TIMEOUT)
            .unwrap_or_else(|_| panic!("delivery {n} of the notification did not arrive"));
        assert!(
            got.content_type
                .starts_with("application/x-www-form-urlencoded"),
            "{}",
            got.content_type
        );
        notifications.push(parse_notification(&got.body, Charset::Utf8).unwrap());
    }
    let first = &notifications[0];
    assert_eq!(first.tx_cd.as_deref(), Some("TX00"));
    assert_eq!(first.tno, tno);
    assert_eq!(first.order_no.as_deref(), Some(order_id.as_str()));
    match &first.detail {
        NotificationDetail::Deposit(d) => {
            assert_eq!(d.ipgm_mnyx, Some(32_000));
            assert!(!d.cancelled);
        }
        other => panic!("a TX00 notification's detail: {other:?}"),
    }
    assert_eq!(
        notifications[1], notifications[0],
        "the re-delivery is the same notification"
    );

    // The emulator's own log: two deliveries of this tno, the first refused.
    let deadline = Instant::now() + TIMEOUT;
    let acknowledged = loop {
        let (status, text) = http(
            "GET",
            &format!("{}/__emulator/notifications", emulator.base_url),
            "",
        );
        assert_eq!(status, 200, "{text}");
        let seen: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mine: Vec<bool> = seen["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .filter(|d| d["tno"] == tno.as_str())
            .map(|d| d["acknowledged"].as_bool().unwrap_or(false))
            .collect();
        if seen["pending"] == 0 || Instant::now() > deadline {
            break mine;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(acknowledged, [false, true]);
    assert!(
        received.recv_timeout(Duration::from_millis(200)).is_err(),
        "no delivery after the acknowledgement"
    );
}
