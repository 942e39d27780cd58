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

/// A deliberately naive model of Redis 7.0's `processInputBuffer` for a
/// buffer that arrived in one read: a literal transcription of the control
/// flow of `processInlineBuffer`/`processMultibulkBuffer` (C-string `strchr`
/// line search, `string2ll`, the same checks in the same order), with none
/// of the parser's resumption or fast paths. Differential tests compare the
/// real parser against it.
pub fn reference(q: &[u8], lim: &RequestLimits) -> Outcome {
    use resp_proto::{parse_i64, split_args};
    const MAX: usize = 64 * 1024;
    // C's strchr(q + from, c): stops at NUL; the buffer end acts as NUL.
    let strchr = |from: usize, c: u8| -> Option<usize> {
        for (i, &b) in q.iter().enumerate().skip(from) {
            if b == c {
                return Some(i);
            }
            if b == 0 {
                return None;
            }
        }
        None
    };
    let mut events = Vec::new();
    let mut pos = 0;
    let err = |mut events: Vec<Ev>, e| {
        events.push(Ev::Err(e));
        Outcome {
            events,
            leftover: 0,
        }
    };
    let wait = |events: Vec<Ev>, pos: usize| Outcome {
        events,
        leftover: q.len() - pos,
    };
    while pos < q.len() {
        if q[pos] == b'*' {
            let Some(nl) = strchr(pos, b'\r') else {
                if q.len() - pos > MAX {
                    return err(events, ProtocolError::TooBigMultibulkCount);
                }
                return wait(events, pos);
            };
            if nl + 2 > q.len() {
                return wait(events, pos);
            }
            let ll = match parse_i64(&q[pos + 1..nl]) {
                Some(n) if n <= i64::from(i32::MAX) => n,
                _ => return err(events, ProtocolError::InvalidMultibulkLength),
            };
            if ll > 10 && !lim.authenticated {
                return err(events, ProtocolError::UnauthenticatedMultibulkLength);
            }
            let mut p = nl + 2;
            if ll <= 0 {
                events.push(Ev::Skip);
                pos = p;
                continue;
            }
            let mut args = Vec::new();
            for _ in 0..ll {
                let Some(nl) = strchr(p, b'\r') else {
                    if q.len() - p > MAX {
                        return err(events, ProtocolError::TooBigBulkCount);
                    }
                    return wait(events, pos);
                };
                if nl + 2 > q.len() {
                    return wait(events, pos);
                }
                if q[p] != b'$' {
                    return err(events, ProtocolError::ExpectedDollar(q[p]));
                }
                let ll = match parse_i64(&q[p + 1..nl]) {
                    Some(n) if n >= 0 && (n as u64) <= lim.max_bulk_len => n as usize,
                    _ => return err(events, ProtocolError::InvalidBulkLength),
                };
                if ll > 16384 && !lim.authenticated {
                    return err(events, ProtocolError::UnauthenticatedBulkLength);
                }
                p = nl + 2;
                if q.len() - p < ll + 2 {
                    return wait(events, pos);
                }
                args.push(q[p..p + ll].to_vec());
                p += ll + 2;
            }
            events.push(Ev::Cmd(args));
            pos = p;
        } else {
            let Some(nl) = strchr(pos, b'\n') else {
                if q.len() - pos > MAX {
                    return err(events, ProtocolError::TooBigInlineRequest);
                }
                return wait(events, pos);
            };
            let mut end = nl;
            if end != pos && q[end - 1] == b'\r' {
                end -= 1;
            }
            match split_args(&q[pos..end]) {
                Err(_) => return err(events, ProtocolError::UnbalancedQuotes),
                Ok(args) if args.is_empty() => events.push(Ev::Skip),
                Ok(args) => events.push(Ev::Cmd(args)),
            }
            pos = nl + 1;
        }
    }
    wait(events, pos)
}
