//! What KCP's refusal codes (`res_cd`) are known to mean: the one table of them in kcp-wasm.
//!
//! KCP publishes no code table that we could find; each row below is supported by a source
//! listed in `kcp-api/beyond-cancel.md` §6 (and §1.5 for `8012`) of the project's research notes,
//! cited per row. Only codes about the calls this library makes are here. A hint is one line of English that says what to do; KCP's own `res_msg` is always kept
//! verbatim beside it. Unknown codes have no hint.

/// A `res_cd` with a known meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResultCode {
    /// KCP's code, e.g. `8012`.
    pub code: &'static str,
    /// What it means and what to do, in one line of English.
    pub hint: &'static str,
    /// Where the meaning comes from, and how sure it is (A: KCP's own material; C: third
    /// parties citing KCP's documents).
    pub source: &'static str,
}

/// Every code with a hint, in code order.
///
/// ```
/// let c = kcp_wasm::result_code("8012").unwrap();
/// assert!(c.hint.contains("IP"));
/// assert!(kcp_wasm::result_code("0000").is_none());
/// ```
pub const RESULT_CODES: &[ResultCode] = &[
    // beyond-cancel.md §1.5 and §6: KCP's manual (copy at undefined.md@8b95b88) gives
    // "res_cd=8012, res_msg=취소불가-상점관리자 문의" for a cancel from a server IP not registered
    // in the merchant admin; a 2026 third-party note cites KCP's REST documentation for the same.
    ResultCode {
        code: "8012",
        hint: "the calling server's IP is not registered with KCP: cancels and refunds are accepted \
               only from server IPs registered in KCP's partner admin (server IP settings); \
               serverless platforms need a fixed-IP egress or proxy (the baseUrl option)",
        source: "KCP manual (legacy, A); third-party note citing KCP's REST docs (B)",
    },
    // beyond-cancel.md §1.5 and §6: KCP's manual (copy at undefined-1.md@49b4ad8) gives
    // "res_cd=8059, 포맷에러(지불정보-공통:결제금액 불일치)" for an approval whose amount is not
    // the one the payment window authenticated; the REST API's code for it is unconfirmed.
    ResultCode {
        code: "8059",
        hint: "the approval's amount (ordr_mony) is not the amount the payment window \
               authenticated: approve with the order's amount as your database holds it, and \
               find out why the two differ before anything else",
        source: "KCP manual (legacy, A; the REST code is unconfirmed)",
    },
    // beyond-cancel.md §6: third-party note citing KCP's documentation (C).
    ResultCode {
        code: "8178",
        hint: "KCP refused the cancel because the merchant's pending settlement balance is too \
               small to deduct it from; ask KCP",
        source: "third-party note citing KCP's docs (C)",
    },
    // beyond-cancel.md §6: third-party note citing KCP's documentation (C).
    ResultCode {
        code: "8392",
        hint: "partial cancels are not enabled for this merchant: they must be agreed with \
               NHN KCP first",
        source: "third-party note citing KCP's docs (C)",
    },
    // beyond-cancel.md §6: third-party legacy integration (C).
    ResultCode {
        code: "8742",
        hint: "an escrow transaction cannot be partially cancelled",
        source: "third-party legacy integration (C)",
    },
];

/// The known meaning of a `res_cd`, if any.
pub fn result_code(res_cd: &str) -> Option<&'static ResultCode> {
    RESULT_CODES.iter().find(|c| c.code == res_cd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_one_line() {
        for pair in RESULT_CODES.windows(2) {
            assert!(pair[0].code < pair[1].code);
        }
        for c in RESULT_CODES {
            assert!(
                !c.hint.contains('\n') && !c.hint.contains("  "),
                "{}",
                c.code
            );
            assert_ne!(c.code, "0000");
        }
    }
}
