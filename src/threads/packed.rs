//! Lists of small numbers that a build holds for every post to its end (a digest's
//! readers, a post's reply times), packed in one allocation: each number in as few
//! bytes as it needs (LEB128, signed ones zigzag-encoded). A post's comments number
//! in the tens and a site's readers in the thousands, so most take a byte or two
//! where a `u32` takes four and a `Vec` an allocation of its own.
//!
//! A packed list holds triples, then the rest: how many triples, their numbers,
//! then the rest's to the end.

use integer_encoding::VarInt;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Packed(Box<[u8]>);

impl Packed {
    /// `triples` then `rest`; nothing at all, without an allocation, when both are
    /// empty (so that equal lists are equal packed).
    pub(crate) fn of<T: VarInt>(triples: &[[T; 3]], rest: impl IntoIterator<Item = T>) -> Packed {
        let mut rest = rest.into_iter().peekable();
        if triples.is_empty() && rest.peek().is_none() {
            return Packed::default();
        }
        let mut bytes = Vec::new();
        push(&mut bytes, triples.len() as u64);
        for n in triples.iter().flatten().copied().chain(rest) {
            push(&mut bytes, n);
        }
        Packed(bytes.into_boxed_slice())
    }

    /// The triples, read as they are asked for, as `T`: the type they were packed as.
    pub(crate) fn triples<T: VarInt>(&self) -> impl Iterator<Item = [T; 3]> + '_ {
        let (count, mut all) = self.after_count::<T>();
        (0..count).map_while(move |_| Some([all.next()?, all.next()?, all.next()?]))
    }

    /// The numbers past the triples.
    pub(crate) fn rest<T: VarInt>(&self) -> impl Iterator<Item = T> + '_ {
        let (count, all) = self.after_count::<T>();
        all.skip(count as usize * 3)
    }

    /// How many triples, and every number after that count.
    fn after_count<T: VarInt>(&self) -> (u64, impl Iterator<Item = T> + '_) {
        let (count, len) = u64::decode_var(&self.0).unwrap_or((0, 0));
        let mut rest: &[u8] = &self.0[len..];
        let numbers = std::iter::from_fn(move || {
            let (n, len) = T::decode_var(rest)?;
            rest = &rest[len..];
            Some(n)
        });
        (count, numbers)
    }

    /// How many bytes it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

fn push<T: VarInt>(bytes: &mut Vec<u8>, n: T) {
    let mut buffer = [0; 10];
    let len = n.encode_var(&mut buffer);
    bytes.extend_from_slice(&buffer[..len]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_they_went_in_whatever_their_size_and_sign() {
        let triples = [[0, 1, 127], [128, 16_383, 16_384]];
        let rest = [u32::MAX, 0];
        let packed = Packed::of(&triples, rest);
        assert_eq!(packed.triples::<u32>().collect::<Vec<_>>(), triples);
        assert_eq!(packed.rest::<u32>().collect::<Vec<_>>(), rest);
        let signed = [0, -1, 1, -64, 64, i64::MIN, i64::MAX, -1_000_000_000];
        let packed = Packed::of(&[[i64::MIN, -1, i64::MAX]], signed);
        assert_eq!(
            packed.triples::<i64>().collect::<Vec<_>>(),
            [[i64::MIN, -1, i64::MAX]]
        );
        assert_eq!(packed.rest::<i64>().collect::<Vec<_>>(), signed);
        // The rest alone, triples alone, and nothing at all.
        assert_eq!(
            Packed::of::<u32>(&[], [9])
                .rest::<u32>()
                .collect::<Vec<_>>(),
            [9]
        );
        assert_eq!(Packed::of::<u32>(&[[1, 2, 3]], []).rest::<u32>().count(), 0);
        assert_eq!(Packed::of::<u32>(&[], []), Packed::default());
        assert_eq!(Packed::default().triples::<u32>().count(), 0);
        assert_eq!(Packed::default().rest::<u32>().count(), 0);
    }

    #[test]
    fn small_numbers_take_a_byte_each() {
        let triples: Vec<[u32; 3]> = (0..40).map(|n| [n, n + 40, n + 80]).collect();
        assert_eq!(Packed::of(&triples, 0..8u32).len(), 1 + 120 + 8);
        assert_eq!(Packed::of(&[], -64..64i64).len(), 1 + 128);
        assert_eq!(Packed::of::<u32>(&[], [128, 16_383]).len(), 1 + 4);
    }
}
