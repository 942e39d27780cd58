//! Fuzzes the HyperLogLog representation: arbitrary bytes taken as an HLL
//! value (as SET could store them) go through every operation PFADD,
//! PFCOUNT, PFMERGE and PFDEBUG use; none may panic, read out of bounds or
//! disagree on whether the value is valid. Inputs that do not start with
//! the header are also tried behind a sparse header, so that the opcodes
//! themselves get fuzzed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kv_types::hll::exercise(data);
    let mut sparse = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    sparse.extend_from_slice(data);
    kv_types::hll::exercise(&sparse);
});
