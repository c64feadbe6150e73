//! Parquet values as the loader needs them: ids as text tokens, times as Unix milliseconds.
//!
//! Ids may be strings (`BYTE_ARRAY`, UTF-8 or not) or integers of any width; an integer id is
//! the same token as the same number in a CSV file, so a log reads the same from either.
//! Times may be Parquet timestamps (`TIMESTAMP` in milliseconds, microseconds or nanoseconds,
//! legacy `INT96`), `DATE`s, integers (Unix time, the unit guessed from the magnitude as for
//! text, see [`super::timestamp`]) or strings in any form the text timestamp parser reads.

use std::borrow::Cow;

use parquet::basic::{LogicalType, TimeUnit};
use parquet::record::Field;
use parquet::schema::types::Type;

use super::timestamp;

/// Milliseconds in a day, for `DATE` values.
const DAY_MILLIS: i64 = 86_400_000;

/// What the plain integers of a time column count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntegerTime {
    /// Unknown: guessed from the magnitude, as for a text file.
    Guess,
    /// Nanoseconds (a `TIMESTAMP(NANOS)` column, which the record reader leaves as integers).
    Nanos,
}

impl IntegerTime {
    /// How to read the integers of the column of type `column`.
    pub(crate) fn of(column: &Type) -> Self {
        match column.get_basic_info().logical_type_ref() {
            Some(LogicalType::Timestamp {
                unit: TimeUnit::NANOS,
                ..
            }) => Self::Nanos,
            _ => Self::Guess,
        }
    }
}

/// The text token of an id value: strings as they are (trimmed), numbers in decimal, other
/// values as Parquet prints them; empty for a null.
pub(crate) fn token(field: &Field) -> Cow<'_, str> {
    match field {
        Field::Null => Cow::Borrowed(""),
        Field::Str(text) => Cow::Borrowed(text.trim()),
        Field::Bytes(bytes) => match String::from_utf8_lossy(bytes.data()) {
            Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
            Cow::Owned(text) => Cow::Owned(text.trim().to_owned()),
        },
        Field::Byte(n) => Cow::Owned(n.to_string()),
        Field::Short(n) => Cow::Owned(n.to_string()),
        Field::Int(n) => Cow::Owned(n.to_string()),
        Field::Long(n) => Cow::Owned(n.to_string()),
        Field::UByte(n) => Cow::Owned(n.to_string()),
        Field::UShort(n) => Cow::Owned(n.to_string()),
        Field::UInt(n) => Cow::Owned(n.to_string()),
        Field::ULong(n) => Cow::Owned(n.to_string()),
        other => Cow::Owned(other.to_string()),
    }
}

/// A time value as Unix milliseconds; `None` for a null or a value that is not a time.
pub(crate) fn millis(field: &Field, integers: IntegerTime) -> Option<i64> {
    let integer = |value: i64| match integers {
        IntegerTime::Guess => timestamp::integer_to_millis(value),
        IntegerTime::Nanos => Some(value.div_euclid(1_000_000)),
    };
    match field {
        Field::TimestampMillis(value) => Some(*value),
        Field::TimestampMicros(value) => Some(value.div_euclid(1000)),
        Field::Date(days) => i64::from(*days).checked_mul(DAY_MILLIS),
        Field::Long(value) => integer(*value),
        Field::Int(value) => integer(i64::from(*value)),
        Field::Short(value) => integer(i64::from(*value)),
        Field::UInt(value) => integer(i64::from(*value)),
        Field::ULong(value) => i64::try_from(*value).ok().and_then(integer),
        Field::Str(text) => timestamp::parse_millis(text),
        Field::Bytes(bytes) => std::str::from_utf8(bytes.data())
            .ok()
            .and_then(timestamp::parse_millis),
        Field::Double(seconds) => seconds_to_millis(*seconds),
        Field::Float(seconds) => seconds_to_millis(f64::from(*seconds)),
        _ => None,
    }
}

/// Decimal Unix seconds as milliseconds, when finite and in range.
fn seconds_to_millis(seconds: f64) -> Option<i64> {
    let millis = (seconds * 1000.0).round();
    // i64::MAX is not exactly representable; stay well inside it.
    (millis.is_finite() && millis.abs() < 9.0e18).then_some(millis as i64)
}

#[cfg(test)]
mod tests {
    use parquet::data_type::ByteArray;

    use super::*;

    #[test]
    fn ids_read_like_csv_tokens() {
        assert_eq!(token(&Field::Long(42)), "42");
        assert_eq!(token(&Field::Int(-7)), "-7");
        assert_eq!(token(&Field::Str(" ad-1 ".into())), "ad-1");
        assert_eq!(token(&Field::Bytes(ByteArray::from("u9"))), "u9");
        assert_eq!(token(&Field::Null), "");
    }

    #[test]
    fn times_in_every_representation() {
        let day = 1_700_000_000_000;
        let guess = IntegerTime::Guess;
        assert_eq!(millis(&Field::TimestampMillis(day), guess), Some(day));
        assert_eq!(
            millis(&Field::TimestampMicros(day * 1000 + 5), guess),
            Some(day)
        );
        assert_eq!(
            millis(&Field::Long(day * 1_000_000), IntegerTime::Nanos),
            Some(day)
        );
        assert_eq!(millis(&Field::Long(1_700_000_000), guess), Some(day));
        assert_eq!(millis(&Field::Long(day), guess), Some(day));
        assert_eq!(millis(&Field::Date(1), guess), Some(DAY_MILLIS));
        let iso = Field::Str("2023-11-14T22:13:20Z".into());
        assert_eq!(millis(&iso, guess), Some(day));
        assert_eq!(
            millis(&Field::Double(1_700_000_000.25), guess),
            Some(day + 250)
        );
        assert_eq!(millis(&Field::Str("soon".into()), guess), None);
        assert_eq!(millis(&Field::Null, guess), None);
        assert_eq!(millis(&Field::Double(f64::NAN), guess), None);
    }
}
