//! Redis's geohash: the 52-bit interleaved cell code GEOADD stores as a sorted
//! set score, decoding it back to a cell's centre, the 3x3 block of cells a
//! radius or box search scans, and the haversine distances the search filters
//! with (Redis 7.0's geohash.c, geohash_helper.c and the pure parts of geo.c).
//!
//! Everything is pure arithmetic on `f64`/`u64`, written so that every result
//! is bit-for-bit Redis's: the same operations in the same order (no fused
//! multiply-add, the same constants, the trigonometry of the platform's libm,
//! which is what Redis links), and the same C conversions where Redis relies
//! on them (`(uint64_t)score` of a score that no GEOADD produced, `uint32 + 1`
//! wrapping). Replies built from these values are then identical.
//!
//! The layout of a hash: latitude bits sit in the even positions, longitude
//! bits in the odd ones, most significant pair first; `step` pairs in all
//! (26 for a stored score, fewer for the coarser search cells). Stored scores
//! use Redis's Web Mercator latitude limits (±85.05112878); GEOHASH's text
//! re-encodes with the standard ±90 so other geohash tools can read it.
//!
//! Invariant: a [`HashBits`] with `bits == 0 && step == 0` is the "no cell"
//! marker (Redis's HASHISZERO), used for neighbours a search excludes.

/// Bits per coordinate of a stored score: 2 * 26 = 52 bits.
pub const STEP_MAX: u8 = 26;
/// The latitude limits of EPSG:900913 (Web Mercator): no indexing at the poles.
pub const LAT_MIN: f64 = -85.05112878;
pub const LAT_MAX: f64 = 85.05112878;
pub const LONG_MIN: f64 = -180.0;
pub const LONG_MAX: f64 = 180.0;
/// Earth's quadratic mean radius for WGS-84, the one Redis measures with.
pub const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
const MERCATOR_MAX: f64 = 20037726.37;
/// Degrees to radians, as Redis's `M_PI / 180.0`.
const D_R: f64 = std::f64::consts::PI / 180.0;

/// A cell: `step` pairs of interleaved bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HashBits {
    pub bits: u64,
    pub step: u8,
}

impl HashBits {
    /// The "no cell" marker.
    pub const ZERO: HashBits = HashBits { bits: 0, step: 0 };

    pub fn is_zero(self) -> bool {
        self.bits == 0 && self.step == 0
    }

    /// The 52-bit score of this cell's first point (geohashAlign52Bits).
    pub fn align52(self) -> u64 {
        self.bits << (52 - u32::from(self.step) * 2)
    }

    /// The scores `[min, max)` of every stored point inside this cell
    /// (geo.c's scoresOfGeoHashBox): the prefix, and the next prefix.
    pub fn score_range(self) -> (u64, u64) {
        let next = HashBits {
            bits: self.bits.wrapping_add(1),
            step: self.step,
        };
        (self.align52(), next.align52())
    }
}

/// A closed interval of one coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

impl Range {
    fn is_zero(&self) -> bool {
        self.min == 0.0 && self.max == 0.0
    }
}

/// Longitudes of stored points.
pub const LONG_RANGE: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
/// Latitudes of stored points (Web Mercator limits).
pub const LAT_RANGE: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};
/// The standard geohash's latitude range, for GEOHASH's text.
pub const STANDARD_LAT_RANGE: Range = Range {
    min: -90.0,
    max: 90.0,
};

/// A decoded cell: its code and its extent.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Area {
    pub hash: HashBits,
    pub longitude: Range,
    pub latitude: Range,
}

/// The eight cells around one, at the same step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Neighbors {
    pub north: HashBits,
    pub east: HashBits,
    pub west: HashBits,
    pub south: HashBits,
    pub north_east: HashBits,
    pub south_east: HashBits,
    pub north_west: HashBits,
    pub south_west: HashBits,
}

/// C's `(int64_t)x` on x86-64 (cvttsd2si): truncation, and the "integer
/// indefinite" value `i64::MIN` for NaN and out-of-range inputs.
pub fn c_double_to_i64(x: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || !(-TWO_63..TWO_63).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// C's `(uint64_t)x` as GCC compiles it for x86-64: values from 2^63 up are
/// converted after subtracting 2^63, everything below (NaN included) with the
/// signed conversion. So -1.0 gives all ones, +inf 0 and -inf 2^63 — which
/// is what Redis decodes when a sorted set score was not written by GEOADD.
pub fn c_double_to_u64(x: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x >= TWO_63 {
        (c_double_to_i64(x - TWO_63) as u64) ^ (1 << 63)
    } else {
        c_double_to_i64(x) as u64
    }
}

/// Spreads the low 32 bits of `x` over the even bit positions and those of `y`
/// over the odd ones.
pub fn interleave64(x: u32, y: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = u64::from(v);
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        (v | (v << 1)) & 0x5555_5555_5555_5555
    }
    spread(x) | (spread(y) << 1)
}

/// The inverse of [`interleave64`]: the even bits in the low half of the
/// result, the odd bits in the high half.
pub fn deinterleave64(v: u64) -> u64 {
    fn gather(mut v: u64) -> u64 {
        v &= 0x5555_5555_5555_5555;
        v = (v | (v >> 1)) & 0x3333_3333_3333_3333;
        v = (v | (v >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v | (v >> 4)) & 0x00FF_00FF_00FF_00FF;
        v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF;
        (v | (v >> 16)) & 0x0000_0000_FFFF_FFFF
    }
    gather(v) | (gather(v >> 1) << 32)
}

/// The cell of `step` bit pairs holding (`longitude`, `latitude`) within the
/// given ranges (geohashEncode). None for a step outside 1..=32, a zero range,
/// or a point outside the ranges or outside the Web Mercator limits.
// The comparisons are C's, where a NaN is outside no limit.
#[allow(clippy::manual_range_contains)]
pub fn encode(
    long_range: &Range,
    lat_range: &Range,
    longitude: f64,
    latitude: f64,
    step: u8,
) -> Option<HashBits> {
    if step > 32 || step == 0 || lat_range.is_zero() || long_range.is_zero() {
        return None;
    }
    if longitude > LONG_MAX || longitude < LONG_MIN || latitude > LAT_MAX || latitude < LAT_MIN {
        return None;
    }
    if latitude < lat_range.min
        || latitude > lat_range.max
        || longitude < long_range.min
        || longitude > long_range.max
    {
        return None;
    }
    let mut lat_offset = (latitude - lat_range.min) / (lat_range.max - lat_range.min);
    let mut long_offset = (longitude - long_range.min) / (long_range.max - long_range.min);
    let scale = (1u64 << step) as f64;
    lat_offset *= scale;
    long_offset *= scale;
    // C converts the offsets to uint32_t: a 64-bit truncation, low half kept.
    let bits = interleave64(
        c_double_to_i64(lat_offset) as u32,
        c_double_to_i64(long_offset) as u32,
    );
    Some(HashBits { bits, step })
}

/// [`encode`] within the ranges of stored points.
pub fn encode_wgs84(longitude: f64, latitude: f64, step: u8) -> Option<HashBits> {
    encode(&LONG_RANGE, &LAT_RANGE, longitude, latitude, step)
}

/// The score GEOADD stores for a point (None outside the limits).
pub fn encode_score(longitude: f64, latitude: f64) -> Option<u64> {
    encode_wgs84(longitude, latitude, STEP_MAX).map(HashBits::align52)
}

/// The extent of a cell (geohashDecode); None for the "no cell" marker.
pub fn decode(long_range: &Range, lat_range: &Range, hash: HashBits) -> Option<Area> {
    if hash.is_zero() || lat_range.is_zero() || long_range.is_zero() {
        return None;
    }
    let separated = deinterleave64(hash.bits);
    let lat_scale = lat_range.max - lat_range.min;
    let long_scale = long_range.max - long_range.min;
    let ilato = separated as u32;
    let ilono = (separated >> 32) as u32;
    let cells = (1u64 << hash.step) as f64;
    // `+ 1` is 32-bit unsigned arithmetic in C: it wraps for all-ones bits.
    Some(Area {
        hash,
        latitude: Range {
            min: lat_range.min + (f64::from(ilato) * 1.0 / cells) * lat_scale,
            max: lat_range.min + (f64::from(ilato.wrapping_add(1)) * 1.0 / cells) * lat_scale,
        },
        longitude: Range {
            min: long_range.min + (f64::from(ilono) * 1.0 / cells) * long_scale,
            max: long_range.min + (f64::from(ilono.wrapping_add(1)) * 1.0 / cells) * long_scale,
        },
    })
}

/// The centre of a cell as `[longitude, latitude]`, clamped to the limits.
pub fn area_center(area: &Area) -> [f64; 2] {
    let lon = ((area.longitude.min + area.longitude.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((area.latitude.min + area.latitude.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    [lon, lat]
}

/// The centre of a cell of stored points.
pub fn decode_to_lon_lat(hash: HashBits) -> Option<[f64; 2]> {
    decode(&LONG_RANGE, &LAT_RANGE, hash).map(|a| area_center(&a))
}

/// The point a sorted set score stands for (geo.c's decodeGeohash): any score
/// decodes, through C's conversion to a 52-bit code.
pub fn decode_score(score: f64) -> Option<[f64; 2]> {
    decode_to_lon_lat(HashBits {
        bits: c_double_to_u64(score),
        step: STEP_MAX,
    })
}

/// The standard 11-character base32 geohash of a stored score (GEOHASH):
/// decoded, re-encoded with latitudes -90..90, and a last character of 0
/// since 52 bits fill only ten.
pub fn standard_geohash(score: f64) -> Option<[u8; 11]> {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let [lon, lat] = decode_score(score)?;
    // A decoded point is always within the limits, so this cannot fail; a
    // zero code stands in as Redis's zeroed struct would.
    let bits = encode(&LONG_RANGE, &STANDARD_LAT_RANGE, lon, lat, STEP_MAX).map_or(0, |h| h.bits);
    let mut out = [ALPHABET[0]; 11];
    for (i, c) in out.iter_mut().enumerate().take(10) {
        let idx = (bits >> (52 - (i + 1) * 5)) & 0x1f;
        *c = ALPHABET[idx as usize];
    }
    Some(out)
}

/// Moves a cell one step east (`d > 0`) or west (`d < 0`), wrapping around.
fn move_x(hash: &mut HashBits, d: i8) {
    move_along(hash, d, 0xaaaa_aaaa_aaaa_aaaa);
}

/// Moves a cell one step north (`d > 0`) or south (`d < 0`), wrapping around.
fn move_y(hash: &mut HashBits, d: i8) {
    move_along(hash, d, 0x5555_5555_5555_5555);
}

/// One step along the axis whose interleaved bits `axis` selects (geohash's
/// move_x/move_y): the other axis's bits are set first so that the carry
/// runs through them, then masked off again.
fn move_along(hash: &mut HashBits, d: i8, axis: u64) {
    if d == 0 {
        return;
    }
    let other = !axis;
    let shift = 64 - u32::from(hash.step) * 2;
    let mut a = hash.bits & axis;
    let b = hash.bits & other;
    let zz = other >> shift;
    if d > 0 {
        a = a.wrapping_add(zz + 1);
    } else {
        a |= zz;
        a = a.wrapping_sub(zz + 1);
    }
    a &= axis >> shift;
    hash.bits = a | b;
}

/// The eight cells around `hash` (geohashNeighbors).
pub fn neighbors(hash: HashBits) -> Neighbors {
    let at = |dx: i8, dy: i8| {
        let mut h = hash;
        move_x(&mut h, dx);
        move_y(&mut h, dy);
        h
    };
    Neighbors {
        north: at(0, 1),
        east: at(1, 0),
        west: at(-1, 0),
        south: at(0, -1),
        north_east: at(1, 1),
        south_east: at(1, -1),
        north_west: at(-1, 1),
        south_west: at(-1, -1),
    }
}

fn deg_rad(angle: f64) -> f64 {
    angle * D_R
}

fn rad_deg(angle: f64) -> f64 {
    angle / D_R
}

/// The step whose cells are about as large as a search of `range_meters`
/// around latitude `lat` needs (geohashEstimateStepsByRadius).
#[allow(clippy::manual_range_contains)]
pub fn estimate_steps_by_radius(mut range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return 26;
    }
    let mut step: i32 = 1;
    while range_meters < MERCATOR_MAX {
        range_meters *= 2.0;
        step += 1;
    }
    step -= 2;
    // Cells narrow towards the poles.
    if lat > 66.0 || lat < -66.0 {
        step -= 1;
        if lat > 80.0 || lat < -80.0 {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// Great-circle distance in meters between two `lon, lat` points, by the
/// haversine formula (geohashGetDistance).
pub fn distance(lon1d: f64, lat1d: f64, lon2d: f64, lat2d: f64) -> f64 {
    let lon1r = deg_rad(lon1d);
    let lon2r = deg_rad(lon2d);
    let v = ((lon2r - lon1r) / 2.0).sin();
    // Same longitude: the distance is along the meridian.
    if v == 0.0 {
        return lat_distance(lat1d, lat2d);
    }
    let lat1r = deg_rad(lat1d);
    let lat2r = deg_rad(lat2d);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// Distance along a meridian between two latitudes (geohashGetLatDistance).
pub fn lat_distance(lat1d: f64, lat2d: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2d) - deg_rad(lat1d)).abs()
}

/// What a search covers, in the unit its numbers were given in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShapeKind {
    /// BYRADIUS: a circle.
    Radius(f64),
    /// BYBOX: an axis-aligned rectangle centred on the point.
    Box { width: f64, height: f64 },
}

/// A search area: its kind, its centre `[lon, lat]` and the unit's size in
/// meters (`conversion`: 1000 for km).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub kind: ShapeKind,
    pub center: [f64; 2],
    pub conversion: f64,
}

impl Shape {
    /// `[min_lon, min_lat, max_lon, max_lat]` of the area (geohashBoundingBox):
    /// the longitudes are taken on the edge nearer the pole, where a degree is
    /// shortest.
    pub fn bounding_box(&self) -> [f64; 4] {
        let [longitude, latitude] = self.center;
        let (height, width) = match self.kind {
            ShapeKind::Radius(r) => (self.conversion * r, self.conversion * r),
            ShapeKind::Box { width, height } => (
                self.conversion * (height / 2.0),
                self.conversion * (width / 2.0),
            ),
        };
        let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
        let long_delta_top =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude + lat_delta).cos());
        let long_delta_bottom =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude - lat_delta).cos());
        let long_delta = if latitude < 0.0 {
            long_delta_bottom
        } else {
            long_delta_top
        };
        [
            longitude - long_delta,
            latitude - lat_delta,
            longitude + long_delta,
            latitude + lat_delta,
        ]
    }

    /// The distance to a point if it lies inside the area (geoWithinShape):
    /// a circle compares the haversine distance with the radius, a box the
    /// distances along the meridian and along the point's parallel with its
    /// half sides. The distance is in meters.
    pub fn contains(&self, xy: [f64; 2]) -> Option<f64> {
        let [x1, y1] = self.center;
        let [x2, y2] = xy;
        match self.kind {
            ShapeKind::Radius(r) => {
                let d = distance(x1, y1, x2, y2);
                // Not `<=`: a NaN distance (rounding near antipodes) is in.
                if d > r * self.conversion {
                    None
                } else {
                    Some(d)
                }
            }
            ShapeKind::Box { width, height } => {
                let (width_m, height_m) = (width * self.conversion, height * self.conversion);
                if lat_distance(y2, y1) > height_m / 2.0 {
                    return None;
                }
                if distance(x2, y2, x1, y2) > width_m / 2.0 {
                    return None;
                }
                Some(distance(x1, y1, x2, y2))
            }
        }
    }

    /// The distance to the point a score stands for, if inside; with the point.
    pub fn contains_score(&self, score: f64) -> Option<([f64; 2], f64)> {
        let xy = decode_score(score)?;
        self.contains(xy).map(|d| (xy, d))
    }

    /// The cells a search scans (geohashCalculateAreasByShapeWGS84): the
    /// centre's cell at a step fitting the area's size (one coarser when a
    /// neighbour would not reach the area's edge), and those of its eight
    /// neighbours the area reaches.
    pub fn search_cells(&self) -> SearchCells {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        let [longitude, latitude] = self.center;
        let radius_meters = match self.kind {
            ShapeKind::Radius(r) => r,
            ShapeKind::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        } * self.conversion;
        let mut steps = estimate_steps_by_radius(radius_meters, latitude);
        let cell = |steps: u8| {
            let hash = encode(&LONG_RANGE, &LAT_RANGE, longitude, latitude, steps)
                .unwrap_or(HashBits::ZERO);
            let area = decode(&LONG_RANGE, &LAT_RANGE, hash).unwrap_or_default();
            (hash, neighbors(hash), area)
        };
        let (mut hash, mut around, mut area) = cell(steps);
        let extent = |h: HashBits| decode(&LONG_RANGE, &LAT_RANGE, h).unwrap_or_default();
        let decrease_step = extent(around.north).latitude.max < max_lat
            || extent(around.south).latitude.min > min_lat
            || extent(around.east).longitude.max < max_lon
            || extent(around.west).longitude.min > min_lon;
        if steps > 1 && decrease_step {
            steps -= 1;
            (hash, around, area) = cell(steps);
        }
        // Neighbours wholly outside the bounding box are not scanned.
        if steps >= 2 {
            if area.latitude.min < min_lat {
                around.south = HashBits::ZERO;
                around.south_west = HashBits::ZERO;
                around.south_east = HashBits::ZERO;
            }
            if area.latitude.max > max_lat {
                around.north = HashBits::ZERO;
                around.north_east = HashBits::ZERO;
                around.north_west = HashBits::ZERO;
            }
            if area.longitude.min < min_lon {
                around.west = HashBits::ZERO;
                around.south_west = HashBits::ZERO;
                around.north_west = HashBits::ZERO;
            }
            if area.longitude.max > max_lon {
                around.east = HashBits::ZERO;
                around.south_east = HashBits::ZERO;
                around.north_east = HashBits::ZERO;
            }
        }
        SearchCells {
            hash,
            neighbors: around,
            area,
        }
    }
}

/// The cells of a search (Redis's GeoHashRadius).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SearchCells {
    pub hash: HashBits,
    pub neighbors: Neighbors,
    pub area: Area,
}

impl SearchCells {
    /// The cells in the order Redis scans them (membersOfAllNeighbors): the
    /// centre, N, S, E, W, NE, NW, SE, SW; excluded ones left out, and a
    /// neighbour equal to the previously scanned *neighbour* left out (huge
    /// areas wrap around the globe). A neighbour equal to the centre cell is
    /// scanned again, so its points appear twice — as in Redis.
    pub fn scan_order(&self) -> Vec<HashBits> {
        let n = &self.neighbors;
        let all = [
            self.hash,
            n.north,
            n.south,
            n.east,
            n.west,
            n.north_east,
            n.north_west,
            n.south_east,
            n.south_west,
        ];
        let mut out = Vec::with_capacity(all.len());
        // Index 0 counts as "nothing processed yet", as in Redis.
        let mut last_processed = 0;
        for (i, cell) in all.iter().enumerate() {
            if cell.is_zero() {
                continue;
            }
            if last_processed != 0 && *cell == all[last_processed] {
                continue;
            }
            out.push(*cell);
            last_processed = i;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scores_match_redis() {
        // GEOADD k 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        assert_eq!(encode_score(13.361389, 38.115556), Some(3479099956230698));
        assert_eq!(encode_score(15.087269, 37.502669), Some(3479447370796909));
        assert_eq!(encode_score(180.1, 0.0), None);
        assert_eq!(encode_score(0.0, 85.06), None);
        let [lon, lat] = decode_score(3479099956230698.0).unwrap();
        assert_eq!(format!("{lon:.17}"), "13.36138933897018433");
        assert_eq!(format!("{lat:.17}"), "38.11555639549629859");
        assert_eq!(
            &standard_geohash(3479099956230698.0).unwrap(),
            b"sqc8b49rny0"
        );
        assert_eq!(
            &standard_geohash(3479447370796909.0).unwrap(),
            b"sqdtr74hyu0"
        );
    }

    #[test]
    fn foreign_scores_decode_as_c_converts_them() {
        // Values redis-server 7.0.15 answers for GEOPOS of such members.
        let show = |s: f64| {
            let [lon, lat] = decode_score(s).unwrap();
            format!("{lon:.17} {lat:.17}")
        };
        assert_eq!(show(-1.0), "180.00000000000000000 85.05112877999999910");
        assert_eq!(show(f64::INFINITY), show(0.0));
        assert_eq!(show(1e30), show(0.0));
        assert_eq!(
            show(f64::NEG_INFINITY),
            "180.00000000000000000 -85.05112751263942528"
        );
        assert_eq!(c_double_to_u64(-1.0), u64::MAX);
        assert_eq!(c_double_to_u64(f64::NEG_INFINITY), 1 << 63);
        assert_eq!(c_double_to_u64(1.5), 1);
    }

    #[test]
    fn distances_match_redis() {
        let [a, b] = decode_score(3479099956230698.0).unwrap();
        let [c, d] = decode_score(3479447370796909.0).unwrap();
        // GEODIST k Palermo Catania: 166274.1516
        assert_eq!(format!("{:.4}", distance(a, b, c, d)), "166274.1516");
        assert_eq!(distance(a, b, a, b), 0.0);
    }

    #[test]
    fn neighbours_wrap_and_step() {
        let h = encode_wgs84(0.0, 0.0, 1).unwrap();
        let n = neighbors(h);
        assert_eq!(decode_to_lon_lat(n.east).map(|p| p[0] > 0.0), Some(false));
        let h = encode_wgs84(10.0, 10.0, 10).unwrap();
        let n = neighbors(h);
        let c = decode(&LONG_RANGE, &LAT_RANGE, h).unwrap();
        let e = decode(&LONG_RANGE, &LAT_RANGE, n.east).unwrap();
        let s = decode(&LONG_RANGE, &LAT_RANGE, n.south).unwrap();
        assert_eq!(e.longitude.min, c.longitude.max);
        assert_eq!(s.latitude.max, c.latitude.min);
        assert_eq!(e.latitude, c.latitude);
    }

    #[test]
    fn small_and_huge_searches() {
        let shape = Shape {
            kind: ShapeKind::Radius(200.0),
            center: [15.0, 37.0],
            conversion: 1000.0,
        };
        let cells = shape.search_cells();
        assert!(!cells.hash.is_zero());
        assert!(cells.scan_order().len() <= 9);
        let world = Shape {
            kind: ShapeKind::Radius(50000.0),
            center: [0.0, 0.0],
            conversion: 1000.0,
        };
        let cells = world.search_cells();
        assert_eq!(cells.hash.step, 1);
    }

    proptest! {
        #[test]
        fn interleave_round_trips(x in any::<u32>(), y in any::<u32>()) {
            let v = interleave64(x, y);
            let d = deinterleave64(v);
            prop_assert_eq!(d as u32, x);
            prop_assert_eq!((d >> 32) as u32, y);
            // Bit by bit: x's bit i at 2i, y's at 2i+1.
            for i in 0..32 {
                prop_assert_eq!((v >> (2 * i)) & 1, u64::from((x >> i) & 1));
                prop_assert_eq!((v >> (2 * i + 1)) & 1, u64::from((y >> i) & 1));
            }
        }

        #[test]
        fn encode_decode_round_trip_within_the_cell(
            lon in LONG_MIN..=LONG_MAX,
            lat in LAT_MIN..=LAT_MAX,
            step in 1u8..=26,
        ) {
            let h = encode_wgs84(lon, lat, step).unwrap();
            prop_assert_eq!(h.step, step);
            let area = decode(&LONG_RANGE, &LAT_RANGE, h).unwrap();
            let eps = 1e-9;
            prop_assert!(area.longitude.min <= lon + eps && lon <= area.longitude.max + eps);
            prop_assert!(area.latitude.min <= lat + eps && lat <= area.latitude.max + eps);
            let [clon, clat] = area_center(&area);
            let cell_w = 360.0 / (1u64 << step) as f64;
            let cell_h = (LAT_MAX - LAT_MIN) / (1u64 << step) as f64;
            prop_assert!((clon - lon).abs() <= cell_w / 2.0 + eps);
            prop_assert!((clat - lat).abs() <= cell_h / 2.0 + eps);
            // Re-encoding the centre finds the same cell.
            prop_assert_eq!(encode_wgs84(clon, clat, step), Some(h));
        }

        #[test]
        fn a_stored_score_decodes_to_its_cell(lon in LONG_MIN..LONG_MAX, lat in LAT_MIN..LAT_MAX) {
            let score = encode_score(lon, lat).unwrap();
            prop_assert!(score < 1 << 52);
            let [x, y] = decode_score(score as f64).unwrap();
            prop_assert!((x - lon).abs() < 1e-5 && (y - lat).abs() < 1e-5);
            prop_assert_eq!(encode_score(x, y), Some(score));
        }

        #[test]
        fn neighbours_are_adjacent(lon in -170.0..170.0f64, lat in -80.0..80.0f64, step in 2u8..=26) {
            let h = encode_wgs84(lon, lat, step).unwrap();
            let c = decode(&LONG_RANGE, &LAT_RANGE, h).unwrap();
            // Cells on the edge of the map wrap around instead.
            prop_assume!(c.longitude.min > LONG_MIN && c.longitude.max < LONG_MAX);
            prop_assume!(c.latitude.max < LAT_MAX);
            let n = neighbors(h);
            let e = decode(&LONG_RANGE, &LAT_RANGE, n.east).unwrap();
            let w = decode(&LONG_RANGE, &LAT_RANGE, n.west).unwrap();
            let north = decode(&LONG_RANGE, &LAT_RANGE, n.north).unwrap();
            prop_assert!((e.longitude.min - c.longitude.max).abs() < 1e-9);
            prop_assert!((w.longitude.max - c.longitude.min).abs() < 1e-9);
            prop_assert!((north.latitude.min - c.latitude.max).abs() < 1e-9);
            prop_assert_eq!(north.longitude, c.longitude);
        }

        #[test]
        fn a_search_finds_every_point_in_its_circle(
            lon in -179.0..179.0f64, lat in -84.0..84.0f64,
            radius in 1.0..2_000_000.0f64,
            plon in -180.0..180.0f64, plat in LAT_MIN..LAT_MAX,
        ) {
            // The property the 9-cell block exists for: a stored point inside
            // the circle has its score inside one of the scanned cells.
            let shape = Shape { kind: ShapeKind::Radius(radius), center: [lon, lat], conversion: 1.0 };
            let score = encode_score(plon, plat).unwrap();
            if shape.contains_score(score as f64).is_some() {
                let found = shape.search_cells().scan_order().iter().any(|c| {
                    let (min, max) = c.score_range();
                    (min..max).contains(&score)
                });
                prop_assert!(found);
            }
        }
    }
}
