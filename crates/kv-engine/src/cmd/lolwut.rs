//! LOLWUT (Redis's lolwut.c, lolwut5.c, lolwut6.c): a piece of generative art
//! per Redis version, then the server's version.
//!
//! The version chosen is the server's (7, which draws nothing) unless
//! `VERSION v` asks for another: 5 draws Georg Nees's "Schotter" in Braille
//! characters, 6 a skyline in ANSI colours. Both are random, drawn with the
//! engine's generator; their sizes are clamped as Redis clamps them so that the
//! command stays cheap.

use resp_proto::Argv;

use super::args::{int_arg, is};
use crate::command::flags::*;
use crate::command::{Command, Group, Keys};
use crate::error::CmdResult;
use crate::random::Rng;
use crate::{Ctx, REDIS_VERSION};

/// A canvas of pixels with a few colours; writes outside it are ignored.
struct Canvas {
    width: i64,
    height: i64,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: i64, height: i64, background: u8) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![background; (width * height) as usize],
        }
    }

    fn index(&self, x: i64, y: i64) -> Option<usize> {
        ((0..self.width).contains(&x) && (0..self.height).contains(&y))
            .then(|| (x + y * self.width) as usize)
    }

    fn draw(&mut self, x: i64, y: i64, color: u8) {
        if let Some(i) = self.index(x, y) {
            self.pixels[i] = color;
        }
    }

    fn get(&self, x: i64, y: i64) -> u8 {
        self.index(x, y).map_or(0, |i| self.pixels[i])
    }

    /// Bresenham's line from (x1, y1) to (x2, y2).
    fn line(&mut self, (mut x1, mut y1): (i64, i64), (x2, y2): (i64, i64), color: u8) {
        let (dx, dy) = ((x2 - x1).abs(), (y2 - y1).abs());
        let (sx, sy) = (if x1 < x2 { 1 } else { -1 }, if y1 < y2 { 1 } else { -1 });
        let mut err = dx - dy;
        loop {
            self.draw(x1, y1, color);
            if x1 == x2 && y1 == y2 {
                break;
            }
            let e2 = err * 2;
            if e2 > -dy {
                err -= dy;
                x1 += sx;
            }
            if e2 < dx {
                err += dx;
                y1 += sy;
            }
        }
    }

    /// A square of side `size` centred on (x, y), turned by `angle`: its
    /// corners lie on a circle, a quarter turn apart.
    fn square(&mut self, x: i64, y: i64, size: f32, angle: f32, color: u8) {
        let radius = (size / std::f32::consts::SQRT_2).round();
        let mut k = std::f32::consts::FRAC_PI_4 + angle;
        let mut corners = [(0i64, 0i64); 4];
        for corner in &mut corners {
            *corner = (
                (k.sin() * radius + x as f32).round() as i64,
                (k.cos() * radius + y as f32).round() as i64,
            );
            k += std::f32::consts::FRAC_PI_2;
        }
        for j in 0..4 {
            self.line(corners[j], corners[(j + 1) % 4], color);
        }
    }
}

/// A uniform float in [0, 1], as C's `rand() / RAND_MAX`.
fn unit(rng: &mut Rng) -> f32 {
    rng.below(1 << 24) as f32 / ((1 << 24) - 1) as f32
}

/// LOLWUT 5: rows of squares that tilt and drift more the lower they are.
fn schotter(rng: &mut Rng, cols: i64, per_row: i64, per_col: i64) -> Vec<u8> {
    let width = cols * 2;
    let padding = if width > 4 { 2 } else { 0 };
    let side = (width - padding * 2) as f32 / per_row as f32;
    let height = (side * per_col as f32) as i64 + padding * 2;
    let mut canvas = Canvas::new(width, height, 0);
    for y in 0..per_col {
        for x in 0..per_row {
            let mut sx = (x as f32 * side + side / 2.0) as i64 + padding;
            let mut sy = (y as f32 * side + side / 2.0) as i64 + padding;
            let mut angle = 0.0;
            // The first two rows stand straight.
            if y > 1 {
                let mut jitter = || {
                    let r = unit(rng) / per_col as f32 * y as f32;
                    if rng.below(2) == 1 { -r } else { r }
                };
                angle = jitter();
                sx = (sx as f32 + jitter() * side / 3.0) as i64;
                sy = (sy as f32 + jitter() * side / 3.0) as i64;
            }
            canvas.square(sx, sy, side, angle, 1);
        }
    }
    // Each Braille character shows a 2x4 block of pixels.
    const DOTS: [(i64, i64); 8] = [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 1),
        (1, 2),
        (0, 3),
        (1, 3),
    ];
    let mut out = Vec::new();
    for y in (0..canvas.height).step_by(4) {
        for x in (0..canvas.width).step_by(2) {
            let mut dots = 0u32;
            for (bit, (dx, dy)) in DOTS.iter().enumerate() {
                if canvas.get(x + dx, y + dy) != 0 {
                    dots |= 1 << bit;
                }
            }
            let ch = char::from_u32(0x2800 + dots).expect("U+2800..U+28FF are Braille patterns");
            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
        }
        if y != canvas.height - 1 {
            out.push(b'\n');
        }
    }
    out.extend_from_slice(b"\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ");
    out
}

/// One building of LOLWUT 6's skyline.
struct Skyscraper {
    xoff: i64,
    width: i64,
    height: i64,
    windows: bool,
    color: u8,
}

fn skyscraper(canvas: &mut Canvas, rng: &mut Rng, s: &Skyscraper) {
    let bottom = canvas.height - 1;
    let top = bottom - s.height + 1;
    for y in (top..=bottom).rev() {
        for x in s.xoff..s.xoff + s.width {
            // The roof is four pixels narrower.
            if y == top && (x <= s.xoff + 1 || x >= s.xoff + s.width - 2) {
                continue;
            }
            let mut color = s.color;
            let inner = x > s.xoff + 1 && x < s.xoff + s.width - 2 && y > top + 1 && y < bottom - 1;
            if s.windows && inner {
                let (relx, rely) = (x - (s.xoff + 1), y - (top + 1));
                // Windows are two pixels wide and one tall.
                if (relx / 2) % 2 == 1 && rely % 2 == 1 {
                    loop {
                        color = 1 + rng.below(2) as u8;
                        if color != s.color {
                            break;
                        }
                    }
                    if relx % 2 == 1 {
                        color = canvas.get(x - 1, y);
                    }
                }
            }
            canvas.draw(x, y, color);
        }
    }
}

/// C's `rand() % n`, for the positive `n` LOLWUT uses.
fn below(rng: &mut Rng, n: i64) -> i64 {
    rng.below(n as u64) as i64
}

/// LOLWUT 6: two rows of grey buildings behind black ones with lit windows.
fn skyline(rng: &mut Rng, cols: i64, rows: i64) -> Vec<u8> {
    let mut canvas = Canvas::new(cols, rows, 3);
    let h = canvas.height;
    // The lighter grey first, so that it stays behind.
    for color in [2u8, 1] {
        let mut offset = -10;
        while offset < canvas.width {
            offset += below(rng, 8);
            let width = 10 + below(rng, 9);
            let height = if color == 2 {
                h / 2 + below(rng, h) / 2
            } else {
                h / 2 + below(rng, h) / 3
            };
            let s = Skyscraper {
                xoff: offset,
                width,
                height,
                windows: false,
                color,
            };
            skyscraper(&mut canvas, rng, &s);
            offset += if color == 2 { width / 2 } else { width + 1 };
        }
    }
    let mut offset = -10;
    while offset < canvas.width {
        offset += below(rng, 8);
        let mut width = 5 + below(rng, 14);
        if width % 4 != 0 {
            width += width % 3;
        }
        let height = h / 3 + below(rng, h) / 2;
        let s = Skyscraper {
            xoff: offset,
            width,
            height,
            windows: true,
            color: 0,
        };
        skyscraper(&mut canvas, rng, &s);
        offset += width + 5;
    }
    let mut out = Vec::new();
    for y in 0..canvas.height {
        for x in 0..canvas.width {
            // Foreground and background both, for the same look everywhere.
            let escape: &[u8] = match canvas.get(x, y) {
                1 => b"0;90;100m",
                2 => b"0;37;47m",
                3 => b"0;97;107m",
                _ => b"0;30;40m",
            };
            out.extend_from_slice(b"\x1b[");
            out.extend_from_slice(escape);
            out.extend_from_slice(b" \x1b[0m");
        }
        if y != canvas.height - 1 {
            out.push(b'\n');
        }
    }
    out.extend_from_slice(
        b"\nDedicated to the 8 bit game developers of past and present.\n\
          Original 8 bit image from Plaguemon by hikikomori. Redis ver. ",
    );
    out
}

/// The optional numeric arguments, each clamped to `1..=max`, or their
/// defaults.
fn sizes<const N: usize>(
    args: &[&[u8]],
    defaults: [i64; N],
    max: [i64; N],
) -> Result<[i64; N], crate::CmdError> {
    let mut out = defaults;
    for (i, arg) in args.iter().take(N).enumerate() {
        out[i] = int_arg(arg)?;
    }
    for (v, max) in out.iter_mut().zip(max) {
        *v = (*v).clamp(1, max);
    }
    Ok(out)
}

/// LOLWUT [VERSION version]
pub fn lolwut_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut args: Vec<&[u8]> = argv.iter().skip(1).collect();
    let mut version = REDIS_VERSION.to_string();
    if args.len() >= 2 && is(args[0], "version") {
        // Redis prints the number as a C unsigned int, then reads the
        // version string's first characters.
        version = format!("{}.0.0", int_arg(args[1])? as u32);
        args.drain(..2);
    }
    let v = version.as_bytes();
    let is_5 = (v[0] == b'5' && v[1] == b'.' && v[2] != b'9') || v.starts_with(b"4.9");
    let is_6 = (v[0] == b'6' && v[1] == b'.' && v[2] != b'9') || v.starts_with(b"5.9");
    let rng = ctx.parts().rng;
    let mut text = if is_5 {
        let [cols, per_row, per_col] = sizes(&args, [66, 8, 12], [1000, 200, 200])?;
        schotter(rng, cols, per_row, per_col)
    } else if is_6 {
        let [cols, rows] = sizes(&args, [80, 20], [1000, 1000])?;
        skyline(rng, cols, rows)
    } else {
        b"Redis ver. ".to_vec()
    };
    text.extend_from_slice(REDIS_VERSION.as_bytes());
    text.push(b'\n');
    ctx.reply.verbatim(&text, b"txt");
    Ok(())
}

pub static COMMANDS: &[Command] = &[Command {
    name: "lolwut",
    arity: -1,
    flags: READONLY | FAST,
    keys: Keys::NONE,
    group: Group::Server,
    since: "5.0.0",
    summary: "Displays computer art and the Redis version",
    syntax: "[VERSION version]",
    handler: Some(lolwut_command),
    ..Command::BASE
}];

#[cfg(test)]
mod tests {
    use crate::testing::check;

    #[test]
    fn versions() {
        check(&[
            (&["LOLWUT"], "$18|Redis ver. 7.0.15\n|"),
            (&["LOLWUT", "VERSION", "7"], "$18|Redis ver. 7.0.15\n|"),
            (
                &["LOLWUT", "VERSION", "x"],
                "-ERR value is not an integer or out of range|",
            ),
            (
                &["LOLWUT", "VERSION", "5", "x"],
                "-ERR value is not an integer or out of range|",
            ),
        ]);
    }
}
