//! A minimal DER reader for the few structures kcp-wasm inspects itself, most of them *before*
//! handing them to a full decoder: which kind of key a blob is, the parameters of a password-based
//! encryption scheme (so that a hostile iteration count is refused before any KDF runs), and a
//! nesting-depth scan that bounds every later recursive decoder. `x509/` reads the merchant's
//! certificate with it, after a scan that also requires DER's shortest lengths. The readers
//! borrow from the input and allocate nothing; the scans ([`check_structure`],
//! [`check_der_structure`]) keep one `Vec` of the open constructed values, at most [`MAX_DEPTH`].

pub(crate) const TAG_BOOLEAN: u8 = 0x01;
pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_BIT_STRING: u8 = 0x03;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_NULL: u8 = 0x05;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_UTF8_STRING: u8 = 0x0c;
pub(crate) const TAG_NUMERIC_STRING: u8 = 0x12;
pub(crate) const TAG_PRINTABLE_STRING: u8 = 0x13;
/// TeletexString (T61String); read as Latin-1, as OpenSSL does.
pub(crate) const TAG_TELETEX_STRING: u8 = 0x14;
pub(crate) const TAG_IA5_STRING: u8 = 0x16;
pub(crate) const TAG_UTC_TIME: u8 = 0x17;
pub(crate) const TAG_GENERALIZED_TIME: u8 = 0x18;
/// UniversalString: UCS-4, big-endian.
pub(crate) const TAG_UNIVERSAL_STRING: u8 = 0x1c;
/// BMPString: UCS-2, big-endian.
pub(crate) const TAG_BMP_STRING: u8 = 0x1e;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
pub(crate) const TAG_SET: u8 = 0x31;

/// The tag of a context-specific `[number]` (`number` < 31). EXPLICIT tagging, and IMPLICIT
/// tagging of a constructed type, are `constructed`.
pub(crate) const fn context_tag(number: u8, constructed: bool) -> u8 {
    0x80 | (if constructed { 0x20 } else { 0 }) | number
}

/// Deepest nesting of constructed values accepted anywhere. Real keys and certificates stay
/// under 10; 32 leaves room without letting a crafted file drive a recursive decoder deep.
pub(crate) const MAX_DEPTH: usize = 32;

/// Why DER could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DerError {
    Malformed,
    TooDeep,
}

/// One tag-length-value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
}

/// Reads one TLV from the front of `input`, returning it and the rest.
pub(crate) fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), DerError> {
    read_tlv(input, false)
}

/// [`read`]; with `der`, also refusing the length encodings that BER allows and DER does not:
/// the long form for a length under 128, or with a leading zero byte.
fn read_tlv(input: &[u8], der: bool) -> Result<(Tlv<'_>, &[u8]), DerError> {
    // A DER header (tag and length) is public even inside a decrypted key: for a well-formed
    // key it depends only on the key's size. The contents are not declassified.
    crate::ct::declassify(input.get(..2).unwrap_or(input));
    let (&tag, rest) = input.split_first().ok_or(DerError::Malformed)?;
    if tag & 0x1f == 0x1f {
        return Err(DerError::Malformed); // high tag numbers never occur in what we read
    }
    let (&first, mut rest) = rest.split_first().ok_or(DerError::Malformed)?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return Err(DerError::Malformed); // indefinite length, or longer than 4 GiB
        }
        if rest.len() < n {
            return Err(DerError::Malformed);
        }
        crate::ct::declassify(&rest[..n]);
        if der && rest[0] == 0 {
            return Err(DerError::Malformed); // a leading zero byte: not the shortest form
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | b as usize;
        }
        rest = &rest[n..];
        if der && len < 0x80 {
            return Err(DerError::Malformed); // fits the short form
        }
        len
    };
    if rest.len() < len {
        return Err(DerError::Malformed);
    }
    Ok((
        Tlv {
            tag,
            value: &rest[..len],
        },
        &rest[len..],
    ))
}

/// Reads one TLV with the expected tag.
pub(crate) fn expect(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), DerError> {
    let (tlv, rest) = read(input)?;
    if tlv.tag != tag {
        return Err(DerError::Malformed);
    }
    Ok((tlv.value, rest))
}

/// The value of the next TLV if it has `tag` (and the rest), or `None` and `input` unchanged.
pub(crate) fn optional(input: &[u8], tag: u8) -> Result<(Option<&[u8]>, &[u8]), DerError> {
    crate::ct::declassify(input.get(..1).unwrap_or(input)); // a tag (see `read_tlv`)
    match input.first() {
        Some(&t) if t == tag => {
            let (value, rest) = expect(input, tag)?;
            Ok((Some(value), rest))
        }
        _ => Ok((None, input)),
    }
}

/// Reads the whole of `input` as exactly one TLV with the expected tag.
pub(crate) fn expect_only(input: &[u8], tag: u8) -> Result<&[u8], DerError> {
    let (value, rest) = expect(input, tag)?;
    if !rest.is_empty() {
        return Err(DerError::Malformed);
    }
    Ok(value)
}

/// A non-negative INTEGER that fits in `u64`.
pub(crate) fn read_u64(input: &[u8]) -> Result<(u64, &[u8]), DerError> {
    let (value, rest) = expect(input, TAG_INTEGER)?;
    // Small INTEGERs are public in every structure read here: versions, iteration counts, key
    // lengths.
    crate::ct::declassify(value);
    let value = match value {
        [] => return Err(DerError::Malformed),
        [first, ..] if first & 0x80 != 0 => return Err(DerError::Malformed),
        [0, tail @ ..] => tail,
        v => v,
    };
    if value.len() > 8 {
        return Ok((u64::MAX, rest)); // saturate: callers compare against far smaller limits
    }
    Ok((
        value.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64),
        rest,
    ))
}

/// Checks that `input` is one well-formed DER value, nested at most [`MAX_DEPTH`] deep.
///
/// Iterative (an explicit stack of end offsets), so a crafted file cannot overflow the stack.
pub(crate) fn check_structure(input: &[u8]) -> Result<(), DerError> {
    walk(input, false)
}

/// [`check_structure`] with DER's shortest length encoding required at every level, so that
/// later reads inside constructed values need not check it again.
pub(crate) fn check_der_structure(input: &[u8]) -> Result<(), DerError> {
    walk(input, true)
}

fn walk(input: &[u8], der: bool) -> Result<(), DerError> {
    let (_, rest) = read_tlv(input, der)?;
    if !rest.is_empty() {
        return Err(DerError::Malformed);
    }
    // Stack of remaining slices to walk, one per open constructed value.
    let mut stack: Vec<&[u8]> = Vec::with_capacity(MAX_DEPTH);
    stack.push(input);
    while let Some(top) = stack.last_mut() {
        if top.is_empty() {
            stack.pop();
            continue;
        }
        let (tlv, rest) = read_tlv(top, der)?;
        *top = rest;
        if tlv.tag & 0x20 != 0 {
            if stack.len() >= MAX_DEPTH {
                return Err(DerError::TooDeep);
            }
            stack.push(tlv.value);
        }
    }
    Ok(())
}

/// A big-endian integer's bytes without its leading zeros.
pub(crate) fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// The bit length of a big-endian integer (0 for zero). Only for public sizes: how long a
/// modulus or a prime is.
pub(crate) fn bit_length(int: &[u8]) -> usize {
    let int = strip_zeros(int);
    int.first()
        .map_or(0, |&top| int.len() * 8 - top.leading_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let (tlv, rest) = read(&[0x04, 0x02, 0xaa, 0xbb, 0xff]).unwrap();
        assert_eq!(
            (tlv.tag, tlv.value, rest),
            (0x04, &[0xaa, 0xbb][..], &[0xff][..])
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        assert_eq!(read(&long).unwrap().0.value.len(), 0x80);
        assert_eq!(read(&[0x04, 0x80]).err(), Some(DerError::Malformed));
        assert_eq!(read(&[0x04, 0x05, 0x00]).err(), Some(DerError::Malformed));
    }

    #[test]
    fn der_wants_the_shortest_length() {
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        assert_eq!(read_tlv(&long, true).unwrap().0.value.len(), 0x80);
        // Lengths that BER allows: long form for 5, and a leading zero byte.
        let short_as_long = [0x04, 0x81, 0x05, 1, 2, 3, 4, 5];
        assert_eq!(read(&short_as_long).unwrap().0.value.len(), 5);
        assert_eq!(
            read_tlv(&short_as_long, true).err(),
            Some(DerError::Malformed)
        );
        let mut padded = vec![0x04, 0x82, 0x00, 0x80];
        padded.extend([7u8; 0x80]);
        assert_eq!(read(&padded).unwrap().0.value.len(), 0x80);
        assert_eq!(read_tlv(&padded, true).err(), Some(DerError::Malformed));
        // check_der_structure looks inside constructed values.
        let nested = [0x30, 0x04, 0x04, 0x81, 0x01, 0xaa];
        assert!(check_structure(&nested).is_ok());
        assert_eq!(
            check_der_structure(&nested).err(),
            Some(DerError::Malformed)
        );
        assert!(check_der_structure(&[0x30, 0x03, 0x04, 0x01, 0xaa]).is_ok());
    }

    #[test]
    fn optional_and_context_tags() {
        assert_eq!(context_tag(0, true), 0xa0);
        assert_eq!(context_tag(1, false), 0x81);
        assert_eq!(context_tag(3, true), 0xa3);
        let input = [0x81, 0x01, 0xaa, 0x05, 0x00];
        let (v, rest) = optional(&input, 0x81).unwrap();
        assert_eq!((v, rest), (Some(&[0xaa][..]), &[0x05, 0x00][..]));
        let (v, rest) = optional(rest, 0x81).unwrap();
        assert_eq!((v, rest), (None, &[0x05, 0x00][..]));
        assert_eq!(optional(&[], 0x81).unwrap(), (None, &[][..]));
        assert_eq!(
            optional(&[0x81, 0x05], 0x81).err(),
            Some(DerError::Malformed)
        );
    }

    #[test]
    fn integers() {
        assert_eq!(read_u64(&[0x02, 0x02, 0x08, 0x00]).unwrap().0, 2048);
        assert_eq!(
            read_u64(&[0x02, 0x01, 0x80]).err(),
            Some(DerError::Malformed)
        );
        assert_eq!(
            read_u64(&[0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]).unwrap().0,
            0x7fff_ffff
        );
    }

    #[test]
    fn bounds_nesting_without_recursion() {
        let depth = 10_000;
        let mut der = vec![0x05, 0x00];
        for _ in 0..depth {
            let len = der.len();
            let mut outer = vec![0x30];
            if len < 0x80 {
                outer.push(len as u8);
            } else {
                let bytes = (len as u32).to_be_bytes();
                let skip = bytes.iter().take_while(|&&b| b == 0).count();
                outer.push(0x80 | (4 - skip) as u8);
                outer.extend(&bytes[skip..]);
            }
            outer.extend(der);
            der = outer;
        }
        assert_eq!(check_structure(&der).err(), Some(DerError::TooDeep));
        assert!(check_structure(&[0x30, 0x03, 0x30, 0x01, 0x05]).is_err());
        assert!(check_structure(&[0x30, 0x04, 0x30, 0x02, 0x05, 0x00]).is_ok());
    }
}
