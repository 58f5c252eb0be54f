//! QR codes for deep links: turns a text (typically a `https://t.me/...`
//! bot deep link) into a QR code image, as PNG for sending in Telegram and as
//! SVG for print layouts.
//!
//! This module owns the QR parameters (error correction level M, a 4-module
//! quiet zone, [`MODULE_PIXELS`] pixels per module, black on white) and the
//! PNG encoding. Both outputs use the same parameters, so a PNG and an SVG
//! of the same text show the same code at the same size.

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

/// Side length of one QR module in pixels (PNG) or user units (SVG).
///
/// 10 px per module keeps the edges sharp when a poster is printed from the
/// PNG without resampling.
pub const MODULE_PIXELS: u32 = 10;

/// Width of the white border around the code, in modules. Four modules is
/// the minimum the QR specification requires for reliable scanning.
pub const QUIET_ZONE_MODULES: u32 = 4;

/// Error correction used for every code: level M restores ~15 % damage,
/// a good balance between robustness on printed posters and code size.
const EC_LEVEL: EcLevel = EcLevel::M;

const DARK: u8 = 0;
const LIGHT: u8 = 255;

/// Why a QR code could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The text cannot be encoded, most commonly because it is longer than
    /// the largest QR code holds at error correction level M.
    #[error("text cannot be encoded as a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    /// The rendered image could not be encoded as PNG.
    #[error("encoding the QR code as PNG failed: {0}")]
    Png(#[from] png::EncodingError),
    /// The code would be too large an image (cannot happen for valid QR
    /// versions; kept so size arithmetic never panics).
    #[error("QR code image would be too large")]
    TooLarge,
}

fn encode(text: &str) -> Result<QrCode, QrError> {
    Ok(QrCode::with_error_correction_level(
        text.as_bytes(),
        EC_LEVEL,
    )?)
}

/// Renders `text` as a black-on-white QR code PNG (8-bit greyscale).
///
/// The image is square with a side of
/// `(modules + 2 * QUIET_ZONE_MODULES) * MODULE_PIXELS` pixels, where
/// `modules` depends on the length of `text` (21 for the smallest code).
/// Returns [`QrError::Encode`] if `text` does not fit into a QR code.
pub fn png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = encode(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = QUIET_ZONE_MODULES as usize;
    let scale = MODULE_PIXELS as usize;
    let side_modules = modules + 2 * quiet;
    let side = side_modules.checked_mul(scale).ok_or(QrError::TooLarge)?;
    let side_u32 = u32::try_from(side).map_err(|_| QrError::TooLarge)?;

    let mut pixels = vec![LIGHT; side.checked_mul(side).ok_or(QrError::TooLarge)?];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + quiet, i / modules + quiet);
        for row in my * scale..(my + 1) * scale {
            let start = row * side + mx * scale;
            pixels[start..start + scale].fill(DARK);
        }
    }

    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

/// Renders `text` as a black-on-white QR code SVG document.
///
/// Same geometry as [`png`] (quiet zone included, [`MODULE_PIXELS`] user
/// units per module), with `width`, `height` and `viewBox` set so it scales
/// losslessly in print layouts. Returns [`QrError::Encode`] if `text` does
/// not fit into a QR code.
pub fn svg(text: &str) -> Result<String, QrError> {
    let code = encode(text)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(MODULE_PIXELS, MODULE_PIXELS)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEEP_LINK: &str = "https://t.me/kokoon_hyvinkaa_bot?start=tilli-toukka__pikkuveturi";

    fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("PNG header decodes");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size known")];
        let info = reader.next_frame(&mut buf).expect("PNG frame decodes");
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        buf.truncate(info.buffer_size());
        (info.width as usize, info.height as usize, buf)
    }

    fn scan(width: usize, height: usize, pixels: &[u8]) -> Vec<String> {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
            pixels[y * width + x]
        });
        img.detect_grids()
            .iter()
            .map(|grid| grid.decode().expect("QR code decodes").1)
            .collect()
    }

    #[test]
    fn png_round_trips_deep_link() {
        let bytes = png(DEEP_LINK).expect("deep link encodes");
        let (w, h, pixels) = decode_png(&bytes);
        let modules = encode(DEEP_LINK).expect("encodes").width();
        assert_eq!(w, (modules + 8) * 10);
        assert_eq!(h, w);
        assert!(pixels.iter().all(|&p| p == DARK || p == LIGHT));
        assert_eq!(scan(w, h, &pixels), vec![DEEP_LINK.to_owned()]);
    }

    #[test]
    fn png_has_white_quiet_zone_and_black_finder() {
        let bytes = png(DEEP_LINK).expect("deep link encodes");
        let (w, _, pixels) = decode_png(&bytes);
        let border = (QUIET_ZONE_MODULES * MODULE_PIXELS) as usize;
        for i in 0..w {
            for j in 0..border {
                assert_eq!(pixels[j * w + i], LIGHT, "top border");
                assert_eq!(pixels[(w - 1 - j) * w + i], LIGHT, "bottom border");
                assert_eq!(pixels[i * w + j], LIGHT, "left border");
                assert_eq!(pixels[i * w + (w - 1 - j)], LIGHT, "right border");
            }
        }
        // Top-left corner of the finder pattern is dark.
        assert_eq!(pixels[border * w + border], DARK);
    }

    #[test]
    fn png_round_trips_short_and_unicode_text() {
        for text in ["x", "Hyvinkää – Åkerby ö"] {
            let (w, h, pixels) = decode_png(&png(text).expect("encodes"));
            assert_eq!(scan(w, h, &pixels), vec![text.to_owned()]);
        }
    }

    #[test]
    fn svg_is_a_sized_document() {
        let doc = svg(DEEP_LINK).expect("deep link encodes");
        assert!(doc.starts_with("<?xml") || doc.starts_with("<svg"));
        assert!(doc.contains("<svg"));
        assert!(doc.trim_end().ends_with("</svg>"));
        let side = (encode(DEEP_LINK).expect("encodes").width() + 8) * 10;
        assert!(
            doc.contains(&format!("viewBox=\"0 0 {side} {side}\"")),
            "{doc}"
        );
        assert!(doc.contains(&format!("width=\"{side}\"")));
    }

    #[test]
    fn too_long_text_is_an_error() {
        let long = "a".repeat(5000);
        assert!(matches!(
            png(&long),
            Err(QrError::Encode(qrcode::types::QrError::DataTooLong))
        ));
        assert!(matches!(
            svg(&long),
            Err(QrError::Encode(qrcode::types::QrError::DataTooLong))
        ));
    }

    #[test]
    fn empty_text_does_not_panic() {
        // Whatever the encoder decides, it must not panic.
        let _ = png("");
        let _ = svg("");
    }
}
