//! Fuzzes the general frame decoder: arbitrary bytes must decode to frames,
//! "incomplete" or an error — never a panic — and every decoded frame must
//! re-encode to bytes that decode again and re-encode identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resp_proto::{DecodeLimits, decode, encode};

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits {
        max_depth: 32,
        max_line_len: 1024,
        ..DecodeLimits::default()
    };
    let mut off = 0;
    while off < data.len() {
        match decode(&data[off..], &limits) {
            Ok(Some((frame, used))) => {
                assert!(used > 0 && off + used <= data.len());
                off += used;
                let mut once = Vec::new();
                encode(&frame, &mut once);
                let again = match decode(&once, &limits) {
                    Ok(Some((f, n))) if n == once.len() => f,
                    other => panic!("re-decode of {once:?} gave {other:?}"),
                };
                let mut twice = Vec::new();
                encode(&again, &mut twice);
                assert_eq!(once, twice);
            }
            Ok(None) => {
                // Any prefix of an incomplete buffer is incomplete too.
                if data.len() - off > 1 {
                    assert_eq!(decode(&data[off..data.len() - 1], &limits), Ok(None));
                }
                break;
            }
            Err(_) => break,
        }
    }
});
