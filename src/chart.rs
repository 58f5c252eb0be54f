//! Demand chart: renders "how many participants are waiting in each area,
//! compared with the threshold that calls a group together" as a PNG image
//! that the bot can send as a Telegram photo.
//!
//! This module owns the layout, the colours, the embedded font and the PNG
//! encoding of that chart. It owns no user-visible text: the title, the area
//! names and the axis/threshold captions all come from the caller, already
//! localised; the only text produced here are the numbers.
//!
//! The image is always [`WIDTH`] pixels wide. Its height grows with the
//! number of bars (one horizontal bar per area, [`ROW_HEIGHT`] pixels each,
//! plus a fixed frame) between [`MIN_HEIGHT`] and [`MAX_HEIGHT`]. At most
//! [`MAX_BARS`] bars fit; any bars after the first [`MAX_BARS`] are silently
//! dropped, so callers should sort the bars by importance before rendering
//! and, if they want, mention the omitted areas in the photo caption.
//!
//! Rendering needs no system fonts: DejaVu Sans is compiled into the binary
//! and registered with `plotters` exactly once. [`render_png`] only touches
//! its own pixel buffer plus that read-only font table, so it may be called
//! concurrently from several threads or tokio tasks (it is CPU-bound, so
//! async callers should run it via `spawn_blocking`).

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

/// Width of every rendered chart in pixels.
///
/// Fixed so that Telegram shows all charts at the same scale, whatever the
/// number of areas.
pub const WIDTH: u32 = 960;

/// Vertical space each bar (one area) takes, in pixels.
///
/// Public so callers can reason about how the image height grows.
pub const ROW_HEIGHT: u32 = 44;

/// Height of the fixed frame (title, threshold caption, x axis and margins)
/// that is added to the rows, in pixels.
pub const FRAME_HEIGHT: u32 = 130;

/// Smallest image height, so that a chart with few (or no) bars still has a
/// sensible aspect ratio.
pub const MIN_HEIGHT: u32 = 300;

/// Largest image height, keeping the photo within what Telegram displays
/// well and bounding the rendering cost.
pub const MAX_HEIGHT: u32 = 2000;

/// How many bars fit into [`MAX_HEIGHT`]; bars beyond this many are dropped
/// (the first `MAX_BARS` of [`Chart::bars`] are kept, in order).
pub const MAX_BARS: usize = ((MAX_HEIGHT - FRAME_HEIGHT) / ROW_HEIGHT) as usize;

/// One bar of the chart: a single area and how many participants wait there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bar {
    /// Area name shown left of the bar (already localised; may contain any
    /// Unicode such as ä, ö, å; overly long names are shortened with "…").
    pub label: String,
    /// Number of participants waiting; written at the end of the bar.
    pub value: u32,
}

/// Everything needed to draw one demand chart.
///
/// All strings are user-visible and must already be localised by the caller.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chart {
    /// Heading drawn centred at the top of the image.
    pub title: String,
    /// Bars from top to bottom; only the first [`MAX_BARS`] are drawn.
    pub bars: Vec<Bar>,
    /// Demand at which a group is called together; drawn as a dashed
    /// vertical line, and bars with `value >= threshold` get the
    /// "reached" colour. 0 with an empty [`Chart::threshold_label`]: no line
    /// (a feedback report's chart).
    pub threshold: u32,
    /// Caption written above the threshold line (e.g. "Group starts at 6").
    pub threshold_label: String,
    /// Caption of the x axis (e.g. "Participants waiting").
    pub value_label: String,
}

/// Why a chart could not be rendered.
///
/// None of these are expected in practice; they exist so that a rendering
/// problem is reported to the caller (and logged) instead of panicking
/// inside a bot handler.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font could not be parsed or registered with `plotters`.
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// `plotters` failed while drawing into the pixel buffer.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The finished pixel buffer could not be encoded as PNG.
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// DejaVu Sans, embedded because the runtime image has no system fonts.
static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Family name under which the embedded font is registered with plotters.
/// "sans-serif" is plotters' default family, so any text plotters draws on
/// its own (should there be any) also finds a font.
const FONT_FAMILY: &str = "sans-serif";

/// Whether registering the embedded font succeeded; set exactly once.
static FONT_READY: OnceLock<bool> = OnceLock::new();

const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
const TEXT: RGBColor = RGBColor(33, 33, 33);
const MUTED_TEXT: RGBColor = RGBColor(66, 66, 66);
const AXIS: RGBColor = RGBColor(97, 97, 97);
const GRID: RGBColor = RGBColor(230, 230, 230);
/// Bars still below the threshold.
const BAR_WAITING: RGBColor = RGBColor(100, 149, 237);
/// Bars at or over the threshold.
const BAR_REACHED: RGBColor = RGBColor(46, 139, 87);
const THRESHOLD_LINE: RGBColor = RGBColor(200, 40, 40);

/// Top-left and bottom-right pixel corners of a drawn bar.
type PixelRect = ((i32, i32), (i32, i32));

const MARGIN: i32 = 10;
const TITLE_SIZE: f64 = 26.0;
const TITLE_BAND: i32 = 46;
const THRESHOLD_BAND: i32 = 24;
const LABEL_SIZE: f64 = 17.0;
const VALUE_SIZE: f64 = 16.0;
const TICK_SIZE: f64 = 14.0;
const AXIS_DESC_SIZE: f64 = 16.0;
const X_LABEL_AREA: i32 = 50;
/// Area names may take at most this much of the width; longer ones are
/// shortened with an ellipsis.
const MAX_LABEL_WIDTH: i32 = 360;
const LABEL_GAP: i32 = 10;
const VALUE_GAP: i32 = 6;
/// Fraction of a row that the bar itself fills.
const BAR_FILL: f64 = 0.64;

/// Height in pixels of a chart with `bars` bars (before dropping any).
fn height_for(bars: usize) -> u32 {
    let rows = u32::try_from(bars.min(MAX_BARS)).unwrap_or(0);
    (FRAME_HEIGHT + ROW_HEIGHT * rows).clamp(MIN_HEIGHT, MAX_HEIGHT)
}

fn ensure_font() -> Result<(), ChartError> {
    let ok = *FONT_READY
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

fn draw_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

fn font(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&color)
}

/// Pixel width of `text` drawn in `style`.
fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> Result<i32, ChartError> {
    let (w, _) = area.estimate_text_size(text, style).map_err(draw_err)?;
    Ok(i32::try_from(w).unwrap_or(i32::MAX))
}

/// `text` on one line (control characters such as newlines become spaces),
/// shortened with a trailing "…" if needed so that it is at most `max_width`
/// pixels wide.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_width: i32,
) -> Result<String, ChartError> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text: String = chars.iter().collect();
    if text_width(area, &text, style)? <= max_width {
        return Ok(text);
    }
    let shortened = |n: usize| -> String {
        let mut s: String = chars[..n].iter().collect::<String>().trim_end().to_owned();
        s.push('…');
        s
    };
    // Binary search for the longest prefix that still fits.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if text_width(area, &shortened(mid), style)? <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(shortened(lo))
}

/// Upper end of the x axis: leaves room for the value text after the longest
/// bar and for the threshold line, and is never zero.
fn x_axis_max(top: u32, plot_width: i32, text_room: i32) -> u32 {
    let top = u64::from(top.max(1));
    let plot = u64::try_from(plot_width.max(1)).unwrap_or(1);
    let room = u64::try_from(text_room.max(0)).unwrap_or(0);
    // Bars may use at most this many pixels so the number after them fits.
    let usable = plot.saturating_sub(room).max(plot / 2).max(1);
    let max = (top * plot).div_ceil(usable).max(top + 1);
    u32::try_from(max).unwrap_or(u32::MAX)
}

/// Draws the chart into `root`. Returns the pixel rectangles of the bars
/// drawn (for tests).
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<Vec<PixelRect>, ChartError> {
    let width = i32::try_from(root.dim_in_pixel().0).unwrap_or(i32::MAX);
    root.fill(&BACKGROUND).map_err(draw_err)?;

    // Title, centred at the top.
    let title_style = font(TITLE_SIZE, TEXT).pos(Pos::new(HPos::Center, VPos::Top));
    let title = fit_text(root, &chart.title, &title_style, width - 2 * MARGIN)?;
    root.draw_text(&title, &title_style, (width / 2, MARGIN + 4))
        .map_err(draw_err)?;

    let bars = &chart.bars[..chart.bars.len().min(MAX_BARS)];

    // Left column for area names, as wide as the longest (capped) name.
    let label_style = font(LABEL_SIZE, TEXT).pos(Pos::new(HPos::Right, VPos::Center));
    let mut labels = Vec::with_capacity(bars.len());
    let mut label_col = 0;
    for bar in bars {
        let text = fit_text(root, &bar.label, &label_style, MAX_LABEL_WIDTH)?;
        label_col = label_col.max(text_width(root, &text, &label_style)?);
        labels.push(text);
    }
    let left = MARGIN + label_col + LABEL_GAP;

    // Room after the longest bar for its number.
    let value_style = font(VALUE_SIZE, MUTED_TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let top_value = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let value_room = text_width(root, &top_value.to_string(), &value_style)? + 2 * VALUE_GAP;
    let plot_width = width - left - MARGIN;
    let x_max = x_axis_max(top_value.max(chart.threshold), plot_width, value_room);

    let rows = bars.len().max(1) as f64;
    let tick_style = font(TICK_SIZE, MUTED_TEXT);
    let desc_style = font(AXIS_DESC_SIZE, TEXT);
    let value_label = fit_text(root, &chart.value_label, &desc_style, plot_width)?;
    let mut ctx = ChartBuilder::on(root)
        .margin_top(MARGIN + TITLE_BAND + THRESHOLD_BAND)
        .margin_bottom(MARGIN)
        .margin_left(left)
        .margin_right(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .build_cartesian_2d(0u32..x_max, 0f64..rows)
        .map_err(draw_err)?;
    ctx.configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_labels(10)
        .x_label_style(tick_style)
        .x_desc(value_label)
        .axis_desc_style(desc_style)
        .axis_style(AXIS)
        .bold_line_style(GRID)
        .light_line_style(BACKGROUND)
        .draw()
        .map_err(draw_err)?;

    // Vertical base line of the bars (the y axis without ticks).
    ctx.draw_series(std::iter::once(PathElement::new(
        vec![(0u32, 0.0), (0u32, rows)],
        AXIS.stroke_width(1),
    )))
    .map_err(draw_err)?;

    let inset = (1.0 - BAR_FILL) / 2.0;
    let mut drawn = Vec::with_capacity(bars.len());
    for (i, bar) in bars.iter().enumerate() {
        let row_top = rows - i as f64;
        let colour = if bar.value >= chart.threshold {
            BAR_REACHED
        } else {
            BAR_WAITING
        };
        let rect = [(0u32, row_top - inset), (bar.value, row_top - 1.0 + inset)];
        if bar.value > 0 {
            ctx.draw_series(std::iter::once(Rectangle::new(rect, colour.filled())))
                .map_err(draw_err)?;
        }
        drawn.push((ctx.backend_coord(&rect[0]), ctx.backend_coord(&rect[1])));
    }

    // Threshold: dashed vertical line over the bars but under the numbers,
    // so that a value right at the threshold stays readable. A chart without
    // one (threshold 0 and no caption: a feedback report) draws neither.
    let has_threshold = chart.threshold > 0 || !chart.threshold_label.is_empty();
    if has_threshold {
        ctx.draw_series(std::iter::once(DashedPathElement::new(
            vec![(chart.threshold, 0.0), (chart.threshold, rows)],
            8,
            5,
            THRESHOLD_LINE.stroke_width(3),
        )))
        .map_err(draw_err)?;
    }

    // Area names left of the bars, values after their ends.
    for (i, (bar, label)) in bars.iter().zip(&labels).enumerate() {
        let centre = rows - i as f64 - 0.5;
        let (end_x, centre_y) = ctx.backend_coord(&(bar.value, centre));
        root.draw_text(label, &label_style, (left - LABEL_GAP, centre_y))
            .map_err(draw_err)?;
        root.draw_text(
            &bar.value.to_string(),
            &value_style,
            (end_x + VALUE_GAP, centre_y),
        )
        .map_err(draw_err)?;
    }

    if !has_threshold {
        return Ok(drawn);
    }
    // Caption above the threshold line.
    let (line_x, plot_top) = ctx.backend_coord(&(chart.threshold, rows));
    let caption_style = font(LABEL_SIZE, THRESHOLD_LINE);
    let caption = fit_text(
        root,
        &chart.threshold_label,
        &caption_style,
        width - 2 * MARGIN,
    )?;
    let caption_w = text_width(root, &caption, &caption_style)?;
    // Centred on the line, but kept inside the image.
    let caption_x = (line_x - caption_w / 2)
        .min(width - MARGIN - caption_w)
        .max(MARGIN);
    root.draw_text(
        &caption,
        &caption_style.pos(Pos::new(HPos::Left, VPos::Bottom)),
        (caption_x, plot_top - 4),
    )
    .map_err(draw_err)?;
    Ok(drawn)
}

/// Renders `chart` into an RGB buffer; returns the buffer, its height and
/// the pixel rectangles of the bars.
fn render_rgb(chart: &Chart) -> Result<(Vec<u8>, u32, Vec<PixelRect>), ChartError> {
    ensure_font()?;
    let height = height_for(chart.bars.len());
    let mut buffer = vec![255u8; WIDTH as usize * height as usize * 3];
    let drawn = {
        let root = BitMapBackend::with_buffer(&mut buffer, (WIDTH, height)).into_drawing_area();
        let drawn = draw(&root, chart)?;
        root.present().map_err(draw_err)?;
        drawn
    };
    Ok((buffer, height, drawn))
}

/// Telegram refuses a photo whose width and height add up to more than 10,000 pixels; charts
/// that would stack higher than this are left out of a stacked image.
pub const MAX_STACK_HEIGHT: u32 = 8000;

/// Renders `charts` one below the other as one PNG image (one photo for a coordinator of many
/// groups). Charts that would make it higher than [`MAX_STACK_HEIGHT`] are left out.
pub fn render_stack_png(charts: &[Chart]) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    let mut heights = Vec::new();
    let mut total = 0;
    for c in charts {
        let h = height_for(c.bars.len());
        if total + h > MAX_STACK_HEIGHT && !heights.is_empty() {
            log::warn!(
                "chart: {} charts left out of a stacked image",
                charts.len() - heights.len()
            );
            break;
        }
        heights.push(h);
        total += h;
    }
    let total = total.max(MIN_HEIGHT);
    let mut buffer = vec![255u8; WIDTH as usize * total as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (WIDTH, total)).into_drawing_area();
        let mut rest = root.clone();
        for (c, h) in charts.iter().zip(&heights) {
            let (panel, below) = rest.split_vertically(*h);
            draw(&panel, c)?;
            rest = below;
        }
        root.present().map_err(draw_err)?;
    }
    encode_png(&buffer, WIDTH, total)
}

/// Renders `chart` as a PNG image, ready to be sent as a Telegram photo.
///
/// The image is [`WIDTH`] pixels wide and between [`MIN_HEIGHT`] and
/// [`MAX_HEIGHT`] pixels high; only the first [`MAX_BARS`] bars are drawn.
/// Safe to call from several threads at once; it is CPU-bound (tens of
/// milliseconds), so call it from `tokio::task::spawn_blocking` in async code.
pub fn render_png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    let (rgb, height, _) = render_rgb(chart)?;
    encode_png(&rgb, WIDTH, height)
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize, threshold: u32) -> Chart {
        let names = [
            "Hyvinkää keskusta",
            "Paavola",
            "Martti",
            "Sveitsi",
            "Hakala",
            "Kytäjä",
            "Usmi",
            "Vehkoja",
            "Jokela ja Ridasjärvi",
            "Åkerby",
        ];
        Chart {
            title: "Odottajat alueittain".to_owned(),
            bars: (0..n)
                .map(|i| Bar {
                    label: format!("{} {}", names[i % names.len()], i),
                    value: (i as u32 * 7) % 13,
                })
                .collect(),
            threshold,
            threshold_label: format!("Ryhmä käynnistyy: {threshold}"),
            value_label: "Osallistujia jonossa".to_owned(),
        }
    }

    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("PNG header decodes");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size known")];
        let info = reader.next_frame(&mut buf).expect("PNG frame decodes");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    fn pixel(rgb: &[u8], width: u32, x: i32, y: i32) -> RGBColor {
        let i = (y as usize * width as usize + x as usize) * 3;
        RGBColor(rgb[i], rgb[i + 1], rgb[i + 2])
    }

    fn count(rgb: &[u8], colour: RGBColor) -> usize {
        rgb.chunks_exact(3)
            .filter(|p| p[0] == colour.0 && p[1] == colour.1 && p[2] == colour.2)
            .count()
    }

    #[test]
    fn height_grows_with_bars_within_bounds() {
        assert_eq!(height_for(0), MIN_HEIGHT);
        assert_eq!(height_for(1), MIN_HEIGHT);
        assert_eq!(height_for(18), FRAME_HEIGHT + 18 * ROW_HEIGHT);
        assert_eq!(
            height_for(MAX_BARS),
            FRAME_HEIGHT + MAX_BARS as u32 * ROW_HEIGHT
        );
        assert!(height_for(MAX_BARS) <= MAX_HEIGHT);
        assert_eq!(height_for(200), height_for(MAX_BARS));
    }

    #[test]
    fn png_dimensions_for_various_bar_counts() {
        for n in [0usize, 1, 18, 200] {
            let png_bytes = render_png(&sample(n, 6)).expect("chart renders");
            let (w, h, _) = decode(&png_bytes);
            assert_eq!(w, WIDTH, "width for {n} bars");
            assert_eq!(h, height_for(n), "height for {n} bars");
            assert!((MIN_HEIGHT..=MAX_HEIGHT).contains(&h));
        }
        let (_, h, _) = decode(&render_png(&sample(18, 6)).expect("chart renders"));
        assert_eq!(h, 130 + 18 * 44);
    }

    #[test]
    fn bars_over_threshold_have_reached_colour() {
        let chart = Chart {
            title: "T".to_owned(),
            bars: vec![
                Bar {
                    label: "Yli".to_owned(),
                    value: 12,
                },
                Bar {
                    label: "Alle".to_owned(),
                    value: 3,
                },
                Bar {
                    label: "Tasan".to_owned(),
                    value: 5,
                },
            ],
            threshold: 5,
            threshold_label: "5".to_owned(),
            value_label: "n".to_owned(),
        };
        let (rgb, height, rects) = render_rgb(&chart).expect("chart renders");
        // The same pixels must come out of the PNG encoding.
        let (w, h, decoded) = decode(&encode_png(&rgb, WIDTH, height).expect("encodes"));
        assert_eq!((w, h), (WIDTH, height));
        assert_eq!(decoded, rgb);

        let expected = [BAR_REACHED, BAR_WAITING, BAR_REACHED];
        for ((a, b), colour) in rects.iter().zip(expected) {
            let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
            let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
            assert!(x1 - x0 > 20 && y1 - y0 > 20, "bar is visible: {a:?} {b:?}");
            // Sample a few points inside the bar, away from its edges and
            // from the (dashed) threshold line.
            for (fx, fy) in [(0.1, 0.5), (0.2, 0.3), (0.15, 0.7)] {
                let x = x0 + ((x1 - x0) as f64 * fx) as i32;
                let y = y0 + ((y1 - y0) as f64 * fy) as i32;
                assert_eq!(pixel(&decoded, w, x, y), colour, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn colours_follow_threshold_across_whole_image() {
        let (all_over, _, _) = render_rgb(&sample(10, 0)).expect("chart renders");
        assert!(count(&all_over, BAR_REACHED) > 1000);
        assert_eq!(count(&all_over, BAR_WAITING), 0);
        let (all_under, _, _) = render_rgb(&sample(10, 13)).expect("chart renders");
        assert!(count(&all_under, BAR_WAITING) > 1000);
        assert_eq!(count(&all_under, BAR_REACHED), 0);
    }

    #[test]
    fn empty_chart_renders_title() {
        let mut chart = sample(0, 5);
        let (rgb, height, rects) = render_rgb(&chart).expect("empty chart renders");
        assert!(rects.is_empty());
        assert_eq!(height, MIN_HEIGHT);
        let title_band = |rgb: &[u8]| {
            rgb[..(WIDTH as usize * (MARGIN + TITLE_BAND) as usize * 3)]
                .chunks_exact(3)
                .filter(|p| p[0] < 128 && p[1] < 128 && p[2] < 128)
                .count()
        };
        assert!(title_band(&rgb) > 100, "title drew dark pixels");
        chart.title.clear();
        let (untitled, _, _) = render_rgb(&chart).expect("untitled chart renders");
        assert_eq!(title_band(&untitled), 0);
        assert!(!render_png(&sample(0, 5)).expect("renders").is_empty());
    }

    #[test]
    fn extreme_labels_and_values_do_not_panic() {
        let long = "Pitkä alueen nimi äöåÄÖÅ ".repeat(40);
        let chart = Chart {
            title: long.clone(),
            bars: vec![
                Bar {
                    label: long.clone(),
                    value: 0,
                },
                Bar {
                    label: String::new(),
                    value: 10_000,
                },
                Bar {
                    label: "Hyvinkään Sahanmäki–Hakalan alue".to_owned(),
                    value: u32::MAX,
                },
            ],
            threshold: u32::MAX,
            threshold_label: long.clone(),
            value_label: long,
        };
        let (w, h, _) = decode(&render_png(&chart).expect("renders"));
        assert_eq!((w, h), (WIDTH, MIN_HEIGHT));

        let zeros = Chart {
            threshold: 0,
            bars: vec![Bar {
                label: "Nolla".to_owned(),
                value: 0,
            }],
            ..chart.clone()
        };
        render_png(&zeros).expect("all-zero chart renders");
    }

    #[test]
    fn long_labels_are_shortened_to_fit() {
        ensure_font().expect("font");
        let mut buffer = vec![0u8; 400 * 100 * 3];
        let root = BitMapBackend::with_buffer(&mut buffer, (400, 100)).into_drawing_area();
        let style = font(LABEL_SIZE, TEXT);
        let text = "Jokelan ja Ridasjärven yhteinen lähiöalue ".repeat(5);
        let fitted = fit_text(&root, &text, &style, MAX_LABEL_WIDTH).expect("fits");
        assert!(fitted.ends_with('…'));
        assert!(text_width(&root, &fitted, &style).expect("measures") <= MAX_LABEL_WIDTH);
        assert!(fitted.chars().count() > 10);
        let short = fit_text(&root, "Åkerby", &style, MAX_LABEL_WIDTH).expect("fits");
        assert_eq!(short, "Åkerby");
        let one_line = fit_text(&root, "Kaksi\nriviä", &style, MAX_LABEL_WIDTH).expect("fits");
        assert_eq!(one_line, "Kaksi riviä");
    }

    #[test]
    fn renders_concurrently() {
        let handles: Vec<_> = (0..4)
            .map(|i| std::thread::spawn(move || render_png(&sample(5 + i, 6))))
            .collect();
        for h in handles {
            let png_bytes = h.join().expect("thread").expect("renders");
            assert_eq!(decode(&png_bytes).0, WIDTH);
        }
    }

    /// Writes a sample to /tmp for eyeballing and prints the time per render.
    /// Run with `cargo test --release -- --ignored --nocapture chart`.
    #[test]
    #[ignore]
    fn sample_and_timing() {
        let chart = sample(18, 6);
        render_png(&chart).expect("warm-up");
        let n = 100;
        let start = std::time::Instant::now();
        let mut bytes = Vec::new();
        for _ in 0..n {
            bytes = render_png(&chart).expect("renders");
        }
        let per = start.elapsed() / n;
        println!(
            "18-bar render_png: {per:?} per render, {} bytes",
            bytes.len()
        );
        std::fs::write("/tmp/chart-18.png", &bytes).expect("write sample");
        let (rgb, h, _) = render_rgb(&chart).expect("renders");
        let t = std::time::Instant::now();
        encode_png(&rgb, WIDTH, h).expect("encodes");
        println!("of which PNG encoding: {:?}", t.elapsed());
        std::fs::write(
            "/tmp/chart-0.png",
            render_png(&sample(0, 6)).expect("renders"),
        )
        .expect("write sample");
        let long = "Pitkä alueen nimi äöåÄÖÅ ".repeat(4);
        let extreme = Chart {
            title: long.repeat(3),
            bars: vec![
                Bar {
                    label: long.clone(),
                    value: 0,
                },
                Bar {
                    label: "Tasan".to_owned(),
                    value: 6,
                },
                Bar {
                    label: "Hyvinkään Sahanmäki–Hakalan alue".to_owned(),
                    value: 10_000,
                },
            ],
            threshold: 6,
            threshold_label: "Ryhmä käynnistyy, kun odottajia on 6".to_owned(),
            value_label: long,
        };
        std::fs::write(
            "/tmp/chart-extreme.png",
            render_png(&extreme).expect("renders"),
        )
        .expect("write sample");
        std::fs::write(
            "/tmp/chart-200.png",
            render_png(&sample(200, 6)).expect("renders"),
        )
        .expect("write sample");
    }
}
