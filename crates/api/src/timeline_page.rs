//! The timeline a page at a time, for a window that shows what is visible: the newest
//! entries first, filtered by kind and by words like the window's search box, with the
//! notes the policy derives in their place. A page reads the timeline's order (every
//! entry's sort key) and the page's own entries, not the whole timeline's text; a search
//! reads only the entries whose stored text could match.
use crate::dto::EntryView;
use crate::{Firebreak, Result};
use firebreak_core::incident::Incident;
use firebreak_core::timeline::EntryKind;
use firebreak_store::EntryKey;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

/// The most entries one page holds.
pub const MAX_PAGE: u32 = 1_000;

/// Which part of which timeline: `limit` entries from `offset`, newest first, of the
/// entries of `kind` ("" for all) whose text or author holds `text` (any case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineQuery {
    pub incident: String,
    pub offset: u32,
    pub limit: u32,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelinePage {
    /// The incident's internal id.
    pub incident: String,
    pub offset: u32,
    /// Newest first: the filtered timeline's entries `offset ..`.
    pub entries: Vec<EntryView>,
    /// How many entries the filtered timeline has.
    pub total: u32,
}

/// One row of the timeline: a recorded entry, or the policy's note on the entry before.
#[derive(Clone, Copy)]
enum Slot {
    Entry(usize),
    Note(usize),
}

/// The longest word of a search, if the store can look it up in stored JSON as it is
/// (ASCII, nothing JSON escapes); else every entry is a candidate.
fn lookup_word(query: &str) -> Option<&str> {
    query
        .split_whitespace()
        .max_by_key(|w| w.len())
        .filter(|w| w.bytes().all(|b| b.is_ascii() && b >= 0x20 && b != b'"' && b != b'\\'))
}

fn matches(e: &EntryView, query: &str) -> bool {
    query.is_empty() || format!("{} {}", e.text, e.author).to_lowercase().contains(query)
}

impl Firebreak {
    /// One page of an incident's timeline (see [`TimelineQuery`]).
    pub fn timeline_page(&self, q: &TimelineQuery) -> Result<TimelinePage> {
        let (id, _) = self.store.find_key(&q.incident)?;
        let kind: Option<EntryKind> = match q.kind.trim() {
            "" => None,
            k => Some(serde_json::from_value(serde_json::Value::String(k.to_string())).map_err(|_| {
                crate::ApiError::invalid(format!("{k:?} is not an entry kind (note, decision, comms-update, …)"))
            })?),
        };
        let query = q.text.trim().to_lowercase();
        let policy = self.policy()?;
        let view = self.clock_view(id)?;
        let mut keys = self.store.timeline_keys(id)?;
        keys.sort_by_key(EntryKey::order);
        // The policy's notes, by the index of the entry they follow (made once).
        let notes: HashMap<usize, EntryView> = (0..keys.len())
            .filter_map(|i| {
                let e = view.timeline.get(&keys[i].id)?;
                Some((i, crate::requirements::level_note(&policy, &EntryView::of(&view, e))?))
            })
            .collect();
        let mut slots = Vec::with_capacity(keys.len() + notes.len());
        for i in 0..keys.len() {
            slots.push(Slot::Entry(i));
            if notes.contains_key(&i) {
                slots.push(Slot::Note(i));
            }
        }
        // Entries of the kind asked for whose text matches, checked on the entries
        // themselves (their current text) among the store's candidates.
        let found: Option<HashSet<usize>> = if query.is_empty() {
            None
        } else {
            let candidates: Vec<usize> = match lookup_word(&query) {
                Some(word) => {
                    let hits = self.store.timeline_candidates(id, word)?;
                    (0..keys.len()).filter(|i| hits.contains(&keys[*i].id)).collect()
                }
                None => (0..keys.len()).collect(),
            };
            let candidates: Vec<usize> =
                candidates.into_iter().filter(|i| kind.is_none_or(|k| keys[*i].kind == k)).collect();
            let shown = self.entry_views(id, &keys, &candidates)?;
            Some(shown.into_iter().filter(|(_, e)| matches(e, &query)).map(|(i, _)| i).collect())
        };
        let keep = |slot: &Slot| match *slot {
            Slot::Entry(i) => kind.is_none_or(|k| keys[i].kind == k) && found.as_ref().is_none_or(|f| f.contains(&i)),
            Slot::Note(i) => {
                kind.is_none_or(|k| k == EntryKind::Note) && notes.get(&i).is_some_and(|n| matches(n, &query))
            }
        };
        let shown: Vec<Slot> = slots.into_iter().rev().filter(keep).collect();
        let (offset, limit) = (q.offset as usize, q.limit.min(MAX_PAGE) as usize);
        let page: Vec<Slot> = shown.iter().skip(offset).take(limit).copied().collect();
        let wanted: Vec<usize> =
            page.iter().filter_map(|s| if let Slot::Entry(i) = s { Some(*i) } else { None }).collect();
        let mut views = self.entry_views(id, &keys, &wanted)?;
        let entries = page
            .iter()
            .filter_map(|s| match *s {
                Slot::Entry(i) => views.remove(&i),
                Slot::Note(i) => notes.get(&i).cloned(),
            })
            .collect();
        Ok(TimelinePage { incident: id.to_string(), offset: q.offset, entries, total: shown.len() as u32 })
    }

    /// The views of the entries `keys[i]` for each `i` of `which` that still exists.
    fn entry_views(&self, id: uuid::Uuid, keys: &[EntryKey], which: &[usize]) -> Result<HashMap<usize, EntryView>> {
        let wanted: Vec<&EntryKey> = which.iter().map(|i| &keys[*i]).collect();
        let page = self.store.timeline_entries(id, &wanted)?;
        let mut shown = Incident::new(id);
        shown.revisions = page.revisions;
        shown.response.pins = page.pins;
        let by_id: HashMap<_, _> = page.entries.iter().map(|e| (e.id, e)).collect();
        Ok(which.iter().filter_map(|i| by_id.get(&keys[*i].id).map(|e| (*i, EntryView::of(&shown, e)))).collect())
    }
}
