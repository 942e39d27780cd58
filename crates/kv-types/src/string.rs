//! Compact strings: the representation of keys ([`Bytes`]) and of string values
//! ([`Str`]), each 24 bytes, storing short contents inline so that a typical key
//! or value costs no allocation of its own (Redis's embstr idea, taken further).
//!
//! `Str` also keeps what OBJECT ENCODING reports, exactly as Redis 7.0 decides it:
//! - `int`: the value is a canonical 64-bit integer of at most 20 characters
//!   (string2ll rules) — stored as a number;
//! - `embstr`: created whole (SET, GETSET...) and at most 44 bytes;
//! - `raw`: longer, or modified in place (APPEND, SETRANGE), which Redis always
//!   turns into a raw string.
//!
//! Invariant: an `Inline` value's `len` ≤ [`INLINE`]; contents beyond `len` are
//! zero (so derived equality on the representation would be meaningful, though
//! comparisons go through `as_bytes`).

use std::fmt;

/// Bytes that fit inline in a [`Bytes`].
pub const INLINE: usize = 22;
/// Bytes that fit inline in a [`Str`] (one byte goes to the raw flag).
pub const STR_INLINE: usize = 21;
/// Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
pub const EMBSTR_LIMIT: usize = 44;

/// An immutable byte string, inline up to 22 bytes (24 bytes in all).
#[derive(Clone, PartialEq, Eq)]
pub enum Bytes {
    Inline { len: u8, data: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Bytes {
    pub fn new(bytes: &[u8]) -> Bytes {
        if bytes.len() <= INLINE {
            let mut data = [0u8; INLINE];
            data[..bytes.len()].copy_from_slice(bytes);
            Bytes::Inline {
                len: bytes.len() as u8,
                data,
            }
        } else {
            Bytes::Heap(bytes.into())
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Bytes::Inline { len, data } => &data[..*len as usize],
            Bytes::Heap(b) => b,
        }
    }

    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes owned beyond the 24 inline ones.
    pub fn heap_size(&self) -> usize {
        match self {
            Bytes::Inline { .. } => 0,
            Bytes::Heap(b) => b.len(),
        }
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// What OBJECT ENCODING says of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrEncoding {
    Int,
    Embstr,
    Raw,
}

impl StrEncoding {
    pub fn name(self) -> &'static str {
        match self {
            StrEncoding::Int => "int",
            StrEncoding::Embstr => "embstr",
            StrEncoding::Raw => "raw",
        }
    }
}

/// A string value: an integer, or bytes inline up to 21 bytes, or on the heap.
/// Strings modified in place (APPEND, SETRANGE) become `Growable`, which keeps
/// spare capacity like Redis's sds so repeated appends cost amortised O(1).
#[derive(Clone, PartialEq, Eq)]
pub enum Str {
    Int(i64),
    Inline {
        len: u8,
        raw: bool,
        data: [u8; STR_INLINE],
    },
    Heap {
        data: Box<[u8]>,
        raw: bool,
    },
    Growable(Box<Vec<u8>>),
}

impl Str {
    /// A string created whole (SET and friends): integers become `int`.
    pub fn new(bytes: &[u8]) -> Str {
        match parse_canonical_i64(bytes) {
            Some(n) => Str::Int(n),
            None => Str::bytes(bytes, false),
        }
    }

    /// Bytes kept as bytes, `raw` as after an in-place modification.
    pub fn bytes(bytes: &[u8], raw: bool) -> Str {
        if bytes.len() <= STR_INLINE {
            let mut data = [0u8; STR_INLINE];
            data[..bytes.len()].copy_from_slice(bytes);
            Str::Inline {
                len: bytes.len() as u8,
                raw,
                data,
            }
        } else {
            Str::Heap {
                data: bytes.into(),
                raw,
            }
        }
    }

    pub fn from_i64(n: i64) -> Str {
        Str::Int(n)
    }

    /// The integer this string holds, if it is one by string2ll's rules.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Str::Int(n) => Some(*n),
            other => parse_canonical_i64(other.bytes_ref()?),
        }
    }

    /// The bytes, when not stored as an integer.
    fn bytes_ref(&self) -> Option<&[u8]> {
        match self {
            Str::Int(_) => None,
            Str::Inline { len, data, .. } => Some(&data[..*len as usize]),
            Str::Heap { data, .. } => Some(data),
            Str::Growable(v) => Some(v),
        }
    }

    /// The bytes for modification in place, converting to the growable (raw)
    /// representation first; what Redis does to a string on APPEND/SETRANGE.
    pub fn make_mut(&mut self) -> &mut Vec<u8> {
        if !matches!(self, Str::Growable(_)) {
            *self = Str::Growable(Box::new(self.to_vec()));
        }
        match self {
            Str::Growable(v) => v,
            _ => unreachable!("converted just above"),
        }
    }

    /// The contents; an integer is rendered into `buf`.
    pub fn to_bytes<'a>(&'a self, buf: &'a mut itoa_buf::Buffer) -> &'a [u8] {
        match self {
            Str::Int(n) => buf.format(*n),
            other => other.bytes_ref().unwrap_or_default(),
        }
    }

    /// The contents as an owned vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut buf = itoa_buf::Buffer::new();
        self.to_bytes(&mut buf).to_vec()
    }

    pub fn len(&self) -> usize {
        match self {
            Str::Int(n) => itoa_buf::Buffer::new().format(*n).len(),
            other => other.bytes_ref().map_or(0, <[u8]>::len),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> StrEncoding {
        match self {
            Str::Int(_) => StrEncoding::Int,
            Str::Inline { raw: true, .. } | Str::Heap { raw: true, .. } | Str::Growable(_) => {
                StrEncoding::Raw
            }
            other => {
                if other.len() <= EMBSTR_LIMIT {
                    StrEncoding::Embstr
                } else {
                    StrEncoding::Raw
                }
            }
        }
    }

    /// Heap bytes owned beyond the 24 inline ones.
    pub fn heap_size(&self) -> usize {
        match self {
            Str::Heap { data, .. } => data.len(),
            Str::Growable(v) => v.capacity() + std::mem::size_of::<Vec<u8>>(),
            _ => 0,
        }
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Str::Int(n) => write!(f, "Int({n})"),
            other => write!(f, "{:?}", String::from_utf8_lossy(&other.to_vec())),
        }
    }
}

/// Redis's string2ll acceptance: `-`? digits, no leading zeros (except "0"),
/// no `+`, no spaces, "-0" rejected, within i64, at most 20 characters.
pub fn parse_canonical_i64(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes {
        [] => return None,
        [b'0'] => return Some(0),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty()
        || digits.len() > 19 + usize::from(negative)
        || !(b'1'..=b'9').contains(&digits[0])
    {
        return None;
    }
    let mut value: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        if value > i64::MAX as u64 + 1 {
            return None;
        }
        Some((value as i64).wrapping_neg())
    } else {
        i64::try_from(value).ok()
    }
}

/// A stack buffer for rendering integers without allocating.
pub mod itoa_buf {
    /// Holds the decimal text of one i64 (at most 20 bytes).
    pub struct Buffer {
        bytes: [u8; 20],
    }

    impl Default for Buffer {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Buffer {
        pub fn new() -> Buffer {
            Buffer { bytes: [0; 20] }
        }

        pub fn format(&mut self, n: i64) -> &[u8] {
            let mut pos = self.bytes.len();
            let negative = n < 0;
            let mut v = n.unsigned_abs();
            loop {
                pos -= 1;
                self.bytes[pos] = b'0' + (v % 10) as u8;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            if negative {
                pos -= 1;
                self.bytes[pos] = b'-';
            }
            &self.bytes[pos..]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_compact() {
        assert_eq!(std::mem::size_of::<Bytes>(), 24);
        assert_eq!(std::mem::size_of::<Str>(), 24);
    }

    #[test]
    fn encodings_follow_redis() {
        assert_eq!(Str::new(b"123").encoding(), StrEncoding::Int);
        assert_eq!(
            Str::new(b"-9223372036854775808").encoding(),
            StrEncoding::Int
        );
        assert_eq!(
            Str::new(b"9223372036854775808").encoding(),
            StrEncoding::Embstr
        );
        assert_eq!(Str::new(b"0123").encoding(), StrEncoding::Embstr);
        assert_eq!(Str::new(b"hello").encoding(), StrEncoding::Embstr);
        assert_eq!(Str::new(&[b'x'; 44]).encoding(), StrEncoding::Embstr);
        assert_eq!(Str::new(&[b'x'; 45]).encoding(), StrEncoding::Raw);
        assert_eq!(Str::bytes(b"ab", true).encoding(), StrEncoding::Raw);
    }

    #[test]
    fn in_place_modification_grows_and_reports_raw() {
        let mut v = Str::new(b"12");
        v.make_mut().extend_from_slice(b"34");
        assert_eq!(v.to_vec(), b"1234");
        assert_eq!(v.encoding(), StrEncoding::Raw);
        assert_eq!(v.as_i64(), Some(1234));
        for _ in 0..1000 {
            v.make_mut().push(b'x');
        }
        assert_eq!(v.len(), 1004);
    }

    #[test]
    fn contents_round_trip() {
        for s in [
            &b""[..],
            b"0",
            b"-1",
            b"abc",
            &[7u8; 21],
            &[8u8; 22],
            &[9u8; 100],
        ] {
            let v = Str::new(s);
            assert_eq!(v.to_vec(), s);
            assert_eq!(v.len(), s.len());
            assert_eq!(Bytes::new(s).as_bytes(), s);
        }
        let mut buf = itoa_buf::Buffer::new();
        assert_eq!(buf.format(i64::MIN), b"-9223372036854775808");
        assert_eq!(buf.format(0), b"0");
    }
}
