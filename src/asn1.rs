//! A minimal, allocation-free DER reader for the few structures kcp-wasm must inspect *before*
//! handing them to a full decoder: which kind of key a blob is, the parameters of a password-based
//! encryption scheme (so that a hostile iteration count is refused before any KDF runs), and a
//! nesting-depth scan that bounds every later recursive decoder.

pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_NULL: u8 = 0x05;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;

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
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | b as usize;
        }
        rest = &rest[n..];
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
    let (_, rest) = read(input)?;
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
        let (tlv, rest) = read(top)?;
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
