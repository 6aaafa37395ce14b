#!/usr/bin/env python3
"""A KCP merchant backend written without kcp-wasm: Python's standard library for HTTP and JSON,
the openssl command for the cancel's SHA256withRSA signature. It drives a running KCP emulator
(`kcp-wasm emulator ... --notify-url http://127.0.0.1:<notify-port>/kcp/notify`) through:

  1. card: payment window -> approval -> inquiry -> full cancel (signed) -> inquiry;
  2. billing key: window (AUTH) -> issuance -> charge -> deletion -> a charge refused;
  3. virtual account: issuance -> deposit -> KCP's notification to this script's own
     http.server, which refuses the first delivery and acknowledges the second.

Usage:
  KCP_KEY_PASSWORD=... python3 client.py --base-url http://127.0.0.1:8765 \\
      --cert splCert.pem --key splPrikeyPKCS8.pem --notify-port 8766 [--site-cd T0000]

The key password is read by openssl from the environment (-passin env:KCP_KEY_PASSWORD), never
from the command line. Exit status 0 when every step came out as expected, 1 otherwise.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# KCP's codes, as this merchant knows them from KCP's documentation.
TRAN_CD_PAYMENT = "00100000"
TRAN_CD_BILLING_KEY = "00300001"
CARD_TX_TYPE_BILLING = "11511000"
TX_TYPE_BILLING_KEY_DELETE = "10005010"
VA_TX_TYPE = "41100000"
ACK = '<html><body><form><input type="hidden" name="result" value="{}"></form></body></html>'


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def step(n, title):
    print(f"[{n}] {title}", flush=True)


def post_json(base_url, path, body):
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        base_url + path,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    with urllib.request.urlopen(req, timeout=10) as res:
        expect(res.status == 200, f"{path}: HTTP {res.status}")
        reply = json.loads(res.read().decode("utf-8"))
    for key, value in reply.items():
        if key in ("notification",):
            continue
        expect(
            isinstance(value, str) or value is None,
            f"{path}: {key} is not a string: {value!r}",
        )
    return reply


def get_json(base_url, path):
    with urllib.request.urlopen(base_url + path, timeout=10) as res:
        return json.loads(res.read().decode("utf-8"))


def sign(plaintext, key_file):
    """SHA256withRSA over the plaintext, base64, with the openssl command."""
    out = subprocess.run(
        [
            "openssl", "dgst", "-sha256", "-sign", key_file,
            "-passin", "env:KCP_KEY_PASSWORD",
        ],
        input=plaintext.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if out.returncode != 0:
        raise Failure("openssl could not sign (wrong key or password?)")
    return base64.b64encode(out.stdout).decode("ascii")


class NotificationInbox:
    """The merchant's notification endpoint: refuses the first delivery, acknowledges the rest."""

    def __init__(self, port):
        self.received = []
        self.cond = threading.Condition()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
                with inbox.cond:
                    inbox.received.append(
                        {"type": self.headers.get("Content-Type", ""), "fields": fields}
                    )
                    first = len(inbox.received) == 1
                    inbox.cond.notify_all()
                # A DB failure on the first try: anything but 0000 makes KCP deliver it again.
                page = ACK.format("9999" if first else "0000").encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
        return True

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def card_checkout(base, site_cd, cert_info, key_file):
    step(1, "card: window -> approval -> inquiry -> cancel")
    order = f"PY-CARD-{int(time.time() * 1000)}"
    window = post_json(base, "/__emulator/window", {
        "site_cd": site_cd, "ordr_idxx": order, "good_mny": "15000", "pay_method": "CARD",
    })
    expect(window["res_cd"] == "0000", f"window: {window}")
    expect(window["tran_cd"] == TRAN_CD_PAYMENT, f"window tran_cd {window['tran_cd']}")
    approval = post_json(base, "/gw/enc/v1/payment", {
        "tran_cd": window["tran_cd"], "site_cd": site_cd, "kcp_cert_info": cert_info,
        "enc_data": window["enc_data"], "enc_info": window["enc_info"], "ordr_mony": "15000",
    })
    expect(approval["res_cd"] == "0000", f"approval: {approval}")
    expect(approval["amount"] == "15000", f"approval amount {approval['amount']}")
    expect(approval["order_no"] == order, "approval order_no")
    tno = approval["tno"]
    print(f"    approved tno {tno}, {approval['card_name']} app_no {approval['app_no']}")

    again = post_json(base, "/gw/enc/v1/payment", {
        "tran_cd": window["tran_cd"], "site_cd": site_cd, "kcp_cert_info": cert_info,
        "enc_data": window["enc_data"], "enc_info": window["enc_info"], "ordr_mony": "15000",
    })
    expect(again["res_cd"] != "0000", "the window's data approved twice")
    print(f"    the same enc_data again: refused, res_cd {again['res_cd']}")

    inquiry = post_json(base, "/std/inquery", {
        "site_cd": site_cd, "tno": tno, "kcp_cert_info": cert_info,
        "kcp_sign_data": sign(f"{site_cd}^{tno}^PACA", key_file), "pay_type": "PACA",
    })
    expect(inquiry["res_cd"] == "0000" and inquiry["amount"] == "15000", f"inquiry: {inquiry}")

    cancel = post_json(base, "/gw/mod/v1/cancel", {
        "site_cd": site_cd, "tno": tno, "kcp_cert_info": cert_info,
        "kcp_sign_data": sign(f"{site_cd}^{tno}^STSC", key_file),
        "mod_type": "STSC", "mod_desc": "plain client: full cancel",
    })
    expect(cancel["res_cd"] == "0000", f"cancel: {cancel}")
    expect(cancel["mod_mny"] == "15000", f"cancel mod_mny {cancel['mod_mny']}")
    after = post_json(base, "/std/inquery", {
        "site_cd": site_cd, "tno": tno, "kcp_cert_info": cert_info,
        "kcp_sign_data": sign(f"{site_cd}^{tno}^PACA", key_file), "pay_type": "PACA",
    })
    expect(after["canc_yn"] == "Y", f"after cancel: {after}")
    print(f"    cancelled: mod_mny {cancel['mod_mny']}, canc_yn {after['canc_yn']}")


def billing_key(base, site_cd, cert_info, group_id):
    step(2, "billing key: issue -> charge -> delete -> charge refused")
    window = post_json(base, "/__emulator/window", {
        "site_cd": site_cd, "ordr_idxx": f"PY-AUTH-{int(time.time() * 1000)}",
        "pay_method": "AUTH", "kcp_group_id": group_id,
    })
    expect(window["tran_cd"] == TRAN_CD_BILLING_KEY, f"window tran_cd {window['tran_cd']}")
    issued = post_json(base, "/gw/enc/v1/payment", {
        "tran_cd": window["tran_cd"], "site_cd": site_cd, "kcp_cert_info": cert_info,
        "enc_data": window["enc_data"], "enc_info": window["enc_info"],
    })
    expect(issued["res_cd"] == "0000", f"issuance: {issued}")
    batch_key = issued["batch_key"]
    expect(len(batch_key) == 16 and batch_key.isdigit(), "batch_key is 16 digits")
    expect("tno" not in issued, "an issuance has no tno")
    print(f"    batch_key {batch_key[:4]}…{batch_key[-4:]} ({issued['card_name']})")

    def charge():
        return post_json(base, "/gw/hub/v1/payment", {
            "site_cd": site_cd, "kcp_cert_info": cert_info, "pay_method": "CARD", "cust_ip": "",
            "amount": "9900", "card_mny": "9900", "currency": "410", "quota": "00",
            "ordr_idxx": f"PY-SUB-{int(time.time() * 1000)}", "good_name": "monthly plan",
            "buyr_name": "Hong", "buyr_mail": "", "buyr_tel2": "",
            "card_tx_type": CARD_TX_TYPE_BILLING, "bt_batch_key": batch_key, "bt_group_id": group_id,
        })

    paid = charge()
    expect(paid["res_cd"] == "0000", f"charge: {paid}")
    expect(paid["pay_method"] == "PACA" and paid["amount"] == "9900", f"charge: {paid}")
    print(f"    charged tno {paid['tno']}, amount {paid['amount']}")
    deleted = post_json(base, "/gw/hub/v1/payment", {
        "site_cd": site_cd, "kcp_cert_info": cert_info, "batch_key": batch_key,
        "group_id": group_id, "pay_method": "BATCH", "tx_type": TX_TYPE_BILLING_KEY_DELETE,
    })
    expect(deleted == {"res_cd": "0000", "res_msg": "정상처리"}, f"deletion: {deleted}")
    refused = charge()
    expect(refused["res_cd"] != "0000", "a deleted key was charged")
    print(f"    deleted; a charge after deletion: refused, res_cd {refused['res_cd']}")


def virtual_account(base, site_cd, cert_info, inbox):
    step(3, "virtual account: issue -> deposit -> notification, re-delivered until acknowledged")
    order = f"PY-VA-{int(time.time() * 1000)}"
    issued = post_json(base, "/gw/hub/v1/payment", {
        "site_cd": site_cd, "kcp_cert_info": cert_info, "pay_method": "VCNT", "cust_ip": "",
        "amount": "32000", "va_mny": "32000", "currency": "410", "ordr_idxx": order,
        "good_name": "desk lamp", "buyr_name": "Kim", "buyr_mail": "", "buyr_tel2": "",
        "va_txtype": VA_TX_TYPE, "va_bankcode": "BK04", "va_name": "Example Shop",
        "va_date": "20991231235959",
    })
    # Sources disagree on the success code of an issuance: accept both.
    expect(issued["res_cd"] in ("0000", "V000"), f"issuance: {issued}")
    tno = issued["tno"]
    print(f"    account {issued['bankname']} {issued['account']} for {issued['amount']} won, tno {tno}")

    deposit = post_json(base, "/__emulator/deposit", {"tno": tno, "amount": "32000"})
    expect(deposit["res_cd"] == "0000", f"deposit: {deposit}")
    expect(inbox.wait_for(2, timeout=15), f"{len(inbox.received)} deliveries, expected 2")
    first, second = inbox.received[0], inbox.received[1]
    expect(first["type"].startswith("application/x-www-form-urlencoded"), f"type {first['type']}")
    fields = first["fields"]
    expect(fields.get("tx_cd") == "TX00", f"tx_cd {fields.get('tx_cd')}")
    expect(fields.get("tno") == tno and fields.get("order_no") == order, "notified tno/order_no")
    expect(fields.get("ipgm_mnyx") == "32000", f"ipgm_mnyx {fields.get('ipgm_mnyx')}")
    expect(fields.get("op_cd") != "13", "a deposit, not a cancelled deposit")
    expect(second["fields"] == fields, "the re-delivery is the same notification")
    # De-duplicate on (tno, noti_id, op_cd), as KCP's re-deliveries and double notices require.
    keys = {(r["fields"]["tno"], r["fields"]["noti_id"], r["fields"]["op_cd"]) for r in inbox.received}
    expect(len(keys) == 1, "one notification, delivered twice")
    print(f"    received TX00 noti_id {fields['noti_id']} twice: refused (9999), then acknowledged (0000)")

    # The emulator's own view of the deliveries.
    deadline = time.monotonic() + 10
    while True:
        seen = get_json(base, "/__emulator/notifications")
        mine = [d for d in seen["deliveries"] if d["tno"] == tno]
        if seen["pending"] == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    expect([d["acknowledged"] for d in mine] == [False, True], f"deliveries: {mine}")
    time.sleep(0.3)
    expect(len(inbox.received) == 2, "no delivery after the acknowledgement")
    print(f"    the emulator logged {len(mine)} attempts, the last acknowledged")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--notify-port", type=int, required=True)
    parser.add_argument("--site-cd", default="T0000")
    parser.add_argument("--group-id", default=None)
    args = parser.parse_args()
    if "KCP_KEY_PASSWORD" not in os.environ:
        print("client.py: set KCP_KEY_PASSWORD for openssl", file=sys.stderr)
        return 2
    base = args.base_url.rstrip("/")
    with open(args.cert, encoding="utf-8") as f:
        # kcp_cert_info: the certificate PEM with its line breaks removed.
        cert_info = "".join(f.read().splitlines())
    group_id = args.group_id or f"{args.site_cd}1000001"

    inbox = NotificationInbox(args.notify_port)
    try:
        card_checkout(base, args.site_cd, cert_info, args.key)
        billing_key(base, args.site_cd, cert_info, group_id)
        virtual_account(base, args.site_cd, cert_info, inbox)
    except Failure as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        inbox.close()
    print("all steps as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
