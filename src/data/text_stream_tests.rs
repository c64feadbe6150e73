//! Reading text in pieces gives exactly what reading it whole gives, wherever the pieces are
//! cut: inside a quoted field with line breaks, between `\r` and `\n`, inside a repeated
//! header; and messages name the line in the whole text.

use std::path::Path;

use super::super::dataset::Dataset;
use super::super::error::{DataError, DataErrorKind};
use super::super::options::LoadOptions;
use super::{Pieces, Source, load};

/// Texts that exercise every reader: CSV with quotes spanning lines, CRLF, a repeated header,
/// blank lines, bad rows and multi-byte characters; TSV; MovieLens `::`; SASRec.
const TEXTS: [(&str, &str); 6] = [
    (
        "quoted.csv",
        "user,item,time,note\r\nu1,caf\u{e9},1,\"two\r\nlines\"\r\nu1,b,2,x\r\n\r\nu2,\u{1F600},3,\"a,b\"\"c\"\r\nuser,item,time,note\r\nu2,a,x,bad time\r\nu3,a,4,\"three\nline\nnote\"\nu3,b\nu3,c,5,last",
    ),
    (
        "plain.csv",
        "user_id,item_id,ts\n1,10,100\n1,11,101\n2,10,100\n2,10,100\n3,12,99\n\n\n3,13,98\n",
    ),
    ("tabs.tsv", "user\titem\ttime\na\tx\t1\na\ty\t2\nb\tx\t1\n"),
    (
        "ratings.dat",
        "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n2::9::4\n",
    ),
    (
        "seqs.txt",
        "1 10\n1 11\n2 12\n\n1 13\n3 14 15 16\r\n  \n4\n",
    ),
    ("unclosed.csv", "user,item\n1,2\n3,\"4\n5,6\n7,8\n"),
];

/// What a load produced, in a form that compares (an error by its message).
fn outcome(result: Result<Dataset, DataError>) -> String {
    match result {
        Ok(d) => format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            d.users.tokens(),
            d.items.tokens(),
            d.sequences,
            d.timestamps,
            d.report.rows_read,
            d.report.summary_lines(),
            d.report.warnings
        ),
        Err(error) => error.to_string(),
    }
}

fn read(name: &str, text: &[u8], pieces: Pieces) -> Result<Dataset, DataError> {
    load(
        Path::new(name),
        Source::plain(text),
        &LoadOptions::default(),
        pieces,
    )
}

#[test]
fn every_cut_gives_what_the_whole_text_gives() {
    for (name, text) in TEXTS {
        let whole = outcome(read(name, text.as_bytes(), Pieces::default()));
        assert!(!whole.contains(": "), "{name} failed whole: {whole}");
        for head in [1, 5, 23] {
            for chunk in [1, 2, 3, 7, 16, 64] {
                let pieces = Pieces { head, chunk };
                let got = outcome(read(name, text.as_bytes(), pieces));
                assert_eq!(got, whole, "{name} read {pieces:?}");
            }
        }
    }
}

#[test]
fn a_bad_byte_in_a_later_piece_names_its_line() {
    let text = b"user,item\n1,2\n3,4\n5,6\n7,caf\xE9\n9,10\n";
    for chunk in [1, 4, 9, 1 << 20] {
        let error = read("late.csv", text, Pieces { head: 4, chunk }).err();
        assert!(
            matches!(
                error.as_ref().map(|e| (&e.kind, e.line)),
                Some((DataErrorKind::NotUtf8, Some(5)))
            ),
            "chunk {chunk}: {error:?}"
        );
    }
    let error = read(
        "nul.csv",
        b"user,item\n1,2\n3,\x004\n",
        Pieces { head: 4, chunk: 3 },
    )
    .err();
    assert!(
        matches!(
            error.as_ref().map(|e| (&e.kind, e.line)),
            Some((DataErrorKind::Binary, Some(3)))
        ),
        "{error:?}"
    );
}

#[test]
fn decompressed_text_past_the_limit_is_refused_while_reading() {
    let text = "user,item\n".to_owned() + &"1,2\n".repeat(1000);
    let mut source = Source::decompressed(text.as_bytes(), "gzip", 10);
    source.limit = 100;
    let pieces = Pieces {
        head: 16,
        chunk: 16,
    };
    let error = load(
        Path::new("bomb.csv.gz"),
        source,
        &LoadOptions::default(),
        pieces,
    )
    .err();
    assert!(
        matches!(
            error.as_ref().map(|e| &e.kind),
            Some(DataErrorKind::DecompressedTooLarge {
                what: "gzip",
                compressed: 10,
                limit: 100
            })
        ),
        "{error:?}"
    );
}

#[test]
fn an_empty_or_blank_text_is_empty() {
    for text in [&b""[..], b"\n \r\n\t\n", b"\xEF\xBB\xBF"] {
        let error = read("e.csv", text, Pieces { head: 1, chunk: 1 }).err();
        assert!(matches!(error.map(|e| e.kind), Some(DataErrorKind::Empty)));
    }
}
