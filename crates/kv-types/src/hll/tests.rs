//! Tests of the HLL representation: golden bytes from Redis 7.0.15, the
//! sparse encoding against a plain register array, promotion exactly at
//! `hll-sparse-max-bytes`, the estimate's error, and arbitrary bytes fed to
//! every operation.

use super::*;
use proptest::prelude::*;

/// What Redis 7.0.15 holds after `PFADD h a b c` (cache stale), and its
/// PFDEBUG DECODE.
const REDIS_ABC: &[u8] = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a";

fn with(elements: &[&[u8]], sparse_max: u64) -> Vec<u8> {
    let mut h = new();
    for e in elements {
        add(&mut h, e, sparse_max).expect("a valid HLL");
    }
    h
}

/// The registers of any valid HLL, one byte each.
fn registers_of(hll: &[u8]) -> Vec<u8> {
    let mut r = Registers::new();
    r.merge(hll).expect("valid");
    (0..REGISTERS).map(|i| r.get(i)).collect()
}

#[test]
fn matches_redis_bytes() {
    let mut h = with(&[b"a", b"b", b"c"], 3000);
    assert_eq!(h, REDIS_ABC);
    assert_eq!(
        decode_sparse(&h),
        "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"
    );
    assert_eq!(cached_count(&h), None);
    assert_eq!(count(&h), Ok(3));
    store_count(&mut h, 3);
    assert_eq!(cached_count(&h), Some(3));
    assert_eq!(&h[8..16], b"\x03\0\0\0\0\0\0\0");
    let h2 = with(&[b"", b"foo"], 3000);
    assert_eq!(decode_sparse(&h2), "Z:5938 v:2,1 Z:1409 v:5,1 Z:9035");
}

#[test]
fn empty_hll() {
    let h = new();
    assert_eq!(h.len(), HEADER_LEN + 2);
    assert_eq!(encoding(&h), Ok(Encoding::Sparse));
    assert_eq!(cached_count(&h), Some(0));
    assert_eq!(count(&h), Ok(0));
    assert_eq!(decode_sparse(&h), "Z:16384");
    assert_eq!(Registers::new().count(), 0);
}

#[test]
fn header_checks() {
    let mut dense = new();
    to_dense(&mut dense).expect("valid");
    assert_eq!(dense.len(), DENSE_LEN);
    assert_eq!(encoding(&dense), Ok(Encoding::Dense));
    assert_eq!(encoding(&dense[..DENSE_LEN - 1]), Err(NotHll));
    assert_eq!(encoding(b"HYLL"), Err(NotHll));
    let mut bad = new();
    bad[4] = 2;
    assert_eq!(encoding(&bad), Err(NotHll));
    bad[4] = 1;
    bad[0] = b'h';
    assert_eq!(encoding(&bad), Err(NotHll));
    // Sparse strings are only checked when read.
    let mut tail = new();
    tail.extend_from_slice(b"hello");
    assert_eq!(encoding(&tail), Ok(Encoding::Sparse));
    assert_eq!(count(&tail), Err(Corrupt));
    assert_eq!(Registers::new().merge(&tail), Err(Corrupt));
    assert_eq!(to_dense(&mut tail.clone()), Err(Corrupt));
}

#[test]
fn dense_registers_pack_lsb_first() {
    let mut regs = vec![0u8; DENSE_LEN - HEADER_LEN];
    dense_put(&mut regs, 0, 63);
    assert_eq!(regs[..2], [0x3f, 0]);
    dense_put(&mut regs, 1, 1);
    assert_eq!(regs[..2], [0x7f, 0]);
    dense_put(&mut regs, 1, 0x3f);
    assert_eq!(regs[..2], [0xff, 0x0f]);
    dense_put(&mut regs, REGISTERS - 1, 51);
    assert_eq!(dense_get(&regs, REGISTERS - 1), 51);
    assert_eq!(dense_get(&regs, REGISTERS - 2), 0);
}

#[test]
fn huge_runs_are_corrupt_not_overflows() {
    // More XZEROs than any register count, then a VAL.
    let mut h = new();
    h.truncate(HEADER_LEN);
    for _ in 0..2000 {
        h.extend_from_slice(&[0x7f, 0xff]);
    }
    h.push(0xff);
    assert_eq!(count(&h), Err(Corrupt));
    assert_eq!(to_dense(&mut h.clone()), Err(Corrupt));
    assert_eq!(Registers::new().merge(&h), Err(Corrupt));
    // The first register is in the first opcode, so PFADD-style updates work.
    let _ = raise(&mut h, 5, 3, 3000);
}

#[test]
fn cut_xzero_reads_a_zero_byte() {
    // One XZERO whose second byte is missing: a run of (0x3f << 8) + 1.
    let mut h = new();
    h.truncate(HEADER_LEN);
    h.push(0x7f);
    assert_eq!(decode_sparse(&h), "Z:16129");
    assert_eq!(count(&h), Err(Corrupt));
    // Raising register 0 splits it (VAL + XZERO) and, as in Redis, keeps
    // one byte less than the sequence written: the new XZERO is cut too.
    assert_eq!(raise(&mut h, 0, 2, 3000), Ok(true));
    assert_eq!(decode_sparse(&h), "v:2,1 Z:15873");
}

#[test]
fn self_test_passes() {
    let mut state = 12345u32;
    let mut rand = move || {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        state >> 1
    };
    assert_eq!(self_test(&mut rand, 3000, 3, 100_000), Ok(()));
}

/// Applies `regs` (register, value) to a sparse HLL with `sparse_max` and to
/// a plain array; they must agree register for register after each step.
fn check_against_model(regs: &[(usize, u8)], sparse_max: u64) {
    let mut h = new();
    let mut model = vec![0u8; REGISTERS];
    let mut seen_dense = false;
    for &(i, v) in regs {
        let was_sparse = encoding(&h) == Ok(Encoding::Sparse);
        let mut unbounded = h.clone();
        let changed = raise(&mut h, i, v, sparse_max).expect("valid");
        assert_eq!(changed, v > model[i], "register {i} to {v}");
        model[i] = model[i].max(v);
        if was_sparse && changed {
            // Without a limit the same update stays sparse (for a value that
            // VAL holds); with one, the result is the same unless it was
            // promoted, which only happens when the sparse form would grow
            // past the limit (before merging adjacent VALs, which can take
            // back up to two bytes).
            raise(&mut unbounded, i, v, u64::MAX).expect("valid");
            if encoding(&h) == Ok(Encoding::Sparse) {
                assert_eq!(h, unbounded);
            } else {
                assert!(v > VAL_MAX_VALUE || unbounded.len() as u64 + 2 > sparse_max);
            }
        }
        if encoding(&h) == Ok(Encoding::Sparse) {
            assert!(!seen_dense, "dense never goes back to sparse");
            assert!(v > VAL_MAX_VALUE || h.len() as u64 <= sparse_max.max(HEADER_LEN as u64 + 2));
        } else {
            seen_dense = true;
        }
    }
    assert_eq!(registers_of(&h), model);
    let mut dense = h.clone();
    to_dense(&mut dense).expect("valid");
    assert_eq!(registers_of(&dense), model);
    for (i, &m) in model.iter().enumerate() {
        assert_eq!(dense_register(&dense, i), m);
    }
    let mut union = Registers::new();
    union.merge(&h).expect("valid");
    assert_eq!(count(&h), Ok(union.count()));
    assert_eq!(count(&dense), Ok(union.count()));
}

#[test]
fn promotion_at_exactly_the_limit() {
    // Grow a sparse HLL one update at a time and find where it promotes with
    // a limit of `max`: it stays sparse at exactly `max` bytes and promotes
    // on the update that would go past it.
    for max in [18u64, 19, 20, 40, 100, 3000] {
        let mut h = new();
        let mut i = 0usize;
        loop {
            let before = h.clone();
            let mut unbounded = h.clone();
            raise(&mut unbounded, i, 1, u64::MAX).expect("valid");
            raise(&mut h, i, 1, max).expect("valid");
            if encoding(&h) == Ok(Encoding::Dense) {
                assert!(unbounded.len() as u64 > max, "max {max}");
                assert!(unbounded.len() > before.len());
                assert!(before.len() as u64 <= max);
                break;
            }
            assert_eq!(h, unbounded);
            assert!(h.len() as u64 <= max.max(18));
            // Every other register, so each update adds opcodes.
            i += 2;
        }
    }
    // A value above 32 promotes whatever the size.
    let mut h = new();
    raise(&mut h, 7, 33, 3000).expect("valid");
    assert_eq!(encoding(&h), Ok(Encoding::Dense));
    assert_eq!(dense_register(&h, 7), 33);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sparse_agrees_with_a_register_array(
        regs in prop::collection::vec((0usize..REGISTERS, 1u8..=40), 0..400),
        clustered in prop::collection::vec((0usize..64, 1u8..=8), 0..200),
        sparse_max in prop_oneof![Just(3000u64), 20u64..400],
    ) {
        check_against_model(&regs, sparse_max);
        check_against_model(&clustered, sparse_max);
        let mut both = clustered.clone();
        both.extend(regs.iter().map(|&(i, v)| (i, v.min(32))));
        check_against_model(&both, u64::MAX);
    }

    #[test]
    fn error_stays_within_bounds(seed in any::<u64>(), n in prop_oneof![1u64..200, 200u64..30_000]) {
        let mut sparse = new();
        let mut union = Registers::new();
        for j in 0..n {
            let e = (j ^ seed).to_le_bytes();
            add(&mut sparse, &e, 3000).expect("valid");
        }
        union.merge(&sparse).expect("valid");
        let est = count(&sparse).expect("valid");
        prop_assert_eq!(est, union.count());
        let relerr = 1.04 / (REGISTERS as f64).sqrt();
        let allowed = (6.0 * relerr * n as f64).ceil().max(2.0) as u64;
        prop_assert!(est.abs_diff(n) <= allowed, "n {} estimate {}", n, est);
    }

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..300), dense in any::<bool>()) {
        let mut bytes = b"HYLL".to_vec();
        bytes.push(u8::from(!dense));
        bytes.extend_from_slice(&[0; 11]);
        bytes.extend_from_slice(&body);
        if dense {
            bytes.resize(DENSE_LEN, 0x5a);
        }
        exercise(&bytes);
        exercise(&body);
    }

    #[test]
    fn mutated_hlls_never_panic(
        elements in prop::collection::vec(any::<u32>(), 0..300),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<Option<usize>>(),
        promote in any::<bool>(),
    ) {
        let mut h = new();
        for e in &elements {
            add(&mut h, &e.to_le_bytes(), 3000).expect("valid");
        }
        if promote {
            to_dense(&mut h).expect("valid");
        }
        for (at, byte) in edits {
            let at = at % h.len();
            h[at] = byte;
        }
        if let Some(cut) = cut {
            h.truncate(cut % (h.len() + 1));
        }
        exercise(&h);
    }
}
