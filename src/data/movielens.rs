//! MovieLens rating files: `ratings.dat` (`user::item::rating::timestamp`, ML-1M/10M) and
//! `u.data` (`user<TAB>item<TAB>rating<TAB>timestamp`, ML-100K), without a header.
//!
//! Every rating counts as an interaction, whatever its value (the usual implicit-feedback
//! reading, as in SASRec); the rating itself is not kept. Events are ordered by timestamp,
//! with ties (frequent: MovieLens times are in seconds) kept in file order.

use super::columns::Columns;
use super::delimited::Layout;
use super::format_kind::Format;

/// Where MovieLens rating files keep the user, item and time: no header, four fields.
pub(crate) fn layout() -> Layout {
    Layout {
        columns: Columns {
            user: 0,
            item: 1,
            time: Some(3),
            behaviour: None,
        },
        width: 4,
        header: false,
        format: Format::MovieLens,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::dataset::Dataset;
    use super::super::error::DataError;
    use super::super::format::Delimiter;
    use super::super::row_reader::read_rows;
    use super::super::text::Separator;
    use super::*;

    /// Reads a MovieLens ratings file whose fields are separated as `delimiter` says.
    fn load(
        path: &Path,
        text: &str,
        delimiter: Delimiter,
        strict: bool,
    ) -> Result<Dataset, DataError> {
        read_rows(path, text, delimiter, &layout(), strict, None)
    }

    #[test]
    fn ratings_dat_sorted_by_time_with_ties_in_file_order() {
        let text = "1::1193::5::978300760\n1::661::3::978302109\n1::914::3::978300760\n2::1193::4::978298413\n";
        let delimiter = Delimiter::Split(Separator::Text("::"));
        let dataset = load(Path::new("ratings.dat"), text, delimiter, false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dataset.items.tokens(), ["1193", "661", "914"]);
        assert_eq!(dataset.sequences, vec![vec![0, 2, 1], vec![0]]);
        assert_eq!(dataset.format, Format::MovieLens);
    }

    #[test]
    fn u_data_with_a_bad_row() {
        let text = "196\t242\t3\t881250949\n186\t302\t3\n";
        let dataset = load(Path::new("u.data"), text, Delimiter::Byte(b'\t'), false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dataset.n_interactions(), 1);
        assert_eq!(dataset.report.skipped_count(), 1);
    }
}
