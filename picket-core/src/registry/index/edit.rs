//! Editing an index into a new one: some projects' keys taken out and others put in,
//! without placing every key again (the update path of `Registry::with_projects`).
//!
//! The new index starts as a copy of the old one's table (one copy of about 71 bytes a
//! key, no hashing), from which the replaced projects' slots are cleared; the new keys are
//! then placed by the same cuckoo insertion as a build. The lookup is untouched: a key sits
//! in one of its two buckets either way, and an empty slot is all zeros. When the keys no
//! longer fit within [`MAX_LOAD`], when the table would be less than a quarter as full as
//! that (it shrinks), or when an insertion runs out of evictions, every key is placed
//! again into a table of the right size, as a build does.

use super::*;

impl Bucket {
    /// The entry in `slot`, if any.
    fn entry(&self, slot: usize) -> Option<Entry> {
        let lane = |f: usize| self.fields[f].to_array()[slot];
        let kind = match lane(KIND) {
            k if k == KeyKind::Publishable as u32 => KeyKind::Publishable,
            k if k == KeyKind::Secret as u32 => KeyKind::Secret,
            _ => return None,
        };
        let mut digest = [0u8; 32];
        for (chunk, v) in digest.chunks_exact_mut(4).zip(&self.digests) {
            chunk.copy_from_slice(&v.to_array()[slot].to_ne_bytes());
        }
        let join = |lo: usize, hi: usize| u64::from(lane(lo)) | u64::from(lane(hi)) << 32;
        Some(Entry {
            digest: KeyDigest::from_bytes(digest),
            project: join(PROJECT_LO, PROJECT_HI),
            expires_at: join(EXPIRES_LO, EXPIRES_HI),
            kind,
        })
    }

    /// Empties `slot`: every lane of it 0, as a slot never filled.
    fn clear(&mut self, slot: usize) {
        for v in self.digests.iter_mut().chain(self.fields.iter_mut()) {
            set_lane(v, slot, 0);
        }
    }

    fn occupied(&self, slot: usize) -> bool {
        self.fields[KIND].to_array()[slot] != 0
    }
}

impl Index {
    /// A new index: this one without the keys of the projects in `replaced` (sorted), with
    /// `added`.
    ///
    /// # Errors
    /// [`BuildError::DuplicateKey`] when a key of `added` is in the index (in a project not
    /// replaced) or twice in `added`; [`BuildError::TooManyKeys`].
    pub(crate) fn edited(
        &self,
        replaced: &[ProjectId],
        added: &[Entry],
    ) -> Result<Index, BuildError> {
        debug_assert!(replaced.windows(2).all(|w| w[0] < w[1]));
        let mut buckets = self.buckets.clone();
        let mut len = 0;
        for bucket in buckets.iter_mut() {
            let lo = bucket.fields[PROJECT_LO].to_array();
            let hi = bucket.fields[PROJECT_HI].to_array();
            let kinds = bucket.fields[KIND].to_array();
            for slot in 0..SLOTS {
                if kinds[slot] == 0 {
                    continue;
                }
                let project = u64::from(lo[slot]) | u64::from(hi[slot]) << 32;
                if replaced.binary_search(&project).is_ok() {
                    bucket.clear(slot);
                } else {
                    len += 1;
                }
            }
        }
        let total = len + added.len();
        if total >= u32::MAX as usize - 1 {
            return Err(BuildError::TooManyKeys);
        }
        let mut index = Index { buckets, len };
        let capacity = (index.buckets.len() * SLOTS) as f64 * MAX_LOAD;
        let shrinks = index.buckets.len() > 1 && (total as f64) < capacity / 4.0;
        if total as f64 > capacity || shrinks {
            return index.rebuilt(None, added);
        }
        for (i, entry) in added.iter().enumerate() {
            index.refuse_duplicate(entry)?;
            if let Some(homeless) = index.insert(*entry) {
                return index.rebuilt(Some(homeless), &added[i + 1..]);
            }
        }
        Ok(index)
    }

    /// Every key of this index, `homeless` and `rest`, placed again as a build places them.
    fn rebuilt(&self, homeless: Option<Entry>, rest: &[Entry]) -> Result<Index, BuildError> {
        let mut all = Vec::with_capacity(self.len + 1 + rest.len());
        for bucket in self.buckets.iter() {
            all.extend((0..SLOTS).filter_map(|slot| bucket.entry(slot)));
        }
        all.extend(homeless);
        all.extend_from_slice(rest);
        Index::build(&all)
    }

    /// [`BuildError::DuplicateKey`] when one of `entry`'s two buckets holds its digest.
    fn refuse_duplicate(&self, entry: &Entry) -> Result<(), BuildError> {
        for b in buckets_of(entry.digest.as_bytes(), self.buckets.len()) {
            let bucket = &self.buckets[b];
            if let Some(slot) = (0..SLOTS).find(|&s| bucket.holds(s, &entry.digest)) {
                let first = bucket.entry(slot).map_or(0, |e| e.project);
                return Err(BuildError::DuplicateKey {
                    first,
                    second: entry.project,
                });
            }
        }
        Ok(())
    }

    /// Places `entry` by cuckoo insertion. Returns the entry left without a slot (the new
    /// one or one it evicted) when the evictions run out.
    fn insert(&mut self, entry: Entry) -> Option<Entry> {
        let buckets = self.buckets.len();
        // A fixed seed, as a build's: the same edits give the same layout.
        let mut rng = 0x9e37_79b9_7f4a_7c15u64 ^ self.len as u64;
        let mut current = entry;
        for _ in 0..MAX_KICKS {
            let [c0, c1] = buckets_of(current.digest.as_bytes(), buckets);
            for b in [c0, c1] {
                if let Some(slot) = (0..SLOTS).find(|&s| !self.buckets[b].occupied(s)) {
                    self.buckets[b].put(slot, &current);
                    self.len += 1;
                    return None;
                }
            }
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let b = if rng & 1 == 0 { c0 } else { c1 };
            let slot = (rng >> 1) as usize % SLOTS;
            let victim = self.buckets[b].entry(slot)?;
            self.buckets[b].put(slot, &current);
            current = victim;
        }
        Some(current)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::entry;
    use super::*;

    fn in_project(i: u64, project: ProjectId) -> Entry {
        Entry {
            project,
            ..entry(i)
        }
    }

    /// Every key of `want` is found with its fields, and the index holds nothing else.
    fn holds_exactly(index: &Index, want: &[Entry]) {
        assert_eq!(index.len(), want.len());
        let mut seen = 0;
        for bucket in index.buckets.iter() {
            seen += (0..SLOTS).filter(|&s| bucket.occupied(s)).count();
        }
        assert_eq!(seen, want.len());
        for e in want {
            let found = index.lookup(&e.digest);
            assert_eq!(
                (found.present, found.project, found.kind, found.expires_at),
                (1, e.project, e.kind as u8, e.expires_at)
            );
        }
    }

    #[test]
    fn a_project_replaced_keeps_every_other_key_and_only_its_new_ones() {
        // 10 projects of 300 keys; project 3's keys replaced by 50 new ones.
        let old: Vec<Entry> = (0..3000).map(|i| in_project(i, i % 10)).collect();
        let index = Index::build(&old).unwrap();
        let added: Vec<Entry> = (10_000..10_050).map(|i| in_project(i, 3)).collect();
        let edited = index.edited(&[3], &added).unwrap();
        let mut want: Vec<Entry> = old.iter().copied().filter(|e| e.project != 3).collect();
        want.extend(&added);
        holds_exactly(&edited, &want);
        // The removed keys are absent; the old index is unchanged.
        for e in old.iter().filter(|e| e.project == 3) {
            assert_eq!(edited.lookup(&e.digest).present, 0);
        }
        holds_exactly(&index, &old);
        // The same table size: no rebuild was needed.
        assert_eq!(edited.buckets.len(), index.buckets.len());
    }

    #[test]
    fn growth_past_the_load_and_shrinking_rebuild_the_table() {
        let old: Vec<Entry> = (0..100).map(|i| in_project(i, 1)).collect();
        let index = Index::build(&old).unwrap();
        let many: Vec<Entry> = (1000..6000).map(|i| in_project(i, 2)).collect();
        let grown = index.edited(&[], &many).unwrap();
        let mut want = old.clone();
        want.extend(&many);
        holds_exactly(&grown, &want);
        assert!(grown.buckets.len() > index.buckets.len());
        let shrunk = grown.edited(&[2], &[]).unwrap();
        holds_exactly(&shrunk, &old);
        assert_eq!(shrunk.buckets.len(), index.buckets.len());
    }

    #[test]
    fn a_key_of_another_project_or_twice_is_a_duplicate() {
        let old: Vec<Entry> = (0..500).map(|i| in_project(i, i % 5)).collect();
        let index = Index::build(&old).unwrap();
        // Project 2 adds a key project 4 holds.
        let stolen = in_project(4, 2);
        assert_eq!(
            index.edited(&[2], &[stolen]).err(),
            Some(BuildError::DuplicateKey {
                first: 4,
                second: 2
            })
        );
        // A key of project 2 itself, re-added as project 2 replaces its keys: not a
        // duplicate.
        let own = in_project(2, 2);
        holds_exactly(
            &index.edited(&[2], &[own]).unwrap(),
            &old.iter()
                .copied()
                .filter(|e| e.project != 2 || e.digest == own.digest)
                .collect::<Vec<_>>(),
        );
        // The same new key twice.
        let twice = [in_project(9000, 2), in_project(9000, 2)];
        assert!(matches!(
            index.edited(&[2], &twice),
            Err(BuildError::DuplicateKey { .. })
        ));
    }

    #[test]
    fn a_nearly_full_table_takes_keys_by_eviction_or_a_rebuild() {
        // Filled to just below the load bound, then projects swapped in and out: every
        // edit holds exactly its keys, whichever path it took.
        let mut want: Vec<Entry> = (0..3600).map(|i| in_project(i, i % 40)).collect();
        let mut index = Index::build(&want).unwrap();
        let mut next = 100_000;
        for round in 0..40u64 {
            let project = round % 40;
            let added: Vec<Entry> = (next..next + 95).map(|i| in_project(i, project)).collect();
            next += 95;
            index = index.edited(&[project], &added).unwrap();
            want.retain(|e| e.project != project);
            want.extend(&added);
            holds_exactly(&index, &want);
        }
    }
}
