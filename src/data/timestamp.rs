// Hand-written on purpose (issue #33): jiff 1.0.3 without default features adds 2 crates (jiff,
// jiff-core: ~10 s of compile time, cargo --timings) and would replace only the ISO half of this
// file (~130 lines): the unit guess for Unix times and the `/` dates would stay ours.

//! A small timestamp parser (no date-time dependency).
//!
//! Accepted forms, all converted to milliseconds since the Unix epoch (UTC):
//! - integers: Unix time. The unit is guessed from the magnitude: below 10^11 seconds, below
//!   10^14 milliseconds, below 10^17 microseconds, else nanoseconds (10^11 seconds is the year
//!   5138, and 10^11 milliseconds is 1973);
//! - decimal numbers: Unix seconds with a fraction (`1511544070.25`);
//! - ISO-8601 dates and date-times: `2017-11-25`, `2017-11-25T08:30`, `2017-11-25 08:30:05`,
//!   `2017-11-25T08:30:05.123Z`, `2017-11-25T08:30:05+01:00` (also `/` as date separator);
//!   without an offset the time is taken as UTC.

/// What a parsed timestamp looked like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeKind {
    /// An integer Unix time.
    Integer,
    /// A decimal number of seconds.
    Decimal,
    /// An ISO-8601 date or date-time.
    Date,
}

/// Parses `text` (surrounding whitespace allowed) into Unix milliseconds.
pub(crate) fn parse_millis(text: &str) -> Option<i64> {
    parse(text).map(|(millis, _)| millis)
}

/// Parses `text` into Unix milliseconds and says which form it had.
pub(crate) fn parse(text: &str) -> Option<(i64, TimeKind)> {
    let bytes = text.trim().as_bytes();
    if bytes.len() >= 8 && bytes.get(4).is_some_and(|&b| b == b'-' || b == b'/') {
        return parse_iso(bytes).map(|millis| (millis, TimeKind::Date));
    }
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    let (whole, fraction) = match digits.iter().position(|&b| b == b'.') {
        Some(dot) => (digits.get(..dot)?, Some(digits.get(dot + 1..)?)),
        None => (digits, None),
    };
    let whole_value = if whole.is_empty() && fraction.is_some_and(|f| !f.is_empty()) {
        0
    } else {
        parse_digits(whole)?
    };
    let (millis, kind) = match fraction {
        None => (integer_to_millis(whole_value)?, TimeKind::Integer),
        Some(fraction) => {
            if fraction.is_empty() && whole.is_empty() {
                return None;
            }
            let millis = whole_value
                .checked_mul(1000)?
                .checked_add(fraction_millis(fraction)?)?;
            (millis, TimeKind::Decimal)
        }
    };
    Some((
        if negative {
            millis.checked_neg()?
        } else {
            millis
        },
        kind,
    ))
}

/// A non-negative integer made only of ASCII digits (at least one).
fn parse_digits(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    digits.iter().try_fold(0i64, |acc, &b| {
        let digit = char::from(b).to_digit(10)?;
        acc.checked_mul(10)?.checked_add(i64::from(digit))
    })
}

/// The first three fraction digits as milliseconds (the rest must be digits and is dropped).
fn fraction_millis(fraction: &[u8]) -> Option<i64> {
    if !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut millis = 0i64;
    for position in 0..3 {
        let digit = fraction.get(position).map_or(0, |&b| i64::from(b - b'0'));
        millis = millis * 10 + digit;
    }
    Some(millis)
}

/// An integer Unix time in an unknown unit, converted to milliseconds by magnitude.
pub(crate) fn integer_to_millis(value: i64) -> Option<i64> {
    if value < 100_000_000_000 {
        value.checked_mul(1000)
    } else if value < 100_000_000_000_000 {
        Some(value)
    } else if value < 100_000_000_000_000_000 {
        Some(value / 1000)
    } else {
        Some(value / 1_000_000)
    }
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:MM]]`.
fn parse_iso(bytes: &[u8]) -> Option<i64> {
    let mut cursor = Cursor { bytes, pos: 0 };
    let year = cursor.number(4)?;
    let separator = cursor.next()?;
    let month = cursor.number(2)?;
    cursor.expect(separator)?;
    let day = cursor.number(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let mut millis = 0;
    if matches!(cursor.peek(), Some(b'T' | b't' | b' ')) {
        cursor.pos += 1;
        let hour = cursor.number(2)?;
        cursor.expect(b':')?;
        let minute = cursor.number(2)?;
        let mut second = 0;
        if cursor.peek() == Some(b':') {
            cursor.pos += 1;
            second = cursor.number(2)?;
            if matches!(cursor.peek(), Some(b'.' | b',')) {
                cursor.pos += 1;
                let start = cursor.pos;
                while cursor.peek().is_some_and(|b| b.is_ascii_digit()) {
                    cursor.pos += 1;
                }
                millis = fraction_millis(bytes.get(start..cursor.pos)?)?;
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        seconds += hour * 3600 + minute * 60 + second;
        match cursor.peek() {
            Some(b'Z' | b'z') => cursor.pos += 1,
            Some(sign @ (b'+' | b'-')) => {
                cursor.pos += 1;
                let hours = cursor.number(2)?;
                if cursor.peek() == Some(b':') {
                    cursor.pos += 1;
                }
                let minutes = if cursor.peek().is_some() {
                    cursor.number(2)?
                } else {
                    0
                };
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = hours * 3600 + minutes * 60;
                seconds += if sign == b'+' { -offset } else { offset };
            }
            _ => {}
        }
    }
    if cursor.pos != bytes.len() {
        return None;
    }
    Some(seconds * 1000 + millis)
}

/// Reads fixed-width ASCII numbers from a byte string.
struct Cursor<'a> {
    /// The text.
    bytes: &'a [u8],
    /// Next byte to read.
    pos: usize,
}

impl Cursor<'_> {
    /// The next byte, not consumed.
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The next byte, consumed.
    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    /// Consumes `wanted`, or fails.
    fn expect(&mut self, wanted: u8) -> Option<()> {
        (self.next()? == wanted).then_some(())
    }

    /// Exactly `width` digits.
    fn number(&mut self, width: usize) -> Option<i64> {
        let digits = self.bytes.get(self.pos..self.pos + width)?;
        self.pos += width;
        parse_digits(digits)
    }
}

/// Whether `year` is a Gregorian leap year.
fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1–12) of `year`.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); `year` is
/// 0..=9999 and `month`, `day` are valid here.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_by_magnitude() {
        assert_eq!(parse_millis("1511544070"), Some(1_511_544_070_000));
        assert_eq!(parse_millis("1511544070123"), Some(1_511_544_070_123));
        assert_eq!(parse_millis("1511544070123456"), Some(1_511_544_070_123));
        assert_eq!(parse_millis(" 42 "), Some(42_000));
        assert_eq!(parse_millis("-5"), Some(-5000));
        assert_eq!(parse("7").map(|p| p.1), Some(TimeKind::Integer));
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_millis("1.5"), Some(1500));
        assert_eq!(parse_millis("1511544070.25"), Some(1_511_544_070_250));
        assert_eq!(parse_millis(".5"), Some(500));
        assert_eq!(parse_millis("-1.25"), Some(-1250));
        assert_eq!(parse_millis("."), None);
        assert_eq!(parse_millis("1.2.3"), None);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(parse_millis("1970-01-01"), Some(0));
        assert_eq!(parse_millis("2017-11-25"), Some(1_511_568_000_000));
        assert_eq!(
            parse_millis("2017-11-25T08:30:05Z"),
            Some(1_511_598_605_000)
        );
        assert_eq!(
            parse_millis("2017-11-25 08:30:05.5"),
            Some(1_511_598_605_500)
        );
        assert_eq!(
            parse_millis("2017-11-25T09:30:05+01:00"),
            Some(1_511_598_605_000)
        );
        assert_eq!(
            parse_millis("2017-11-25T03:30:05-0500"),
            Some(1_511_598_605_000)
        );
        assert_eq!(parse_millis("2017/11/25T08:30"), Some(1_511_598_600_000));
        assert_eq!(parse_millis("2000-02-29"), Some(951_782_400_000));
        assert_eq!(parse_millis("1969-12-31"), Some(-86_400_000));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "abc",
            "yesterday",
            "1e5",
            "NaN",
            "inf",
            "12:30",
            "2017-13-01",
            "2017-02-29",
            "2017-11-25T24:00",
            "2017-11-25T08",
            "2017-11-25x",
            "2017-11/25",
            "99999999999999999999",
            "--1",
            "+",
            "1-",
            "2017-1-5",
            "٣",
            "2017-11-25T08:30:05+1",
        ] {
            assert_eq!(parse_millis(bad), None, "{bad:?}");
        }
    }
}
