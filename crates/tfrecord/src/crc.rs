//! framing: TFRecord's masked CRC32C (Castagnoli), as TensorFlow's `crc32c::Mask`.

/// The constant TensorFlow adds after rotating a CRC (`kMaskDelta`).
const MASK_DELTA: u32 = 0xa282_ead8;

/// `mask(crc32c(bytes))`: the checksum stored after a record's length and after its payload.
pub fn masked_crc32c(bytes: &[u8]) -> u32 {
    mask(crc32c::crc32c(bytes))
}

/// Rotates right by 15 bits and adds [`MASK_DELTA`] (wrapping), so CRCs of CRCs are not trivial.
pub fn mask(crc: u32) -> u32 {
    crc.rotate_right(15).wrapping_add(MASK_DELTA)
}

/// Inverse of [`mask`].
pub fn unmask(masked: u32) -> u32 {
    masked.wrapping_sub(MASK_DELTA).rotate_left(15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::manual_rotate)] // written out as TensorFlow's crc32c.h, on purpose
    fn crc32c_check_value_and_mask() {
        // The CRC-32C catalogue check value for "123456789" (RFC 3720 polynomial 0x1EDC6F41).
        assert_eq!(crc32c::crc32c(b"123456789"), 0xE306_9283);
        // The mask written out as TensorFlow's crc32c.h does: ((crc >> 15) | (crc << 17)) + kMaskDelta.
        let crc = 0xE306_9283u32;
        let by_hand = ((crc >> 15) | (crc << 17)).wrapping_add(0xa282_ead8);
        assert_eq!(mask(crc), by_hand);
        assert_eq!(unmask(mask(crc)), crc);
        // Empty input: crc32c("") = 0, mask(0) = kMaskDelta.
        assert_eq!(masked_crc32c(b""), 0xa282_ead8);
    }
}
