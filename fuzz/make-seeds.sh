#!/usr/bin/env bash
# Regenerates the committed seed corpus, fuzz/corpus/<target>/seed-*, from tests/fixtures/
# (small files only: the 1 MiB PEM and the 40 KB nesting file are left out; their refusal is
# tested in tests/). Each target's input format is documented at the top of its source file.
set -euo pipefail
cd "$(dirname "$0")"
rm -f corpus/*/seed-*
mkdir -p corpus/key corpus/cert corpus/response corpus/request corpus/payment_reply corpus/notification corpus/json
python3 - <<'PY'
import json, os, subprocess
fx = "../tests/fixtures"
m = json.load(open(f"{fx}/manifest.json"))

def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(f"corpus/{target}/seed-{name}", "wb") as f:
        f.write(data)

def slug(path):
    return path.replace("/", "_").replace(".", "_")

# key: [len(password)] password key-bytes
seen = set()
for entry in m["keys"] + m["hostile"]:
    path = f"{fx}/{entry['file']}"
    if os.path.getsize(path) > 8192 or entry["file"] in seen:
        continue
    seen.add(entry["file"])
    pw = entry["password"].encode()
    write("key", slug(entry["file"]), bytes([len(pw)]) + pw + open(path, "rb").read())

# cert: PEM, one-line, DER, and a private key in the certificate slot
for name in ["kcp/splCert.pem", "rsa2048/cert.pem", "rsa3072/cert.pem", "rsa4096/cert.pem", "mismatch/cert.pem", "kcp/cert-info.txt", "rsa2048/pkcs8.pem", "hostile/deep-nesting-1000.der"]:
    write("cert", slug(name), open(f"{fx}/{name}", "rb").read())
for name in ["kcp/splCert.pem", "rsa2048/cert.pem"]:
    der = subprocess.run(["openssl", "x509", "-in", f"{fx}/{name}", "-outform", "DER"], check=True, capture_output=True).stdout
    write("cert", slug(name) + "_der", der)
write("cert", "crlf", open(f"{fx}/kcp/splCert.pem").read().replace("\n", "\r\n"))
write("cert", "escaped", open(f"{fx}/kcp/splCert.pem").read().replace("\n", "\\n"))

# response: header `op|tno|mod_type|pay_type|amount|remaining_after`, LF, reply
R = {
    "refund-ok": "\x01|21234567890123|STPC||1000|9000\n" + json.dumps({"res_cd": "0000", "res_msg": "정상처리", "tno": "21234567890123", "canc_time": "20261127120000", "mod_mny": "1000", "rem_mny": "9000", "mod_pacn_seq_no": "1"}, ensure_ascii=False),
    "refund-numbers": "\x01|21234567890123|STPC||1000|9000\n{\"res_cd\":\"0000\",\"tno\":21234567890123,\"mod_mny\":1000,\"rem_mny\":9000}",
    "refund-wrong-balance": "\x01|21234567890123|STPC||1000|9000\n{\"res_cd\":\"0000\",\"tno\":\"21234567890123\",\"rem_mny\":\"8000\"}",
    "cancel-ok": "\x00|21234567890123|STSC|||\n{\"res_cd\":\"0000\",\"res_msg\":\"OK\",\"tno\":\"21234567890123\",\"canc_time\":\"20261127120000\"}",
    "cancel-other-tno": "\x00|21234567890123|STSC|||\n{\"res_cd\":\"0000\",\"tno\":\"21234567890124\"}",
    "refused": "\x02|1|STMR||5|\n" + json.dumps({"res_cd": "8133", "res_msg": "취소 가능 금액 초과", "res_en_msg": "amount exceeded"}, ensure_ascii=False),
    "inquiry": "\x03|21234567890123||PACA||\n\ufeff{\"res_cd\":\"0000\",\"res_msg\":\"\",\"tno\":\"21234567890123\",\"amount\":\"10000\",\"nested\":{\"a\":[1,2,{\"b\":null}]}}",
    "html": "\x03|1||PACA||\n<html><body>502 Bad Gateway</body></html>",
    "deep": "\x00|1|STSC|||\n" + "[" * 200 + "]" * 200,
    "noheader": "{\"res_cd\":\"0000\",\"tno\":\"21234567890123\",\"rem_mny\":\"9000\",\"mod_mny\":\" 1000 \"}",
}
for name, text in R.items():
    write("response", name, text)

# request: kind ␞ tno ␞ type ␞ reason ␞ amount ␞ remaining ␞ tax ␞ account ␞ extra…
S = "\x1e"
Q = {
    "cancel": ["c", "21234567890123", "", "고객 요청"],
    "refund": ["r", "21234567890123", "", "부분 환불", "5000", "30000"],
    "refund-tax": ["r", "21234567890123", "", "부분 환불", "11000", "30000", "10000,1000,0"],
    "refund-max": ["r", "1", "", "x", "999999999999", "999999999999"],
    "modify-sthd": ["m", "21234567890123", "STHD", "환불", "", "", "", "BK04,123-456-7890,홍길동,1,2"],
    "modify-stpd": ["m", "21234567890123", "STPD", "환불", "100", "1000", "", "BK04,123-456,홍길동"],
    "modify-ste1": ["m", "21234567890123", "STE1", "", "", "", "", "", "deli_numb=123456", "deli_corp=CJ"],
    "modify-stmr": ["m", "21234567890123", "STMR", "", "100"],
    "smuggle-tno": ["m", "1^STPC", "STSC"],
    "smuggle-reason": ["c", "1", "", "a^b\nc"],
    "inquiry": ["i", "21234567890123", "PAVC"],
}
for name, fields in Q.items():
    write("request", name, S.join(fields))

# payment_reply: header `op|pay_type|amount`, LF, reply (op: approval 0, billing key 1,
# charge 2, deletion 3, virtual account 4, key-in 5, trade registration 6)
P = {
    "captured-card": "\x00|PACA|1100\n" + json.dumps({"order_no": "20230412329", "partcanc_yn": "Y", "noinf": "N", "res_msg": "정상처리", "card_mny": "1100", "quota": "00", "acqu_cd": "CCLG", "amount": "1100", "pay_method": "PACA", "res_cd": "0000", "escw_yn": "N", "app_time": "20230412032914", "tno": "23732987373372", "card_cd": "CCLG", "card_name": "신한카드", "app_no": "70577311", "card_no": "461954******7815"}, ensure_ascii=False),
    "points": "\x00||500\n{\"res_cd\":\"0000\",\"tno\":\"1\",\"pay_method\":\"PAPT\",\"pnt_issue\":\"SCSK\",\"pnt_amount\":\"500\",\"use_pnt\":\"500\",\"rsv_pnt\":\"1000\"}",
    "billing-key": "\x01||\n" + json.dumps({"res_cd": "0000", "res_msg": "정상처리", "batch_key": "2304051168518034", "card_cd": "CCDI", "card_bank_cd": "0321"}, ensure_ascii=False),
    "va-v000": "\x04|PAVC|50000\n{\"res_cd\":\"V000\",\"tno\":\"1\",\"amount\":\"50000\",\"bankname\":\"KB\",\"account\":\"123\",\"va_date\":\"20261231235959\"}",
    "trade": "\x06||\n{\"Code\":\"0000\",\"Message\":\"OK\",\"approvalKey\":\"AK\",\"PayUrl\":\"https://testsmpay.kcp.co.kr/pay/mobileGW.kcp\",\"traceNo\":\"T\"}",
    "refusal": "\x00||1\n" + json.dumps({"res_cd": "8059", "res_msg": "결제금액 불일치"}, ensure_ascii=False),
    "big-numbers": "\x00||1\n{\"res_cd\":\"0000\",\"tno\":23732987373372,\"amount\":123456789012345678901234567890,\"batch_key\":2304051168518034}",
}
for name, text in P.items():
    write("payment_reply", name, text)
# notification: a raw form body (application/x-www-form-urlencoded, UTF-8 or EUC-KR)
N = {
    "tx00-euc-kr": b"site_cd=T0000&tno=21234567890123&order_no=O1&tx_cd=TX00&tx_tm=20261130120000&ipgm_name=%C8%AB%B1%E6%B5%BF&ipgm_mnyx=000000010000&totl_mnyx=000000010000&bank_code=BK04&account=123&noti_id=N1&op_cd=13&remitter=%B1%E8",
    "tx00-raw-euc-kr": b"tno=1&tx_cd=TX00&remitter=\xc8\xab\xb1\xe6\xb5\xbf&ipgm_mnyx=5",
    "tx00-utf8": "tno=1&tx_cd=TX00&remitter=%ED%99%8D&ipgm_mnyx=1+".encode(),
    "tx02": b"tno=1&tx_cd=TX02&st_cd=N&can_msg=%C1%A4%BB%F3%C3%B3%B8%AE",
    "tx01": b"tno=1&tx_cd=TX01&refund_mny=100&refund_nm=a",
    "tx03": b"tno=1&tx_cd=TX03&waybill_no=1&waybill_corp=CJ",
    "tx08": b"tno=1&tx_cd=TX08&ipgm_mnyx=7&bank_code=11",
    "unknown": b"tno=1&tx_cd=TX99&ordr_idxx=A&&=&x",
    "bad-escape": b"tno=1&a=%",
    "dup": b"tno=1&a=1&a=2",
    "reply": b'<html><body><form><input type="hidden" name="result" value="0000"></form></body></html>',
    "ip": b"::ffff:103.215.144.173",
}
for name, data in N.items():
    write("notification", name, data)
# json: any text (the crate's reader against serde_json): KCP's replies above, and the shapes
# the reader must get exactly right.
J = {
    "reply": P["captured-card"].split("\n", 1)[1],
    "trade": P["trade"].split("\n", 1)[1],
    "big-numbers": P["big-numbers"].split("\n", 1)[1],
    "numbers": '[0,-0,1.5,-2.5e3,1E+30,0.1,99.400363901854861e297,123456789012345678901234567890,1e-400,-1e309]',
    "escapes": '{"a":"\\u0000\\b\\f\\n\\r\\t\\"\\\\\\/","b":"\\ud83d\\ude00","c":"\\u00e9"}',
    "nested": "[" * 126 + "{}" + "]" * 126,
    "duplicates": '{"a":1,"b":2,"a":3}',
    "whitespace": ' \t\n\r{ "a" : [ true , false , null ] } \n',
}
for name, text in J.items():
    write("json", name, text)
PY
ls corpus/* | head -100 | wc -l
