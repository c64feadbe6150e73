//! Memory limits stated, not discovered (issue #36 item 5): before a file is read, what
//! loading it will need is estimated from its size (and, for gzip and zstd, the size the stream
//! says it decompresses to) and compared with the memory the system has available. A file that
//! would not fit is refused with a message naming it and both figures, instead of the process
//! being killed by the system halfway through.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::compressed::Container;
use super::error::{DataError, DataErrorKind};

/// Peak memory per byte of text while loading it: the parsed rows and the interned ids (the
/// text itself is read in 8 MiB pieces). Measured after streaming: a 129 MB CSV of 5,000,000
/// rows peaked at 273 MiB (2.2×), a 533 MB one of 20,000,000 rows at 954 MiB (1.9×); 3 leaves
/// room for logs with longer ids (BENCHMARKS.md "Warehouse input").
const TEXT_FACTOR: u64 = 3;
/// Peak memory per byte of a Parquet file: its decoded row groups and the rows (the file is
/// read where its row groups are, not whole). Measured: a 208 MB snappy Parquet file of
/// 20,000,000 rows peaked at 946 MiB (4.6×); 8 leaves room for files that compress better.
const PARQUET_FACTOR: u64 = 8;
/// Assumed decompression ratio when a stream does not say its size (text logs compress 5–20×).
const ASSUMED_RATIO: u64 = 8;
/// The variable that overrides the available memory (bytes, or with a K/M/G suffix), for
/// tests and for machines whose limit is not what `/proc/meminfo` says (containers).
pub const MEMORY_LIMIT_VAR: &str = "SEQUDA_MEMORY_LIMIT";

/// Bytes loading the `file_len`-byte file whose first bytes are `head` and last four bytes
/// are `tail` is expected to need at its peak.
pub fn estimate_load_bytes(file_len: u64, head: &[u8], tail: &[u8]) -> u64 {
    match Container::of(head) {
        Container::Plain => file_len.saturating_mul(TEXT_FACTOR),
        Container::Parquet => file_len.saturating_mul(PARQUET_FACTOR),
        Container::Gzip => {
            // The gzip trailer holds the (last member's) size modulo 2³²: a floor only.
            let stated = tail
                .try_into()
                .map(|bytes: [u8; 4]| u64::from(u32::from_le_bytes(bytes)))
                .unwrap_or(0);
            let text = stated.max(file_len.saturating_mul(ASSUMED_RATIO) / 2);
            file_len.saturating_add(text.saturating_mul(TEXT_FACTOR))
        }
        Container::Zstd => {
            let stated = zstd::zstd_safe::get_frame_content_size(head)
                .ok()
                .flatten()
                .unwrap_or(0);
            let text = stated.max(file_len.saturating_mul(ASSUMED_RATIO) / 2);
            file_len.saturating_add(text.saturating_mul(TEXT_FACTOR))
        }
    }
}

/// Bytes of memory available to this process: [`MEMORY_LIMIT_VAR`] when set, else
/// `MemAvailable` from `/proc/meminfo`; `None` where neither says (no check is made then).
pub fn available_memory() -> Option<u64> {
    if let Ok(text) = std::env::var(MEMORY_LIMIT_VAR) {
        return parse_size(&text);
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// "2G", "512M", "64k" or plain bytes.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let scale = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return None,
    };
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

/// Refuses `path` when loading it is expected to need more memory than is available.
pub fn check_fits(path: &Path) -> Result<(), DataError> {
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let io = |error| DataError::new(path, DataErrorKind::Io(error));
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut head = vec![0u8; 64];
    let read = file.read(&mut head).map_err(io)?;
    head.truncate(read);
    let mut tail = [0u8; 4];
    let tail = if len >= 4 {
        file.seek(SeekFrom::End(-4)).map_err(io)?;
        file.read_exact(&mut tail).map_err(io)?;
        &tail[..]
    } else {
        &[][..]
    };
    let needed = estimate_load_bytes(len, &head, tail);
    if needed > available {
        return Err(DataError::new(
            path,
            DataErrorKind::TooLargeForMemory {
                file: len,
                needed,
                available,
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("512 MiB"), Some(512 << 20));
        assert_eq!(parse_size("64k"), Some(64 << 10));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("3X"), None);
    }

    #[test]
    fn estimates_follow_the_container() {
        let text = estimate_load_bytes(1000, b"user,item,time\n", b"1,2\n");
        assert_eq!(text, 3000);
        assert_eq!(estimate_load_bytes(1000, b"PAR1....", b"PAR1"), 8000);
        // A gzip stream stating 1,000,000 bytes inside a 1,000-byte file.
        let stated = 1_000_000u32.to_le_bytes();
        let gzip = estimate_load_bytes(1000, b"\x1F\x8B\x08", &stated);
        assert_eq!(gzip, 1000 + 3_000_000);
        // Without a usable trailer the assumed ratio applies.
        assert_eq!(
            estimate_load_bytes(1000, b"\x1F\x8B\x08", &[0; 4]),
            1000 + 4000 * 3
        );
    }

    #[test]
    fn a_zstd_frame_states_its_size() {
        let text = vec![b'a'; 100_000];
        // One-shot compression writes the content size into the frame header.
        let frame = zstd::bulk::compress(&text, 3).expect("zstd");
        let needed = estimate_load_bytes(frame.len() as u64, &frame[..frame.len().min(64)], &[]);
        assert_eq!(needed, frame.len() as u64 + 300_000);
        // A streamed frame does not say: the assumed ratio applies.
        let streamed = zstd::encode_all(&text[..], 3).expect("zstd");
        let len = streamed.len() as u64;
        let needed = estimate_load_bytes(len, &streamed[..streamed.len().min(64)], &[]);
        assert_eq!(needed, len + len * 4 * 3);
    }
}
