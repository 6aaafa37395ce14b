// The emulator's refusals: its own res_cd table and the exception that carries one from a
// check (routes.js) or a money rule (ledger.js) to the reply.

/** The emulator's own refusal codes. KCP publishes no code table, so these are ours. */
export const REFUSALS = Object.freeze({
  E100: { ko: '요청 형식 오류', en: 'the request body is not a JSON object' },
  E101: { ko: '필수 항목 누락', en: 'a required field is missing' },
  E102: { ko: '항목 값 오류', en: 'a field has an invalid value' },
  E200: { ko: '등록되지 않은 사이트 코드', en: 'site_cd is not a registered merchant' },
  E201: { ko: '인증서 정보 불일치', en: "kcp_cert_info is not the merchant's certificate" },
  E202: { ko: '서명 검증 실패', en: 'kcp_sign_data does not verify over the expected plaintext' },
  E300: { ko: '거래 정보 없음', en: 'no such transaction for this merchant' },
  E301: { ko: '이미 취소된 거래', en: 'the transaction is already fully cancelled' },
  E302: { ko: '취소 가능 잔액 불일치', en: 'rem_mny does not equal the cancellable balance' },
  E303: { ko: '취소 가능 잔액 초과', en: 'mod_mny exceeds the cancellable balance' },
  E304: { ko: '지원하지 않는 변경 유형', en: 'mod_type is not supported by the emulator' },
  E305: { ko: '결제 수단 불일치', en: 'pay_type does not match the transaction' },
});

export class Refusal {
  constructor(code, detail) {
    this.code = code;
    this.detail = detail;
  }
}

export const refuse = (code, detail) => {
  throw new Refusal(code, detail);
};
