//! Which file format an export is written in.

use std::fmt;
use std::str::FromStr;

/// The file format of a warehouse export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV tables with a header row (DuckDB `read_csv`, Spark `USING csv`).
    #[default]
    Csv,
    /// Parquet tables (DuckDB `read_parquet`, Spark `USING parquet`).
    Parquet,
    /// One safetensors file of `F32` tensors, with the ids in CSV beside it.
    Safetensors,
}

impl ExportFormat {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Parquet => "parquet",
            Self::Safetensors => "safetensors",
        }
    }

    /// Whether a SQL engine reads the tables directly (CSV and Parquet).
    pub fn is_tabular(self) -> bool {
        !matches!(self, Self::Safetensors)
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "parquet" => Ok(Self::Parquet),
            "safetensors" => Ok(Self::Safetensors),
            other => Err(format!(
                "unknown export format '{other}': use csv, parquet or safetensors"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name() {
        for format in [
            ExportFormat::Csv,
            ExportFormat::Parquet,
            ExportFormat::Safetensors,
        ] {
            assert_eq!(format.name().parse::<ExportFormat>(), Ok(format));
        }
        assert_eq!("PARQUET".parse::<ExportFormat>(), Ok(ExportFormat::Parquet));
        let error = "xlsx".parse::<ExportFormat>().expect_err("unknown");
        assert!(error.contains("csv, parquet or safetensors"), "{error}");
    }
}
