//! Lists of small numbers that a build holds for every post to its end (a digest's
//! readers, a post's reply times), packed in one allocation: each number in as few
//! bytes as it needs (LEB128, signed ones zigzag-encoded). A post's comments number
//! in the tens and a site's readers in the thousands, so most take a byte or two
//! where a `u32` takes four and a `Vec` an allocation of its own.

use integer_encoding::VarInt;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Packed(Box<[u8]>);

impl Packed {
    /// `numbers` packed; nothing at all, without an allocation, when there are none.
    pub(crate) fn of<T: VarInt>(numbers: impl IntoIterator<Item = T>) -> Packed {
        let mut bytes = Vec::new();
        let mut buffer = [0; 10];
        for n in numbers {
            let len = n.encode_var(&mut buffer);
            bytes.extend_from_slice(&buffer[..len]);
        }
        Packed(bytes.into_boxed_slice())
    }

    /// The numbers, in order, read as `T`: the type they were packed as.
    pub(crate) fn numbers<T: VarInt>(&self) -> impl Iterator<Item = T> + '_ {
        let mut rest: &[u8] = &self.0;
        std::iter::from_fn(move || {
            let (n, len) = T::decode_var(rest)?;
            rest = &rest[len..];
            Some(n)
        })
    }

    /// How many bytes it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_they_went_in_whatever_their_size_and_sign() {
        let unsigned = [0, 1, 127, 128, 16_383, 16_384, u32::MAX];
        let packed = Packed::of(unsigned);
        assert_eq!(packed.numbers::<u32>().collect::<Vec<_>>(), unsigned);
        let signed = [0, -1, 1, -64, 64, i64::MIN, i64::MAX, -1_000_000_000];
        let packed = Packed::of(signed);
        assert_eq!(packed.numbers::<i64>().collect::<Vec<_>>(), signed);
        assert_eq!(Packed::of::<u32>([]), Packed::default());
        assert_eq!(Packed::default().numbers::<u32>().count(), 0);
    }

    #[test]
    fn small_numbers_take_a_byte_each() {
        assert_eq!(Packed::of(0..128u32).len(), 128);
        assert_eq!(Packed::of(-64..64i64).len(), 128);
        assert_eq!(Packed::of([128u32, 16_383]).len(), 4);
    }
}
