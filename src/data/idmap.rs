//! Two-way mapping between the dataset's own id tokens and dense 0-based indices.
//!
//! Each token is stored once: the index → token list owns the strings, and the token → index
//! direction is a `hashbrown::HashTable` of 4-byte indices into that list, hashed by the token
//! they point to (a `HashMap<String, u32>` beside it would hold every id a second time).

use std::hash::Hasher;

use hashbrown::HashTable;

/// Maps id tokens (strings as they appear in the file) to dense `u32` indices `0..len`, in
/// order of first insertion, and back.
#[derive(Clone, Default)]
pub struct IdMap {
    /// Token → index: each entry is an index into `tokens`, hashed by that token.
    slots: HashTable<u32>,
    /// Index → token.
    tokens: Vec<String>,
}

impl IdMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of distinct tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether no token has been inserted.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The index of `token`, inserting it with the next free index if it is new.
    ///
    /// Indices saturate at `u32::MAX` (more than four billion distinct ids cannot be held in
    /// memory anyway).
    pub fn get_or_insert(&mut self, token: &str) -> u32 {
        let tokens = &self.tokens;
        let found = self
            .slots
            .find(hash(token), |&index| tokens[index as usize] == token);
        if let Some(&index) = found {
            return index;
        }
        let Ok(index) = u32::try_from(self.tokens.len()) else {
            return u32::MAX;
        };
        if index == u32::MAX {
            return index;
        }
        let tokens = &self.tokens;
        self.slots
            .insert_unique(hash(token), index, |&other| hash(&tokens[other as usize]));
        self.tokens.push(token.to_owned());
        index
    }

    /// The index of `token`, if it is known.
    pub fn index(&self, token: &str) -> Option<u32> {
        self.slots
            .find(hash(token), |&index| self.tokens[index as usize] == token)
            .copied()
    }

    /// The token of `index`, or `""` when `index` is out of range (see [`IdMap::get_token`]).
    pub fn token(&self, index: u32) -> &str {
        self.get_token(index).unwrap_or("")
    }

    /// The token of `index`, if `index` is in range.
    pub fn get_token(&self, index: u32) -> Option<&str> {
        let index = usize::try_from(index).ok()?;
        self.tokens.get(index).map(String::as_str)
    }

    /// All tokens, indexed by their dense index.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
}

/// The table's hash of a token.
fn hash(token: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(token.as_bytes());
    hasher.finish()
}

impl std::fmt::Debug for IdMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdMap")
            .field("tokens", &self.tokens)
            .finish()
    }
}

impl<S: AsRef<str>> FromIterator<S> for IdMap {
    /// Inserts the tokens in order; repeated tokens keep their first index.
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut map = Self::new();
        for token in iter {
            map.get_or_insert(token.as_ref());
        }
        map
    }
}

/// The small multiplicative hash used by rustc ("FxHash") with a splitmix64 finaliser: much
/// faster than SipHash on short id strings. Id tokens come from files the user chose to open, so hash flooding is not a
/// concern here.
#[derive(Clone, Copy, Default)]
struct FxHasher {
    /// Running hash.
    hash: u64,
}

impl FxHasher {
    /// Mixing constant from rustc-hash.
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    /// Mixes one word into the hash.
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut word = [0u8; 8];
        let rest = chunks.remainder();
        if let Some(target) = word.get_mut(..rest.len()) {
            target.copy_from_slice(rest);
        }
        self.add(u64::from_le_bytes(word));
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    /// Ends with the splitmix64 finaliser: the multiplicative steps leave the low bits (which
    /// pick the hash-table bucket) depending on little of the input.
    fn finish(&self) -> u64 {
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertion_order_and_back_mapping() {
        let mut map = IdMap::new();
        assert!(map.is_empty());
        assert_eq!(map.get_or_insert("b"), 0);
        assert_eq!(map.get_or_insert("a"), 1);
        assert_eq!(map.get_or_insert("b"), 0);
        assert_eq!(map.len(), 2);
        assert_eq!(map.index("a"), Some(1));
        assert_eq!(map.index("zz"), None);
        assert_eq!(map.token(1), "a");
        assert_eq!(map.token(9), "");
        assert_eq!(map.get_token(9), None);
        assert_eq!(map.tokens(), ["b", "a"]);
    }

    #[test]
    fn many_tokens_round_trip() {
        let map: IdMap = (0..10_000).map(|i| format!("id{i}")).collect();
        assert_eq!(map.len(), 10_000);
        for i in 0..10_000u32 {
            assert_eq!(map.index(&format!("id{i}")), Some(i));
        }
        let prefixes: IdMap = ["", "a", "aa", "aaaaaaaa", "aaaaaaaaa"]
            .into_iter()
            .collect();
        assert_eq!(prefixes.len(), 5);
        assert_eq!(prefixes.index(""), Some(0));
        assert_eq!(prefixes.index("aaaaaaaaa"), Some(4));
        assert_eq!(IdMap::new().index("a"), None);
    }
}
