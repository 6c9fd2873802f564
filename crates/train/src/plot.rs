//! plot: the ROC figure as a PNG written by hand (RGB, zlib IDAT through flate2, CRC-32 chunks): axes, a
//! 0.1 grid, the chance diagonal, one coloured curve per class and a legend of colour swatches with each
//! class's AUC in a 3×5 pixel font.

use std::io::Write;

use flate2::Crc;
use flate2::write::ZlibEncoder;

/// Colours of the class curves (matplotlib's first three, then more).
pub const COLOURS: [[u8; 3]; 6] =
    [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75]];

const DIGITS: [[u8; 5]; 11] = [
    [7, 5, 5, 5, 7],
    [2, 6, 2, 2, 7],
    [7, 1, 7, 4, 7],
    [7, 1, 7, 1, 7],
    [5, 5, 7, 1, 1],
    [7, 4, 7, 1, 7],
    [7, 4, 7, 5, 7],
    [7, 1, 1, 1, 1],
    [7, 5, 7, 5, 7],
    [7, 5, 7, 1, 7],
    [0, 0, 0, 0, 2],
];

/// An RGB raster.
#[derive(Debug, Clone)]
pub struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    /// A white canvas.
    pub fn new(w: usize, h: usize) -> Self {
        Canvas { w, h, px: vec![255; w * h * 3] }
    }

    /// The colour at (x, y), y downwards.
    pub fn get(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.w + x) * 3;
        [self.px[i], self.px[i + 1], self.px[i + 2]]
    }

    fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < self.w && (y as usize) < self.h {
            let i = (y as usize * self.w + x as usize) * 3;
            self.px[i..i + 3].copy_from_slice(&c);
        }
    }

    fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 3]) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.set(xx, yy, c);
            }
        }
    }

    /// A line of width `pen` from (x0, y0) to (x1, y1); `dash` > 0 leaves gaps every `dash` pixels.
    fn line(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64), pen: i64, dash: i64, c: [u8; 3]) {
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let (mut x, mut y, mut err, mut k) = (x0, y0, dx + dy, 0i64);
        loop {
            if dash == 0 || (k / dash) % 2 == 0 {
                self.rect(x - pen / 2, y - pen / 2, pen, pen, c);
            }
            k += 1;
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn text(&mut self, x: i64, y: i64, s: &str, scale: i64, c: [u8; 3]) {
        for (i, ch) in s.chars().enumerate() {
            let g = match ch {
                '0'..='9' => DIGITS[ch as usize - '0' as usize],
                '.' => DIGITS[10],
                _ => continue,
            };
            for (row, bits) in g.iter().enumerate() {
                for col in 0..3 {
                    if bits & (4 >> col) != 0 {
                        let (px, py) = (x + (i as i64 * 4 + col) * scale, y + row as i64 * scale);
                        self.rect(px, py, scale, scale, c);
                    }
                }
            }
        }
    }

    /// The PNG file bytes.
    pub fn png(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity((self.w * 3 + 1) * self.h);
        for row in self.px.chunks_exact(self.w * 3) {
            raw.push(0); // filter: none
            raw.extend_from_slice(row);
        }
        let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let idat = z.write_all(&raw).and_then(|_| z.finish()).unwrap_or_default();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&(self.w as u32).to_be_bytes());
        ihdr.extend_from_slice(&(self.h as u32).to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter set, no interlace
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [(b"IHDR", &ihdr), (b"IDAT", &idat), (b"IEND", &Vec::new())] {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
        }
        out
    }
}

/// Size of the figure in pixels, and of its margin.
pub const SIZE: usize = 480;
const MARGIN: i64 = 40;

/// Pixel position of the ROC point (fpr, tpr).
pub fn to_px(fpr: f64, tpr: f64) -> (i64, i64) {
    let span = (SIZE as i64 - 2 * MARGIN) as f64;
    (MARGIN + (fpr * span).round() as i64, SIZE as i64 - MARGIN - (tpr * span).round() as i64)
}

/// The ROC figure of per-class curves with their AUCs.
pub fn roc_figure(curves: &[Vec<(f64, f64)>], aucs: &[f64]) -> Canvas {
    let mut cv = Canvas::new(SIZE, SIZE);
    let grey = [225, 225, 225];
    for i in 0..=10 {
        let v = f64::from(i) / 10.0;
        cv.line(to_px(v, 0.0), to_px(v, 1.0), 1, 0, grey);
        cv.line(to_px(0.0, v), to_px(1.0, v), 1, 0, grey);
    }
    cv.line(to_px(0.0, 0.0), to_px(1.0, 1.0), 1, 6, [128, 128, 128]);
    for (k, curve) in curves.iter().enumerate() {
        let c = COLOURS[k % COLOURS.len()];
        for w in curve.windows(2) {
            cv.line(to_px(w[0].0, w[0].1), to_px(w[1].0, w[1].1), 2, 0, c);
        }
    }
    let black = [0, 0, 0];
    cv.line(to_px(0.0, 0.0), to_px(1.0, 0.0), 1, 0, black);
    cv.line(to_px(0.0, 0.0), to_px(0.0, 1.0), 1, 0, black);
    cv.text(MARGIN - 4, SIZE as i64 - MARGIN + 8, "0", 2, black);
    cv.text(SIZE as i64 - MARGIN - 4, SIZE as i64 - MARGIN + 8, "1", 2, black);
    cv.text(MARGIN - 14, MARGIN - 4, "1", 2, black);
    for (k, a) in aucs.iter().enumerate() {
        let (x, y) = (SIZE as i64 - MARGIN - 120, SIZE as i64 - MARGIN - 30 - 22 * (aucs.len() - 1 - k) as i64);
        cv.rect(x, y, 14, 14, COLOURS[k % COLOURS.len()]);
        if a.is_finite() {
            cv.text(x + 22, y, &format!("{a:.4}"), 3, black);
        }
    }
    cv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_framing_and_pixels() {
        let cv = roc_figure(&[vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]], &[1.0]);
        // The curve's vertical leg runs up the left axis (2 px pen): blue just left of it, halfway up.
        let (x, y) = to_px(0.0, 0.5);
        assert_eq!(cv.get(x as usize - 1, y as usize), COLOURS[0]);
        assert_eq!(cv.get(x as usize, y as usize), [0, 0, 0]); // the axis on top
        let png = cv.png();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), SIZE as u32);
        // IHDR CRC as zlib computes it over type + data.
        let mut crc = Crc::new();
        crc.update(&png[12..29]);
        assert_eq!(u32::from_be_bytes(png[29..33].try_into().unwrap()), crc.sum());
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
        // The IDAT inflates back to the raster.
        let len = u32::from_be_bytes(png[33..37].try_into().unwrap()) as usize;
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&png[41..41 + len]), &mut raw).unwrap();
        assert_eq!(raw.len(), (SIZE * 3 + 1) * SIZE);
        assert_eq!(&raw[1..4], &cv.get(0, 0));
    }
}
