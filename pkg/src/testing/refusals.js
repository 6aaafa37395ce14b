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
  E306: { ko: '입금 전 가상계좌', en: 'the virtual account has no deposit yet: only a full cancel of the issuance is possible' },
  E310: { ko: '인증 정보 없음', en: 'enc_data/enc_info were not handed out by the payment window' },
  E311: { ko: '이미 사용된 인증 정보', en: 'enc_data/enc_info were already used for an approval' },
  E312: { ko: '거래 코드 불일치', en: "tran_cd is not the window's" },
  E313: { ko: '결제창 사이트 코드 불일치', en: 'the payment window was opened for another site_cd' },
  E320: { ko: '배치키 없음', en: 'no such billing key (batch key) for this merchant' },
  E321: { ko: '삭제된 배치키', en: 'the billing key (batch key) was deleted' },
  E322: { ko: '그룹 아이디 불일치', en: "the group id is not the merchant's (or not the billing key's)" },
  E330: { ko: '카드 번호 오류', en: 'card_no is not a valid card number' },
  E331: { ko: '유효기간 오류', en: 'card_expiry is not a valid YYMM, or the card has expired' },
  E340: { ko: '지원하지 않는 요청 유형', en: 'the hub request is of a kind the emulator does not support' },
  E341: { ko: '입금 대기 중인 가상계좌가 아님', en: 'the transaction is not a virtual account awaiting its deposit' },
  E342: { ko: '거래등록 정보 없음', en: 'approval_key was not handed out by trade registration' },
});

/**
 * KCP's own codes the emulator answers with, message verbatim: 8059, an approval whose
 * `ordr_mony` is not the window's, from KCP's legacy (pp_cli) manual (beyond-cancel.md §1.5;
 * the REST API's code for it is unconfirmed).
 */
export const KCP_CODES = Object.freeze({
  8059: { ko: '포맷에러(지불정보-공통:결제금액 불일치)', en: "ordr_mony does not equal the amount authenticated in the window (KCP's legacy code 8059)" },
});

/** The message pair of any code the emulator answers with. */
export const refusalMessage = (code) => REFUSALS[code] ?? KCP_CODES[code];

export class Refusal {
  constructor(code, detail) {
    this.code = code;
    this.detail = detail;
  }
}

export const refuse = (code, detail) => {
  throw new Refusal(code, detail);
};
