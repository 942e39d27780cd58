//! Fuzzes the server request parser: arbitrary bytes, parsed whole and in
//! pseudo-random chunks (consuming from the front like the server), must
//! never panic, must keep every argument span inside the buffer, and must
//! give the same commands/errors either way. Inputs stay far below the
//! 64 KiB limits (libFuzzer's default max_len is 4096), where chunking
//! cannot change Redis's behaviour. The whole-buffer result is also compared
//! with the naive transcription of Redis's C code in the crate's tests
//! (`reference`), shared by path so there is a single copy.
#![no_main]

#[path = "../../crates/resp-proto/tests/common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use resp_proto::{Parsed, ProtocolError, RequestLimits, RequestParser};

#[derive(Debug, PartialEq)]
enum Ev {
    Cmd(Vec<Vec<u8>>),
    Skip,
    Err(ProtocolError),
}

fn run(input: &[u8], chunk_seed: &[u8], limits: &RequestLimits) -> (Vec<Ev>, usize) {
    let mut p = RequestParser::new();
    let mut buf = Vec::new();
    let mut events = Vec::new();
    let mut fed = 0;
    let mut i = 0;
    while fed < input.len() {
        // Chunk sizes 1..=16 from the seed; whole input when there is none.
        let step = if chunk_seed.is_empty() {
            input.len()
        } else {
            usize::from(chunk_seed[i % chunk_seed.len()] % 16) + 1
        };
        i += 1;
        let end = (fed + step).min(input.len());
        buf.extend_from_slice(&input[fed..end]);
        fed = end;
        loop {
            match p.parse(&buf, limits) {
                Ok(Parsed::Command { consumed }) => {
                    assert!(consumed > 0 && consumed <= buf.len());
                    let argv = p.argv(&buf);
                    assert!(!argv.is_empty());
                    events.push(Ev::Cmd(argv.iter().map(<[u8]>::to_vec).collect()));
                    buf.drain(..consumed);
                }
                Ok(Parsed::Skip { consumed }) => {
                    assert!(consumed > 0 && consumed <= buf.len());
                    events.push(Ev::Skip);
                    buf.drain(..consumed);
                }
                Ok(Parsed::Incomplete) => {
                    let _ = p.pending_hint();
                    break;
                }
                Err(e) => {
                    let mut reply = Vec::new();
                    e.write_reply(&mut reply);
                    assert!(reply.ends_with(b"\r\n"));
                    events.push(Ev::Err(e));
                    return (events, 0);
                }
            }
        }
    }
    (events, buf.len())
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    // Low bits: how many trailing bytes drive the chunking; bit 7: auth.
    let seed_len = usize::from(flags & 0x0f).min(rest.len());
    let (input, seed) = rest.split_at(rest.len() - seed_len);
    let limits = RequestLimits {
        max_bulk_len: if flags & 0x40 != 0 {
            64
        } else {
            512 * 1024 * 1024
        },
        authenticated: flags & 0x80 == 0,
    };
    let whole = run(input, &[], &limits);
    let model = common::reference(input, &limits);
    let model_events: Vec<Ev> = model
        .events
        .into_iter()
        .map(|e| match e {
            common::Ev::Cmd(a) => Ev::Cmd(a),
            common::Ev::Skip => Ev::Skip,
            common::Ev::Err(e) => Ev::Err(e),
        })
        .collect();
    assert_eq!((model_events, model.leftover), whole);
    let chunked = run(input, seed, &limits);
    assert_eq!(whole, chunked);
    let bytewise = run(input, &[0], &limits);
    assert_eq!(whole, bytewise);
});
