//! PNG export of chart screenshots (8-bit RGBA), written with the `png` crate that eframe
//! already builds (through `image`, for the window icon).

use std::io::Write;
use std::path::Path;

use crate::data::write_file_atomically;

/// Encodes `rgba` (row-major, `width * height * 4` bytes, unmultiplied alpha) as a PNG file.
/// Returns `None` when the buffer does not match the size or the image is empty.
pub fn encode_rgba(width: usize, height: usize, rgba: &[u8]) -> Option<Vec<u8>> {
    if width == 0 || height == 0 || rgba.len() != width.checked_mul(height)?.checked_mul(4)? {
        return None;
    }
    let mut bytes = Vec::new();
    let mut encoder = ::png::Encoder::new(
        &mut bytes,
        u32::try_from(width).ok()?,
        u32::try_from(height).ok()?,
    );
    encoder.set_color(::png::ColorType::Rgba);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(rgba).ok()?;
    writer.finish().ok()?;
    Some(bytes)
}

/// Writes an RGBA image as a PNG file, whole or not at all (a temporary file renamed into
/// place).
pub fn write_png(path: &Path, width: usize, height: usize, rgba: &[u8]) -> std::io::Result<()> {
    let bytes = encode_rgba(width, height, rgba).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty or mis-sized image")
    })?;
    write_file_atomically(path, |file| file.write_all(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a PNG with the `png` crate: (width, height, RGBA bytes).
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a buffer size")];
        let info = reader.next_frame(&mut pixels).expect("a frame");
        assert_eq!(info.color_type, ::png::ColorType::Rgba);
        assert_eq!(info.bit_depth, ::png::BitDepth::Eight);
        pixels.truncate(info.buffer_size());
        (info.width, info.height, pixels)
    }

    #[test]
    fn encoded_images_decode_to_the_same_pixels() {
        let (w, h) = (300, 250);
        let rgba: Vec<u8> = (0..w * h * 4).map(|i| (i % 251) as u8).collect();
        let png = encode_rgba(w, h, &rgba).expect("encode");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(decode(&png), (300, 250, rgba));
    }

    #[test]
    fn empty_or_mis_sized_images_are_refused() {
        assert!(encode_rgba(2, 2, &[0; 3]).is_none());
        assert!(encode_rgba(0, 2, &[]).is_none());
        assert!(encode_rgba(usize::MAX, 2, &[]).is_none());
        let dir = tempfile::tempdir().expect("tempdir");
        let error = write_png(&dir.path().join("bad.png"), 2, 2, &[0; 3]).expect_err("refused");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    }

    #[test]
    fn a_file_is_replaced_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chart.png");
        std::fs::write(&path, "old").expect("earlier export");
        let earlier = dir.path().join("earlier.png");
        std::fs::hard_link(&path, &earlier).expect("hard link");
        write_png(&path, 1, 1, &[1, 2, 3, 4]).expect("write");
        assert_eq!(std::fs::read(&earlier).expect("old"), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 2);
    }

    #[test]
    fn written_files_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chart.png");
        let rgba = [255, 0, 0, 255, 0, 255, 0, 128];
        write_png(&path, 2, 1, &rgba).expect("write");
        let bytes = std::fs::read(&path).expect("read");
        assert_eq!(decode(&bytes), (2, 1, rgba.to_vec()));
    }
}
