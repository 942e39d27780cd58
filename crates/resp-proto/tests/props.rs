//! Property tests: frame round trips, chunking-independence of the request
//! parser, never-panic on arbitrary bytes, and `format_double` against glibc.

mod common;

use common::{Ev, cmd, reference, run_bytewise, run_chunks, run_whole};
use proptest::prelude::*;
use resp_proto::{DecodeLimits, Frame, RequestLimits, decode, encode, format_double, write};

// ---------- frames ----------

fn line_bytes() -> impl Strategy<Value = Vec<u8>> {
    // Simple strings and errors cannot carry CR/LF.
    proptest::collection::vec(
        any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
        0..20,
    )
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..40)
}

fn big_number() -> impl Strategy<Value = Vec<u8>> {
    "-?[1-9][0-9]{0,40}".prop_map(String::into_bytes)
}

fn double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        any::<f64>(),
        Just(0.0),
        Just(-0.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::NAN),
    ]
}

fn leaf() -> impl Strategy<Value = Frame> {
    prop_oneof![
        line_bytes().prop_map(Frame::Simple),
        line_bytes().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        bytes().prop_map(Frame::Bulk),
        Just(Frame::NullBulk),
        Just(Frame::NullArray),
        Just(Frame::Null),
        any::<bool>().prop_map(Frame::Boolean),
        double().prop_map(Frame::Double),
        big_number().prop_map(Frame::BigNumber),
        bytes().prop_map(Frame::BulkError),
        (any::<[u8; 3]>(), bytes()).prop_map(|(format, text)| Frame::Verbatim { format, text }),
    ]
}

fn frame() -> impl Strategy<Value = Frame> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        let pairs = proptest::collection::vec((inner.clone(), inner.clone()), 0..4);
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Frame::Array),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Frame::Set),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Frame::Push),
            pairs.clone().prop_map(Frame::Map),
            (pairs, inner).prop_map(|(attrs, f)| Frame::Attribute {
                attrs,
                frame: Box::new(f)
            }),
        ]
    })
}

/// Frame equality where NaN equals NaN and -0 differs from 0: Debug output
/// of f64 is exact (shortest round-trip) and prints every NaN as "NaN".
fn same(a: &Frame, b: &Frame) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn encode_decode_round_trip(frames in proptest::collection::vec(frame(), 1..4)) {
        let mut wire = Vec::new();
        for f in &frames {
            encode(f, &mut wire);
        }
        let limits = DecodeLimits::default();
        let mut off = 0;
        for f in &frames {
            let (got, used) = decode(&wire[off..], &limits)
                .map_err(|e| TestCaseError::fail(format!("{e}")))?
                .ok_or_else(|| TestCaseError::fail("incomplete"))?;
            prop_assert!(same(&got, f), "{got:?} != {f:?}");
            off += used;
        }
        prop_assert_eq!(off, wire.len());
        // Every strict prefix is incomplete, never an error or a frame.
        let first_len = {
            let mut one = Vec::new();
            encode(&frames[0], &mut one);
            one.len()
        };
        for cut in 0..first_len {
            prop_assert_eq!(decode(&wire[..cut], &limits), Ok(None), "cut {}", cut);
        }
    }

    #[test]
    fn decode_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let limits = DecodeLimits { max_depth: 8, ..DecodeLimits::default() };
        let mut off = 0;
        while off < data.len() {
            match decode(&data[off..], &limits) {
                Ok(Some((_, used))) => {
                    prop_assert!(used > 0 && off + used <= data.len());
                    off += used;
                }
                Ok(None) | Err(_) => break,
            }
        }
    }

    #[test]
    fn decode_resp_shaped_garbage(parts in proptest::collection::vec(
        prop_oneof![
            Just(b"*".to_vec()), Just(b"$".to_vec()), Just(b"%".to_vec()), Just(b"|".to_vec()),
            Just(b"\r\n".to_vec()), Just(b"-1".to_vec()), Just(b"3".to_vec()), Just(b"=".to_vec()),
            Just(b",".to_vec()), Just(b"#t".to_vec()), Just(b"_".to_vec()), Just(b"2000000000".to_vec()),
            bytes(),
        ], 0..30)) {
        let data = parts.concat();
        let _ = decode(&data, &DecodeLimits::default());
    }
}

// ---------- request streams ----------

#[derive(Debug, Clone)]
enum Req {
    Multi(Vec<Vec<u8>>),
    InlinePlain(Vec<Vec<u8>>),
    InlineQuoted(Vec<Vec<u8>>),
    Empty,
    MultiZero,
}

fn plain_word() -> impl Strategy<Value = Vec<u8>> {
    "[a-zA-Z0-9:_.-]{1,8}".prop_map(String::into_bytes)
}

fn request() -> impl Strategy<Value = Req> {
    prop_oneof![
        4 => proptest::collection::vec(bytes(), 1..6).prop_map(Req::Multi),
        2 => proptest::collection::vec(plain_word(), 1..5).prop_map(Req::InlinePlain),
        2 => proptest::collection::vec(bytes(), 1..4).prop_map(Req::InlineQuoted),
        1 => Just(Req::Empty),
        1 => Just(Req::MultiZero),
    ]
}

fn quote(arg: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in arg {
        if b.is_ascii_alphanumeric() || b == b' ' {
            out.push(b);
        } else {
            out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
        }
    }
    out.push(b'"');
}

fn render(reqs: &[Req], crlf: bool) -> (Vec<u8>, Vec<Ev>) {
    let mut wire = Vec::new();
    let mut want = Vec::new();
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    for r in reqs {
        match r {
            Req::Multi(args) => {
                write::array_len(&mut wire, args.len());
                for a in args {
                    write::bulk(&mut wire, a);
                }
                want.push(Ev::Cmd(args.clone()));
            }
            Req::InlinePlain(args) => {
                wire.extend_from_slice(&args.join(&b' '));
                wire.extend_from_slice(eol);
                want.push(Ev::Cmd(args.clone()));
            }
            Req::InlineQuoted(args) => {
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        wire.extend_from_slice(b" \t");
                    }
                    quote(a, &mut wire);
                }
                wire.extend_from_slice(eol);
                want.push(Ev::Cmd(args.clone()));
            }
            Req::Empty => {
                wire.extend_from_slice(b"  ");
                wire.extend_from_slice(eol);
                want.push(Ev::Skip);
            }
            Req::MultiZero => {
                wire.extend_from_slice(b"*0\r\n");
                want.push(Ev::Skip);
            }
        }
    }
    (wire, want)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn request_stream_chunking_independent(
        reqs in proptest::collection::vec(request(), 1..8),
        crlf in any::<bool>(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..10),
    ) {
        let (wire, want) = render(&reqs, crlf);
        let limits = RequestLimits::default();
        let whole = run_whole(&wire, &limits);
        prop_assert_eq!(&whole.events, &want);
        prop_assert_eq!(whole.leftover, 0);
        prop_assert_eq!(&run_bytewise(&wire, &limits), &whole);
        for split in 0..=wire.len() {
            prop_assert_eq!(&run_chunks(&wire, &[split], &limits), &whole, "split {}", split);
        }
        let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
        cuts.sort_unstable();
        prop_assert_eq!(&run_chunks(&wire, &cuts, &limits), &whole);
    }

    #[test]
    fn request_parser_never_panics(
        data in proptest::collection::vec(any::<u8>(), 0..300),
        authenticated in any::<bool>(),
    ) {
        let limits = RequestLimits { max_bulk_len: 100, authenticated };
        let whole = run_whole(&data, &limits);
        prop_assert_eq!(&reference(&data, &limits), &whole);
        // Small inputs stay far below the 64 KiB limits, so chunking cannot
        // change the outcome.
        prop_assert_eq!(run_bytewise(&data, &limits), whole);
    }

    #[test]
    fn request_parser_resp_shaped_garbage(
        parts in proptest::collection::vec(prop_oneof![
            Just(b"*".to_vec()), Just(b"$".to_vec()), Just(b"\r\n".to_vec()), Just(b"\r".to_vec()),
            Just(b"\n".to_vec()), Just(b"1".to_vec()), Just(b"3".to_vec()), Just(b"-1".to_vec()),
            Just(b"\"".to_vec()), Just(b"'".to_vec()), Just(b"\\".to_vec()), Just(b"\0".to_vec()),
            Just(b" ".to_vec()), Just(b"abc".to_vec()),
        ], 0..40),
    ) {
        let data = parts.concat();
        let limits = RequestLimits::default();
        let whole = run_whole(&data, &limits);
        prop_assert_eq!(&reference(&data, &limits), &whole);
        prop_assert_eq!(run_bytewise(&data, &limits), whole);
    }

    #[test]
    fn request_parser_matches_reference_model(
        parts in proptest::collection::vec(prop_oneof![
            Just(b"*".to_vec()), Just(b"$".to_vec()), Just(b"\r\n".to_vec()), Just(b"\r".to_vec()),
            Just(b"\n".to_vec()), Just(b"0".to_vec()), Just(b"1".to_vec()), Just(b"2".to_vec()),
            Just(b"3".to_vec()), Just(b"-".to_vec()), Just(b"11".to_vec()), Just(b"16385".to_vec()),
            Just(b"\0".to_vec()), Just(b"x".to_vec()), Just(b" ".to_vec()), Just(b"\"".to_vec()),
            Just(b"*1\r\n".to_vec()), Just(b"*2\r\n".to_vec()), Just(b"$1\r\n".to_vec()),
            Just(b"$3\r\nfoo\r\n".to_vec()), Just(b"99999999999999999999".to_vec()),
        ], 0..40),
        authenticated in any::<bool>(),
        small_bulk in any::<bool>(),
    ) {
        let data = parts.concat();
        let limits = RequestLimits {
            max_bulk_len: if small_bulk { 2 } else { 512 * 1024 * 1024 },
            authenticated,
        };
        let whole = run_whole(&data, &limits);
        prop_assert_eq!(&reference(&data, &limits), &whole);
        prop_assert_eq!(run_bytewise(&data, &limits), whole);
    }
}

#[test]
fn render_sanity() {
    let (wire, want) = render(&[Req::InlineQuoted(vec![b"a\"b".to_vec()])], true);
    assert_eq!(wire, b"\"a\\x22b\"\r\n");
    assert_eq!(want, vec![cmd(&[b"a\"b"])]);
}

// ---------- format_double vs glibc ----------

fn glibc_g17(x: f64) -> String {
    let mut buf = [0u8; 64];
    // SAFETY: the buffer is 64 bytes and we pass its size; the format string
    // is NUL-terminated and consumes exactly one double vararg.
    let n = unsafe { libc::snprintf(buf.as_mut_ptr().cast(), buf.len(), c"%.17g".as_ptr(), x) };
    let n = usize::try_from(n).unwrap_or(0).min(buf.len());
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn ours(x: f64) -> String {
    let mut buf = [0u8; write::DOUBLE_BUF_LEN];
    String::from_utf8_lossy(format_double(x, &mut buf)).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20000, ..ProptestConfig::default() })]

    #[test]
    fn format_double_matches_glibc(x in double()) {
        prop_assert_eq!(ours(x), glibc_g17(x));
    }

    #[test]
    fn format_double_matches_glibc_decimal_like(m in -1_000_000_000i64..1_000_000_000, e in -25i32..25) {
        // Values humans type (scores like 1.5, 0.1, 1e10) hit %g's
        // fixed/exponent boundary and ties more often than random bits do.
        let x = (m as f64) * 10f64.powi(e);
        prop_assert_eq!(ours(x), glibc_g17(x));
        let y = m as f64 / 4.0;
        prop_assert_eq!(ours(y), glibc_g17(y));
    }
}

#[test]
fn format_double_edges_match_glibc() {
    let mut xs = vec![
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::from_bits(1),
        9_007_199_254_740_992.0,
        9_007_199_254_740_994.0,
        99_999_999_999_999_984.0,
        100_000_000_000_000_000.0,
        -10_000_000_000_000_000.0,
        -1.0,
        12345.0,
    ];
    for e in -330..=310 {
        let p = 10f64.powi(e);
        xs.extend([
            p,
            -p,
            p * 9.999_999_999_999_999,
            p * 1.000_000_000_000_000_1,
        ]);
    }
    for x in xs {
        assert_eq!(ours(x), glibc_g17(x), "{x:e}");
    }
}
