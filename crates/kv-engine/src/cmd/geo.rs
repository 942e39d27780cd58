//! Geospatial commands (Redis 7.0's geo.c): GEOADD, GEOPOS, GEODIST, GEOHASH,
//! GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms.
//!
//! A geo set is a plain sorted set whose scores are 52-bit geohashes
//! ([`kv_types::geohash`]); every command here reads or writes it through the
//! sorted-set API, and ZRANGE & co. see the same key.
//!
//! Invariants and the Redis behaviours kept on purpose:
//! - Results are Redis's to the bit: the geohash arithmetic, the 9 cells a
//!   search scans and their order, the order points are collected in, glibc's
//!   merge sort for ASC/DESC and Redis's partial quicksort when COUNT cuts the
//!   result (so equal distances come out in Redis's order), and COUNT ANY
//!   stopping as soon as enough points were found.
//! - Replies as geo.c writes them: distances with 4 decimals (`llrint` of
//!   d·10⁴, as a bulk string in both protocols), coordinates with `%.17Lf`
//!   less trailing zeros (a bulk string in RESP2, a double in RESP3), hashes
//!   as integers, and WITHDIST, WITHHASH, WITHCOORD in that order.
//! - Checks in Redis's order: the source key's type first, then the center
//!   and radius of GEORADIUS*, then the options left to right (each failing
//!   with its own error), then the combinations. A missing source answers an
//!   empty array (or 0, deleting a STORE destination) after every check.
//! - GEOADD is ZADD underneath and replays as `zadd key [options] score
//!   member ...`, firing `zadd`; the STORE forms replay as sent and fire
//!   `georadiusstore` / `geosearchstore` (or `del` for an empty result).

use kv_types::csort::{msort, pqsort};
use kv_types::geohash::{self, Shape, ShapeKind};
use kv_types::score::{ScoreBound, ScoreRange, parse_score};
use kv_types::zset::{AddFlags, AddOutcome, SortedSet};
use resp_proto::Argv;

use super::{is, parse_i64};
use crate::Ctx;
use crate::command::flags::*;
use crate::command::table::{OW_UPDATE, RO_ACCESS, RW_UPDATE};
use crate::command::{Command, Group, KeyRange, KeySpec, Keys, acl};
use crate::db::{Typed, typed};
use crate::effects::events;
use crate::error::{CmdError, CmdResult};
use crate::reply::Reply;

/// A coordinate, radius or size argument, read as Redis's
/// getDoubleFromObjectOrReply: `msg` replaces "value is not a valid float".
fn double_arg(arg: &[u8], msg: Option<&str>) -> Result<f64, CmdError> {
    parse_score(arg).ok_or_else(|| match msg {
        Some(m) => CmdError::err(m),
        None => CmdError::NotFloat,
    })
}

/// `longitude latitude` at `argv[at..at + 2]` (extractLongLatOrReply): both
/// parsed, then checked against the indexable limits.
fn lon_lat_arg(argv: Argv<'_>, at: usize) -> Result<[f64; 2], CmdError> {
    let lon = double_arg(argv.arg(at), None)?;
    let lat = double_arg(argv.arg(at + 1), None)?;
    if !(geohash::LONG_MIN..=geohash::LONG_MAX).contains(&lon)
        || !(geohash::LAT_MIN..=geohash::LAT_MAX).contains(&lat)
    {
        return Err(CmdError::err(format!(
            "invalid longitude,latitude pair {lon:.6},{lat:.6}"
        )));
    }
    Ok([lon, lat])
}

/// A unit's size in meters (extractUnitOrReply).
fn unit_arg(arg: &[u8]) -> Result<f64, CmdError> {
    if is(arg, "m") {
        Ok(1.0)
    } else if is(arg, "km") {
        Ok(1000.0)
    } else if is(arg, "ft") {
        Ok(0.3048)
    } else if is(arg, "mi") {
        Ok(1609.34)
    } else {
        Err(CmdError::err(
            "unsupported unit provided. please use M, KM, FT, MI",
        ))
    }
}

/// `radius unit` at `argv[at..at + 2]`: (radius, conversion).
fn radius_arg(argv: Argv<'_>, at: usize) -> Result<(f64, f64), CmdError> {
    let radius = double_arg(argv.arg(at), Some("need numeric radius"))?;
    if radius < 0.0 {
        return Err(CmdError::err("radius cannot be negative"));
    }
    Ok((radius, unit_arg(argv.arg(at + 1))?))
}

/// `width height unit` at `argv[at..at + 3]`: (width, height, conversion).
fn box_arg(argv: Argv<'_>, at: usize) -> Result<(f64, f64, f64), CmdError> {
    let width = double_arg(argv.arg(at), Some("need numeric width"))?;
    let height = double_arg(argv.arg(at + 1), Some("need numeric height"))?;
    if height < 0.0 || width < 0.0 {
        return Err(CmdError::err("height or width cannot be negative"));
    }
    Ok((width, height, unit_arg(argv.arg(at + 2))?))
}

/// A distance as geo.c's addReplyDoubleDistance writes it
/// (fixedpoint_d2string with 4 digits): `llrint(d * 10000)` with the point
/// put back, so 1.23456 is "1.2346" and 0 is "0.0000".
fn distance_text(d: f64) -> String {
    if d == 0.0 {
        return "0.0000".to_string();
    }
    let scaled = d * 10000.0;
    // llrint: round half to even; x86's "indefinite" for what does not fit.
    let v = if scaled.is_nan()
        || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&scaled)
    {
        i64::MIN
    } else {
        scaled.round_ties_even() as i64
    };
    let sign = if v < 0 { "-" } else { "" };
    let u = v.unsigned_abs();
    format!("{sign}{}.{:04}", u / 10000, u % 10000)
}

/// A coordinate as addReplyHumanLongDouble writes it: `%.17Lf` (exact for a
/// double) without trailing zeros, "-0" as "0"; a bulk string in RESP2, a
/// double in RESP3.
fn human_double(reply: &mut Reply<'_>, x: f64) {
    let text = if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        let mut s = format!("{x:.17}");
        if s.contains('.') {
            let trimmed = s.trim_end_matches('0').trim_end_matches('.').len();
            s.truncate(trimmed);
        }
        if s == "-0" {
            s = "0".to_string();
        }
        s
    };
    if reply.is_resp3() {
        let mut out = Vec::with_capacity(text.len() + 3);
        out.push(b',');
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(b"\r\n");
        reply.raw(&out);
    } else {
        reply.bulk(text.as_bytes());
    }
}

// ---- GEOADD ----

/// GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
pub fn geoadd_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let (mut nx, mut xx, mut ch) = (false, false, false);
    let mut first = 2;
    while let Some(opt) = argv.get(first) {
        if is(opt, "nx") {
            nx = true;
        } else if is(opt, "xx") {
            xx = true;
        } else if is(opt, "ch") {
            ch = true;
        } else {
            break;
        }
        first += 1;
    }
    if !(argv.len() - first).is_multiple_of(3) || (xx && nx) {
        return Err(CmdError::Syntax);
    }
    let mut scores = Vec::with_capacity((argv.len() - first) / 3);
    for j in (first..argv.len()).step_by(3) {
        let [lon, lat] = lon_lat_arg(argv, j)?;
        // Within the limits just checked, so the point always encodes.
        let score = geohash::encode_score(lon, lat).unwrap_or(0);
        scores.push((score, argv.arg(j + 2)));
    }
    // Then ZADD's own check: options but no element.
    if scores.is_empty() {
        return Err(CmdError::Syntax);
    }

    let limits = ctx.engine.zset_limits();
    let id = match ctx.lookup_write_as::<SortedSet>(key)? {
        Some(id) => id,
        None if xx => {
            ctx.reply.integer(0);
            return Ok(());
        }
        None => {
            // As ZADD: the new key's encoding follows its first member.
            let z = SortedSet::new(&limits, 1, scores[0].1.len());
            let clock = ctx.access_clock();
            ctx.db().insert(key, z.into_value(), clock)
        }
    };
    let z = crate::db::typed_mut::<SortedSet>(ctx.db(), id)?;
    let flags = AddFlags {
        nx,
        xx,
        ..AddFlags::default()
    };
    let (mut added, mut updated) = (0i64, 0i64);
    for &(score, member) in &scores {
        // Scores below 2^52 are never NaN: adding cannot fail.
        match z.add(member, score as f64, flags, &limits) {
            Ok(AddOutcome::Added(_)) => added += 1,
            Ok(AddOutcome::Updated(_)) => updated += 1,
            _ => {}
        }
    }
    if added + updated > 0 {
        ctx.changed_by(key, events::ZADD, (added + updated) as u64);
        if ctx.propagating() {
            // Redis runs (and replays) the ZADD it rewrote GEOADD into.
            let texts: Vec<String> = scores.iter().map(|(s, _)| s.to_string()).collect();
            let mut args: Vec<&[u8]> = vec![b"zadd", key];
            args.extend(argv.iter().take(first).skip(2));
            for ((_, member), text) in scores.iter().zip(&texts) {
                args.push(text.as_bytes());
                args.push(member);
            }
            ctx.propagate_as(&args);
        }
    }
    ctx.reply.integer(if ch { added + updated } else { added });
    Ok(())
}

// ---- GEOPOS, GEOHASH, GEODIST ----

/// GEOPOS key [member [member ...]]
pub fn geopos_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ctx.with_typed(argv.arg(1), |reply, z: Option<&SortedSet>| {
        reply.array(argv.len() - 2);
        for member in argv.iter().skip(2) {
            match z
                .and_then(|z| z.score(member))
                .and_then(geohash::decode_score)
            {
                Some([lon, lat]) => {
                    reply.array(2);
                    human_double(reply, lon);
                    human_double(reply, lat);
                }
                None => reply.null_array(),
            }
        }
        Ok(())
    })
}

/// GEOHASH key [member [member ...]]
pub fn geohash_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ctx.with_typed(argv.arg(1), |reply, z: Option<&SortedSet>| {
        reply.array(argv.len() - 2);
        for member in argv.iter().skip(2) {
            match z
                .and_then(|z| z.score(member))
                .and_then(geohash::standard_geohash)
            {
                Some(text) => reply.bulk(&text),
                None => reply.null(),
            }
        }
        Ok(())
    })
}

/// GEODIST key member1 member2 [M|KM|FT|MI]
pub fn geodist_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let to_meter = match argv.len() {
        4 => 1.0,
        5 => unit_arg(argv.arg(4))?,
        _ => return Err(CmdError::Syntax),
    };
    let Some((z, reply)) = ctx.read_typed::<SortedSet>(argv.arg(1))? else {
        ctx.reply.null();
        return Ok(());
    };
    let points = z
        .score(argv.arg(2))
        .zip(z.score(argv.arg(3)))
        .and_then(|(a, b)| geohash::decode_score(a).zip(geohash::decode_score(b)));
    match points {
        Some(([x1, y1], [x2, y2])) => {
            let d = geohash::distance(x1, y1, x2, y2) / to_meter;
            reply.bulk(distance_text(d).as_bytes());
        }
        None => reply.null(),
    }
    Ok(())
}

// ---- the searches ----

/// Which command runs [`georadius_generic`] (geo.c's RADIUS_* / GEOSEARCH flags).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// GEORADIUS[_RO] key longitude latitude radius unit ...
    Coords { store_ok: bool },
    /// GEORADIUSBYMEMBER[_RO] key member radius unit ...
    Member { store_ok: bool },
    /// GEOSEARCH key ...
    Search,
    /// GEOSEARCHSTORE destination source ...
    SearchStore,
}

impl Form {
    fn is_search(self) -> bool {
        matches!(self, Form::Search | Form::SearchStore)
    }

    fn store_ok(self) -> bool {
        matches!(
            self,
            Form::Coords { store_ok: true } | Form::Member { store_ok: true }
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    None,
    Asc,
    Desc,
}

/// A point a search found.
struct Found {
    xy: [f64; 2],
    dist: f64,
    score: f64,
    member: Vec<u8>,
}

/// Appends the points of `z` in the cells `shape` scans that lie inside it,
/// in Redis's order (membersOfAllNeighbors); with `limit` (COUNT ANY) the
/// scan stops once that many were found.
fn collect(z: &SortedSet, shape: &Shape, limit: usize) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let full = |found: &Vec<Found>| limit != 0 && found.len() >= limit;
    for cell in shape.search_cells().scan_order() {
        if full(&found) {
            break;
        }
        let (min, max) = cell.score_range();
        let range = ScoreRange {
            min: ScoreBound::inclusive(min as f64),
            max: ScoreBound::exclusive(max as f64),
        };
        for (member, score) in z.range_by_score(&range, false, 0, None) {
            if let Some((xy, dist)) = shape.contains_score(score) {
                found.push(Found {
                    xy,
                    dist,
                    score,
                    member: member.to_vec(),
                });
            }
            if full(&found) {
                break;
            }
        }
    }
    found
}

/// Redis's georadiusGeneric: `src` is the source key's position.
fn georadius_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, src: usize, kind: Form) -> CmdResult {
    let id = ctx.lookup_read_as::<SortedSet>(argv.arg(src))?;
    let mut shape = Shape {
        kind: ShapeKind::Radius(0.0),
        center: [0.0, 0.0],
        conversion: 0.0,
    };
    let mut store: Option<&[u8]> = None;
    let mut storedist = false;
    let base = match kind {
        Form::Coords { .. } => {
            shape.center = lon_lat_arg(argv, 2)?;
            let (radius, conversion) = radius_arg(argv, 4)?;
            shape.kind = ShapeKind::Radius(radius);
            shape.conversion = conversion;
            6
        }
        Form::Member { .. } => {
            // Without a source the arguments are still parsed, for the
            // reply's shape; the center and radius are not.
            if let Some(id) = id {
                let z = typed::<SortedSet>(ctx.db(), id)?;
                shape.center = z
                    .score(argv.arg(2))
                    .and_then(geohash::decode_score)
                    .ok_or_else(|| CmdError::err("could not decode requested zset member"))?;
                let (radius, conversion) = radius_arg(argv, 3)?;
                shape.kind = ShapeKind::Radius(radius);
                shape.conversion = conversion;
            }
            5
        }
        Form::Search => 2,
        Form::SearchStore => {
            store = Some(argv.arg(1));
            3
        }
    };

    let (mut withdist, mut withhash, mut withcoord) = (false, false, false);
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut sort = Sort::None;
    let mut any = false;
    let mut count = 0i64;
    let remaining = argv.len().saturating_sub(base);
    let mut i = 0;
    while i < remaining {
        let at = base + i;
        let opt = argv.arg(at);
        let search = kind.is_search();
        if is(opt, "withdist") {
            withdist = true;
        } else if is(opt, "withhash") {
            withhash = true;
        } else if is(opt, "withcoord") {
            withcoord = true;
        } else if is(opt, "any") {
            any = true;
        } else if is(opt, "asc") {
            sort = Sort::Asc;
        } else if is(opt, "desc") {
            sort = Sort::Desc;
        } else if is(opt, "count") && i + 1 < remaining {
            count = parse_i64(argv.arg(at + 1)).ok_or(CmdError::NotInteger)?;
            if count <= 0 {
                return Err(CmdError::err("COUNT must be > 0"));
            }
            i += 1;
        } else if (is(opt, "store") || is(opt, "storedist")) && i + 1 < remaining && kind.store_ok()
        {
            store = Some(argv.arg(at + 1));
            storedist = is(opt, "storedist");
            i += 1;
        } else if is(opt, "storedist") && kind == Form::SearchStore {
            storedist = true;
        } else if is(opt, "frommember") && i + 1 < remaining && search && !fromloc {
            if let Some(id) = id {
                let z = typed::<SortedSet>(ctx.db(), id)?;
                shape.center = z
                    .score(argv.arg(at + 1))
                    .and_then(geohash::decode_score)
                    .ok_or_else(|| CmdError::err("could not decode requested zset member"))?;
            }
            frommember = true;
            i += 1;
        } else if is(opt, "fromlonlat") && i + 2 < remaining && search && !frommember {
            shape.center = lon_lat_arg(argv, at + 1)?;
            fromloc = true;
            i += 2;
        } else if is(opt, "byradius") && i + 2 < remaining && search && !bybox {
            let (radius, conversion) = radius_arg(argv, at + 1)?;
            shape.kind = ShapeKind::Radius(radius);
            shape.conversion = conversion;
            byradius = true;
            i += 2;
        } else if is(opt, "bybox") && i + 3 < remaining && search && !byradius {
            let (width, height, conversion) = box_arg(argv, at + 1)?;
            shape.kind = ShapeKind::Box { width, height };
            shape.conversion = conversion;
            bybox = true;
            i += 3;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }

    if store.is_some() && (withdist || withhash || withcoord) {
        let what = if kind == Form::SearchStore {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        };
        return Err(CmdError::err(format!(
            "{what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        )));
    }
    let name = String::from_utf8_lossy(argv.arg(0));
    if kind.is_search() && !(frommember || fromloc) {
        return Err(CmdError::err(format!(
            "exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        )));
    }
    if kind.is_search() && !(byradius || bybox) {
        return Err(CmdError::err(format!(
            "exactly one of BYRADIUS and BYBOX can be specified for {name}"
        )));
    }
    if any && count == 0 {
        return Err(CmdError::err("the ANY argument requires COUNT argument"));
    }

    let Some(id) = id else {
        match store {
            Some(dst) => {
                let now = ctx.now_ms();
                if ctx.db().delete(dst, now) {
                    ctx.changed(dst, events::DEL);
                }
                ctx.reply.integer(0);
            }
            None => ctx.reply.array(0),
        }
        return Ok(());
    };
    // COUNT means the nearest ones, unless ANY asked for whichever come first.
    if count != 0 && sort == Sort::None && !any {
        sort = Sort::Asc;
    }
    let limit = if any { count as usize } else { 0 };
    let mut found = collect(typed::<SortedSet>(ctx.db(), id)?, &shape, limit);
    if found.is_empty() && store.is_none() {
        ctx.reply.array(0);
        return Ok(());
    }
    let returned = if count == 0 || (found.len() as i64) < count {
        found.len()
    } else {
        count as usize
    };
    if sort != Sort::None {
        // sort_gp_asc: only `>` and `==` are tested, so a NaN sorts "less".
        let asc = |a: &Found, b: &Found| {
            if a.dist > b.dist {
                std::cmp::Ordering::Greater
            } else if a.dist == b.dist {
                std::cmp::Ordering::Equal
            } else {
                std::cmp::Ordering::Less
            }
        };
        let cmp = |a: &Found, b: &Found| {
            if sort == Sort::Asc {
                asc(a, b)
            } else {
                asc(a, b).reverse()
            }
        };
        if returned == found.len() {
            msort(&mut found, cmp);
        } else {
            pqsort(&mut found, 0, returned as i64 - 1, cmp);
        }
    }
    found.truncate(returned);
    for point in &mut found {
        point.dist /= shape.conversion;
    }

    let Some(dst) = store else {
        let options = usize::from(withdist) + usize::from(withhash) + usize::from(withcoord);
        let reply = &mut ctx.reply;
        reply.array(found.len());
        for point in &found {
            if options > 0 {
                reply.array(options + 1);
            }
            reply.bulk(&point.member);
            if withdist {
                reply.bulk(distance_text(point.dist).as_bytes());
            }
            if withhash {
                reply.integer(geohash::c_double_to_i64(point.score));
            }
            if withcoord {
                reply.array(2);
                human_double(reply, point.xy[0]);
                human_double(reply, point.xy[1]);
            }
        }
        return Ok(());
    };
    let now = ctx.now_ms();
    if found.is_empty() {
        if ctx.db().delete(dst, now) {
            ctx.changed(dst, events::DEL);
        }
        ctx.reply.integer(0);
        return Ok(());
    }
    let limits = ctx.engine.zset_limits();
    // Built as a skiplist, then converted if it fits, as Redis does.
    let mut result = SortedSet::new_large();
    for point in &found {
        let score = if storedist { point.dist } else { point.score };
        // A NaN distance cannot be stored; Redis would store it as is.
        let _ = result.add(&point.member, score, AddFlags::default(), &limits);
    }
    result.convert_to_small_if_fits(&limits);
    let clock = ctx.access_clock();
    ctx.db().set(dst, result.into_value(), false, now, clock);
    let event = if kind.is_search() {
        events::GEOSEARCHSTORE
    } else {
        events::GEORADIUSSTORE
    };
    ctx.changed_by(dst, event, found.len() as u64);
    ctx.reply.integer(found.len() as i64);
    Ok(())
}

/// GEORADIUS key longitude latitude radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]
pub fn georadius_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    georadius_generic(ctx, argv, 1, Form::Coords { store_ok: true })
}

/// GEORADIUSBYMEMBER key member radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]
pub fn georadiusbymember_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    georadius_generic(ctx, argv, 1, Form::Member { store_ok: true })
}

/// GEORADIUS_RO key longitude latitude radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]
pub fn georadius_ro_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    georadius_generic(ctx, argv, 1, Form::Coords { store_ok: false })
}

/// GEORADIUSBYMEMBER_RO key member radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]
pub fn georadiusbymember_ro_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    georadius_generic(ctx, argv, 1, Form::Member { store_ok: false })
}

/// GEOSEARCH key <FROMMEMBER member|FROMLONLAT longitude latitude> <BYRADIUS radius <M|KM|FT|MI>|BYBOX width height <M|KM|FT|MI>> [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
pub fn geosearch_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    georadius_generic(ctx, argv, 1, Form::Search)
}

/// GEOSEARCHSTORE destination source <FROMMEMBER member|FROMLONLAT longitude latitude> <BYRADIUS radius <M|KM|FT|MI>|BYBOX width height <M|KM|FT|MI>> [ASC|DESC] [COUNT count [ANY]] [STOREDIST]
pub fn geosearchstore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    georadius_generic(ctx, argv, 2, Form::SearchStore)
}

// ---- the command table ----

const SEARCH_COMPLEXITY: &str = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";
const GEOSEARCH_COMPLEXITY: &str = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";

/// GEORADIUS's and GEORADIUSBYMEMBER's destination: after STORE or STOREDIST,
/// searched from the first option on.
const fn store_specs(startfrom: i32) -> [KeySpec; 2] {
    [
        KeySpec {
            notes: "",
            flags: OW_UPDATE,
            keyword: Some(("STORE", startfrom)),
            range: KeyRange::ONE,
        },
        KeySpec {
            notes: "",
            flags: OW_UPDATE,
            keyword: Some(("STOREDIST", startfrom)),
            range: KeyRange::ONE,
        },
    ]
}
static GEORADIUS_STORE: [KeySpec; 2] = store_specs(6);
static GEORADIUSBYMEMBER_STORE: [KeySpec; 2] = store_specs(5);

pub static COMMANDS: &[Command] = &[
    Command {
        name: "geoadd",
        arity: -5,
        flags: WRITE | DENYOOM,
        acl: acl::GEO,
        keys: Keys::one(RW_UPDATE),
        group: Group::Geo,
        since: "3.2.0",
        summary: "Adds points to a geospatial index (a sorted set), creating the key if needed.",
        complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        syntax: "key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]",
        handler: Some(geoadd_command),
        ..Command::BASE
    },
    Command {
        name: "geodist",
        arity: -4,
        flags: READONLY,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        group: Group::Geo,
        since: "3.2.0",
        summary: "Returns the distance between two members of a geospatial index.",
        complexity: "O(log(N))",
        syntax: "key member1 member2 [M|KM|FT|MI]",
        handler: Some(geodist_command),
        ..Command::BASE
    },
    Command {
        name: "geohash",
        arity: -2,
        flags: READONLY,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        group: Group::Geo,
        since: "3.2.0",
        summary: "Returns members of a geospatial index as standard geohash strings.",
        complexity: "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
        syntax: "key [member [member ...]]",
        handler: Some(geohash_command),
        ..Command::BASE
    },
    Command {
        name: "geopos",
        arity: -2,
        flags: READONLY,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        group: Group::Geo,
        since: "3.2.0",
        summary: "Returns the longitude and latitude of members of a geospatial index.",
        complexity: "O(N) where N is the number of members requested.",
        syntax: "key [member [member ...]]",
        handler: Some(geopos_command),
        ..Command::BASE
    },
    Command {
        name: "georadius",
        arity: -6,
        flags: WRITE | DENYOOM | MOVABLE_KEYS,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        more_keys: &GEORADIUS_STORE,
        group: Group::Geo,
        since: "3.2.0",
        summary: "Queries a geospatial index for members within a distance of a point, optionally storing the result.",
        complexity: SEARCH_COMPLEXITY,
        syntax: "key longitude latitude radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]",
        handler: Some(georadius_command),
        ..Command::BASE
    },
    Command {
        name: "georadiusbymember",
        arity: -5,
        flags: WRITE | DENYOOM | MOVABLE_KEYS,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        more_keys: &GEORADIUSBYMEMBER_STORE,
        group: Group::Geo,
        since: "3.2.0",
        summary: "Queries a geospatial index for members within a distance of a member, optionally storing the result.",
        complexity: SEARCH_COMPLEXITY,
        syntax: "key member radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]",
        handler: Some(georadiusbymember_command),
        ..Command::BASE
    },
    Command {
        name: "georadius_ro",
        arity: -6,
        flags: READONLY,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        group: Group::Geo,
        since: "3.2.10",
        summary: "Queries a geospatial index for members within a distance of a point.",
        complexity: SEARCH_COMPLEXITY,
        syntax: "key longitude latitude radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]",
        handler: Some(georadius_ro_command),
        ..Command::BASE
    },
    Command {
        name: "georadiusbymember_ro",
        arity: -5,
        flags: READONLY,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        group: Group::Geo,
        since: "3.2.10",
        summary: "Queries a geospatial index for members within a distance of a member.",
        complexity: SEARCH_COMPLEXITY,
        syntax: "key member radius <M|KM|FT|MI> [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]",
        handler: Some(georadiusbymember_ro_command),
        ..Command::BASE
    },
    Command {
        name: "geosearch",
        arity: -7,
        flags: READONLY,
        acl: acl::GEO,
        keys: Keys::one(RO_ACCESS),
        group: Group::Geo,
        since: "6.2.0",
        summary: "Queries a geospatial index for members inside a circle or a box.",
        complexity: GEOSEARCH_COMPLEXITY,
        syntax: "key <FROMMEMBER member|FROMLONLAT longitude latitude> <BYRADIUS radius <M|KM|FT|MI>|BYBOX width height <M|KM|FT|MI>> [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]",
        handler: Some(geosearch_command),
        ..Command::BASE
    },
    Command {
        name: "geosearchstore",
        arity: -8,
        flags: WRITE | DENYOOM,
        acl: acl::GEO,
        keys: Keys::pair(OW_UPDATE, RO_ACCESS),
        group: Group::Geo,
        since: "6.2.0",
        summary: "Stores the members of a geospatial index inside a circle or a box in a sorted set.",
        complexity: GEOSEARCH_COMPLEXITY,
        syntax: "destination source <FROMMEMBER member|FROMLONLAT longitude latitude> <BYRADIUS radius <M|KM|FT|MI>|BYBOX width height <M|KM|FT|MI>> [ASC|DESC] [COUNT count [ANY]] [STOREDIST]",
        handler: Some(geosearchstore_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use super::distance_text;
    use crate::testing::{TestEngine, check, shown};
    use kv_types::geohash;
    use proptest::prelude::*;

    #[test]
    fn distances_are_written_as_redis_does() {
        assert_eq!(distance_text(0.0), "0.0000");
        assert_eq!(distance_text(-0.0), "0.0000");
        assert_eq!(distance_text(1.23456), "1.2346");
        assert_eq!(distance_text(0.00005), "0.0000");
        assert_eq!(distance_text(0.00016), "0.0002");
        assert_eq!(distance_text(166274.15156960033), "166274.1516");
        assert_eq!(distance_text(f64::NAN), "-922337203685477.5808");
    }

    #[test]
    fn geo_commands() {
        check(&[
            (
                &[
                    "GEOADD",
                    "k",
                    "13.361389",
                    "38.115556",
                    "Palermo",
                    "15.087269",
                    "37.502669",
                    "Catania",
                ],
                ":2|",
            ),
            (&["ZSCORE", "k", "Palermo"], "$16|3479099956230698|"),
            (&["GEODIST", "k", "Palermo", "Catania"], "$11|166274.1516|"),
            (
                &["GEODIST", "k", "Palermo", "Catania", "km"],
                "$8|166.2742|",
            ),
            (&["GEODIST", "k", "Palermo", "nosuch"], "$-1|"),
            (
                &["GEODIST", "k", "Palermo", "Catania", "yd"],
                "-ERR unsupported unit provided. please use M, KM, FT, MI|",
            ),
            (
                &["GEOPOS", "k", "Palermo", "x"],
                "*2|*2|$20|13.36138933897018433|$20|38.11555639549629859|*-1|",
            ),
            (
                &["GEOHASH", "k", "Palermo", "Catania", "x"],
                "*3|$11|sqc8b49rny0|$11|sqdtr74hyu0|$-1|",
            ),
            (
                &["GEOADD", "k", "200", "100", "x"],
                "-ERR invalid longitude,latitude pair 200.000000,100.000000|",
            ),
            (
                &["GEOADD", "k", "NX", "XX", "1", "1", "x"],
                "-ERR syntax error|",
            ),
            (&["GEOADD", "k", "CH", "CH", "CH"], "-ERR syntax error|"),
            (
                &[
                    "GEOSEARCH",
                    "k",
                    "FROMLONLAT",
                    "15",
                    "37",
                    "BYRADIUS",
                    "200",
                    "km",
                    "ASC",
                    "WITHDIST",
                ],
                "*2|*2|$7|Catania|$7|56.4413|*2|$7|Palermo|$8|190.4424|",
            ),
            (
                &[
                    "GEOSEARCH",
                    "k",
                    "FROMLONLAT",
                    "15",
                    "37",
                    "BYRADIUS",
                    "200",
                    "km",
                    "ANY",
                ],
                "-ERR the ANY argument requires COUNT argument|",
            ),
            (
                &["geosearch", "k", "BYRADIUS", "200", "km", "ASC", "ASC"],
                "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch|",
            ),
            (
                &["GEORADIUS", "k", "15", "37", "200", "km", "STORE", "d"],
                ":2|",
            ),
            (&["ZRANGE", "d", "0", "-1"], "*2|$7|Palermo|$7|Catania|"),
            (
                &["GEORADIUS_RO", "k", "15", "37", "200", "km", "STORE", "d"],
                "-ERR syntax error|",
            ),
            (
                &["GEORADIUSBYMEMBER", "k", "nosuch", "1", "km"],
                "-ERR could not decode requested zset member|",
            ),
            (&["GEORADIUSBYMEMBER", "nokey", "x", "-1", "km"], "*0|"),
        ]);
    }

    /// The members a reply lists, for a reply of plain members.
    fn members(reply: &[u8]) -> Vec<String> {
        let mut out: Vec<String> = shown(reply)
            .split('|')
            .skip(1)
            .collect::<Vec<_>>()
            .chunks(2)
            .filter_map(|c| c.get(1).map(|m| m.to_string()))
            .filter(|m| !m.is_empty())
            .collect();
        out.sort();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Against a brute-force model: a search finds exactly the points
        /// whose decoded position lies within the radius of the centre.
        #[test]
        fn radius_searches_find_what_brute_force_finds(
            points in proptest::collection::vec((-20.0..20.0f64, -20.0..20.0f64), 1..60),
            center in (-20.0..20.0f64, -20.0..20.0f64),
            radius_km in 1.0..1500.0f64,
        ) {
            let mut t = TestEngine::new();
            let mut add = vec!["GEOADD".to_string(), "g".to_string()];
            for (i, (lon, lat)) in points.iter().enumerate() {
                add.extend([format!("{lon}"), format!("{lat}"), format!("m{i}")]);
            }
            let args: Vec<&str> = add.iter().map(String::as_str).collect();
            t.run(&args);
            let (lon, lat) = (format!("{}", center.0), format!("{}", center.1));
            let radius = format!("{radius_km}");
            let got = members(&t.run(&[
                "GEOSEARCH", "g", "FROMLONLAT", &lon, &lat, "BYRADIUS", &radius, "km",
            ]));
            let mut want: Vec<String> = points
                .iter()
                .enumerate()
                .filter(|(_, (x, y))| {
                    let score = geohash::encode_score(*x, *y).unwrap() as f64;
                    let [px, py] = geohash::decode_score(score).unwrap();
                    geohash::distance(center.0, center.1, px, py) <= radius_km * 1000.0
                })
                .map(|(i, _)| format!("m{i}"))
                .collect();
            want.sort();
            prop_assert_eq!(got, want);
        }
    }
}
