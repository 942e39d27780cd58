//! Shared helpers for the integration tests: drive a `RequestParser` over a
//! byte stream, whole or in chunks, and record what it produced.
#![allow(dead_code)] // each test binary uses a different subset

use resp_proto::{Parsed, ProtocolError, RequestLimits, RequestParser};

/// One observable outcome of parsing a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    Cmd(Vec<Vec<u8>>),
    Skip,
    Err(ProtocolError),
}

/// What a whole stream produced, plus how many bytes were left unconsumed
/// (waiting for more) when it stopped without error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Ev>,
    pub leftover: usize,
}

/// Parses `input` as one buffer, like a server that read it all at once.
pub fn run_whole(input: &[u8], limits: &RequestLimits) -> Outcome {
    run_chunks(input, &[input.len()], limits)
}

/// Feeds `input` in pieces whose ends are `cuts` (ascending offsets; the end
/// of input is implied), consuming from the front like a server would.
pub fn run_chunks(input: &[u8], cuts: &[usize], limits: &RequestLimits) -> Outcome {
    let mut p = RequestParser::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut events = Vec::new();
    let mut fed = 0;
    let ends = cuts
        .iter()
        .copied()
        .filter(|&c| c <= input.len())
        .chain(std::iter::once(input.len()));
    for end in ends {
        if end < fed {
            continue;
        }
        buf.extend_from_slice(&input[fed..end]);
        fed = end;
        loop {
            match p.parse(&buf, limits) {
                Ok(Parsed::Command { consumed }) => {
                    let argv = p.argv(&buf);
                    events.push(Ev::Cmd(argv.iter().map(<[u8]>::to_vec).collect()));
                    assert!(consumed > 0 && consumed <= buf.len());
                    buf.drain(..consumed);
                }
                Ok(Parsed::Skip { consumed }) => {
                    events.push(Ev::Skip);
                    assert!(consumed > 0 && consumed <= buf.len());
                    buf.drain(..consumed);
                }
                Ok(Parsed::Incomplete) => break,
                Err(e) => {
                    events.push(Ev::Err(e));
                    return Outcome {
                        events,
                        leftover: 0,
                    };
                }
            }
        }
    }
    Outcome {
        events,
        leftover: buf.len(),
    }
}

/// Byte-at-a-time feeding.
pub fn run_bytewise(input: &[u8], limits: &RequestLimits) -> Outcome {
    let cuts: Vec<usize> = (1..input.len()).collect();
    run_chunks(input, &cuts, limits)
}

pub fn cmd(args: &[&[u8]]) -> Ev {
    Ev::Cmd(args.iter().map(|a| a.to_vec()).collect())
}
