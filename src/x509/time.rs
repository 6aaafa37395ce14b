//! Validity dates: RFC 5280's UTCTime and GeneralizedTime, read to the second in UTC.

use crate::asn1::{self, Tlv};

/// A validity date, to the second, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl DateTime {
    /// `Time ::= CHOICE { UTCTime, GeneralizedTime }` as RFC 5280 has them: `YYMMDDHHMMSSZ` (years
    /// 50 to 99 are 19xx, the others 20xx) or `YYYYMMDDHHMMSSZ`. No fractions, offsets or missing
    /// seconds; every field in its range.
    pub(crate) fn from_der(tlv: Tlv<'_>) -> Option<Self> {
        let (year, rest) = match tlv.tag {
            asn1::TAG_UTC_TIME if tlv.value.len() == 13 => {
                let yy = digits(&tlv.value[..2])?;
                (
                    if yy >= 50 { 1900 + yy } else { 2000 + yy },
                    &tlv.value[2..],
                )
            }
            asn1::TAG_GENERALIZED_TIME if tlv.value.len() == 15 => {
                (digits(&tlv.value[..4])?, &tlv.value[4..])
            }
            _ => return None,
        };
        let (fields, z) = rest.split_at(10);
        if z != b"Z" {
            return None;
        }
        let field = |i: usize| digits(&fields[2 * i..2 * i + 2]).map(|v| v as u8);
        let t = Self {
            year,
            month: field(0)?,
            day: field(1)?,
            hour: field(2)?,
            minute: field(3)?,
            second: field(4)?,
        };
        let valid = (1..=12).contains(&t.month)
            && (1..=days_in_month(t.year, t.month)).contains(&t.day)
            && t.hour < 24
            && t.minute < 60
            && t.second < 60;
        valid.then_some(t)
    }

    /// RFC 3339: `YYYY-MM-DDTHH:MM:SSZ`.
    pub(crate) fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub(crate) fn unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

/// ASCII decimal digits, nothing else.
fn digits(text: &[u8]) -> Option<u16> {
    text.iter().try_fold(0u16, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u16::from(b - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: u16, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400); // 0..=399
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1; // from March 1st
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(tag: u8, text: &str) -> Option<DateTime> {
        DateTime::from_der(Tlv {
            tag,
            value: text.as_bytes(),
        })
    }

    fn utc(text: &str) -> Option<(String, i64)> {
        time(asn1::TAG_UTC_TIME, text).map(|t| (t.rfc3339(), t.unix()))
    }

    fn generalized(text: &str) -> Option<(String, i64)> {
        time(asn1::TAG_GENERALIZED_TIME, text).map(|t| (t.rfc3339(), t.unix()))
    }

    fn some(text: &str, unix: i64) -> Option<(String, i64)> {
        Some((text.to_string(), unix))
    }

    #[test]
    fn utc_time_century_follows_rfc_5280() {
        assert_eq!(utc("700101000000Z"), some("1970-01-01T00:00:00Z", 0));
        assert_eq!(
            utc("500101000000Z"),
            some("1950-01-01T00:00:00Z", -631_152_000)
        );
        assert_eq!(
            utc("991231235959Z"),
            some("1999-12-31T23:59:59Z", 946_684_799)
        );
        assert_eq!(
            utc("000101000000Z"),
            some("2000-01-01T00:00:00Z", 946_684_800)
        );
        assert_eq!(
            utc("491231235959Z"),
            some("2049-12-31T23:59:59Z", 2_524_607_999)
        );
        assert_eq!(utc("380119031408Z"), some("2038-01-19T03:14:08Z", 1 << 31));
        assert_eq!(
            utc("260628003437Z"),
            some("2026-06-28T00:34:37Z", 1_782_606_877)
        );
    }

    #[test]
    fn generalized_time() {
        assert_eq!(
            generalized("20500101000000Z"),
            some("2050-01-01T00:00:00Z", 2_524_608_000)
        );
        assert_eq!(
            generalized("99991231235959Z"),
            some("9999-12-31T23:59:59Z", 253_402_300_799)
        );
        assert_eq!(
            generalized("19691231235959Z"),
            some("1969-12-31T23:59:59Z", -1)
        );
        assert_eq!(
            generalized("00000101000000Z"),
            some("0000-01-01T00:00:00Z", -62_167_219_200)
        );
        // Also before 2050, which RFC 5280 says to write as UTCTime (OpenSSL reads it too).
        assert_eq!(
            generalized("20210629003437Z"),
            some("2021-06-29T00:34:37Z", 1_624_926_877)
        );
    }

    #[test]
    fn leap_years() {
        assert!(utc("000229000000Z").is_some()); // 2000: divisible by 400
        assert!(utc("240229000000Z").is_some());
        assert!(utc("230229000000Z").is_none());
        assert!(generalized("21000229000000Z").is_none()); // divisible by 100
        assert!(generalized("24000229000000Z").is_some());
        assert!(utc("990229000000Z").is_none());
        assert_eq!(
            generalized("20600229123456Z"),
            some("2060-02-29T12:34:56Z", 2_845_283_696)
        );
        assert_eq!(
            utc("000301000000Z"),
            some("2000-03-01T00:00:00Z", 951_868_800)
        );
    }

    #[test]
    fn every_day_matches_a_day_count() {
        // days_from_civil against counting days one by one from 1950 to 2100.
        let mut expected = days_from_civil(1950, 1, 1);
        assert_eq!(expected, -7305);
        for year in 1950..=2100u16 {
            for month in 1..=12u8 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(
                        days_from_civil(year, month, day),
                        expected,
                        "{year}-{month}-{day}"
                    );
                    expected += 1;
                }
            }
        }
    }

    #[test]
    fn refuses_what_rfc_5280_does_not_allow() {
        for bad in [
            "4912312359Z",       // no seconds
            "491231235959",      // no Z
            "491231235959z",     // lowercase z
            "491231235959.5Z",   // fraction
            "491231235959+0100", // offset
            "4912312359+9Z",     // sign among the digits
            "49123123595 Z",     // space
            "4912312359599Z",    // one digit too many
            "491331235959Z",     // month 13
            "490031235959Z",     // month 0
            "491200235959Z",     // day 0
            "491232235959Z",     // day 32
            "490431235959Z",     // 31 April
            "491231245959Z",     // hour 24
            "491231236059Z",     // minute 60
            "491231235960Z",     // second 60 (leap seconds are not used)
            "",
        ] {
            assert_eq!(utc(bad), None, "UTCTime {bad:?}");
        }
        for bad in [
            "205012312359Z",     // no seconds
            "20501231235959",    // no Z
            "20501231235959.5Z", // fraction
            "20501231235959+0000",
            "2050123123595Z",
            "205012312359590Z",
            "20501231235960Z",
            "-0501231235959Z",
        ] {
            assert_eq!(generalized(bad), None, "GeneralizedTime {bad:?}");
        }
        // The tag decides the form: a UTCTime is not read as a GeneralizedTime, nor the reverse.
        assert_eq!(utc("20501231235959Z"), None);
        assert_eq!(generalized("501231235959Z"), None);
        assert_eq!(time(asn1::TAG_PRINTABLE_STRING, "501231235959Z"), None);
    }
}
