//! CRC-32 (IEEE 802.3, the `x-amz-checksum-crc32`, `x-amz-crc32` and
//! event-stream checksum): crc32fast's table-driven code with the
//! `checksums` feature, else a 64-byte nibble table (two look-ups a byte),
//! so a device does not carry crc32fast's 16 KiB of tables.

/// The CRC-32 of `bytes`.
#[cfg(feature = "checksums")]
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// The CRC-32 of `bytes`.
#[cfg(not(feature = "checksums"))]
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    nibbles(bytes)
}

/// The reflected polynomial's remainders of the 16 four-bit values.
const NIBBLE_TABLE: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 4 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// CRC-32 four bits at a time.
#[cfg_attr(feature = "checksums", allow(dead_code))]
pub(crate) fn nibbles(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..2 {
            c = (c >> 4) ^ NIBBLE_TABLE[(c & 0xF) as usize];
        }
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value() {
        // The CRC-32 catalogue's check value of "123456789".
        assert_eq!(nibbles(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(nibbles(b""), 0);
    }

    #[cfg(feature = "checksums")]
    #[test]
    fn nibbles_agree_with_crc32fast() {
        let data: [u8; 1000] = core::array::from_fn(|i| (i * 7 + i / 13) as u8);
        for end in [0, 1, 3, 64, 255, 1000] {
            assert_eq!(nibbles(&data[..end]), crc32fast::hash(&data[..end]));
        }
    }
}
