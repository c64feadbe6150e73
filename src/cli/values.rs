//! Value parsers shared by the command-line argument types.

/// A count that must be at least 1 (`--top 0` would make an empty, misleading table): clap
/// refuses zero with the flag's name before the command starts.
pub fn at_least_one<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
    T::Err: std::fmt::Display,
{
    let value: T = text.parse().map_err(|e: T::Err| e.to_string())?;
    if value < T::from(1) {
        return Err("must be at least 1".into());
    }
    Ok(value)
}
