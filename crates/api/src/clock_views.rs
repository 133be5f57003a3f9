//! The list and the notification scheduler need every incident's clocks, and an
//! incident's clocks read only a small part of it: its head (status, level, roles,
//! tasks, checklists, review) and the few timeline entries that move a clock (status and
//! severity changes, edits, status and customer updates). That part — the *clock view*,
//! an [`Incident`] without its notes, revisions, pins and review texts — is cached per incident in the
//! store at the incident's newest op, so listing a thousand incidents unfolds only the
//! ones changed since the last listing (none, while idle), not all of them.
use crate::{Firebreak, Result};
use firebreak_core::incident::{Incident, Status};
use firebreak_core::timeline::{EntryKind, TimelineEntry};
use firebreak_store::IncidentRow;

/// Bumped when what a clock view keeps changes: rows made by another build are made again.
const FORMAT: u32 = 2;

/// Whether an entry can move a clock: it records a change of state (status, severity,
/// an edit of the detection time) or an update sent. Notes and other kinds never do.
fn moves_a_clock(e: &TimelineEntry) -> bool {
    e.change.is_some() || matches!(e.kind, EntryKind::CommsUpdate | EntryKind::CustomerUpdate)
}

/// The incident as its clocks see it: the same deadlines, missing requirements and
/// meeting at every instant as the whole incident (tested against it).
pub fn clock_view(mut inc: Incident) -> Incident {
    inc.timeline.retain(|_, e| moves_a_clock(e));
    inc.revisions.clear();
    inc.response.pins.clear();
    // The review's words and action items move no clock (its state and meeting do).
    inc.review.texts.clear();
    inc.review.action_items.clear();
    inc
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Cached {
    format: u32,
    incident: Incident,
}

/// The view a cache row holds, if it was written by this build's format.
fn read_cached(body: Option<String>) -> Option<Incident> {
    let cached: Cached = serde_json::from_str(&body?).ok()?;
    (cached.format == FORMAT).then_some(cached.incident)
}

/// A view as a cache row (`None` only if it cannot be serialised: then it is not cached).
fn cache_row(view: &Incident) -> Option<String> {
    serde_json::to_string(&Cached { format: FORMAT, incident: view.clone() }).ok()
}

impl Firebreak {
    /// Every listed incident with its clock view (`None` for a closed incident, which
    /// has no running clock, and for one that cannot be read: it is then listed without
    /// clocks). Stale or missing views are made from the incident and cached; a failed
    /// cache write only means they are made again next time.
    pub(crate) fn with_clock_views(&self) -> Result<Vec<(IncidentRow, Option<Incident>)>> {
        let mut fresh = Vec::new();
        let rows: Vec<(IncidentRow, Option<Incident>)> = self
            .store
            .list()?
            .into_iter()
            .map(|mut row| {
                let closed = row.status == Status::Closed.as_str() && row.detected_at.is_some();
                if closed {
                    return (row, None);
                }
                let view = read_cached(row.clock_view.take()).or_else(|| {
                    let view = self.store.incident(row.id).ok().flatten().map(clock_view)?;
                    fresh.extend(cache_row(&view).map(|body| (row.id, row.last_seq, body)));
                    Some(view)
                });
                (row, view)
            })
            .collect();
        if let Err(e) = self.store.save_clock_views(&fresh) {
            eprintln!("firebreak: could not cache {} clock views: {e}", fresh.len());
        }
        Ok(rows)
    }

    /// One incident's clock view, cached as [`Self::with_clock_views`] does.
    pub(crate) fn clock_view(&self, id: firebreak_core::ids::IncidentId) -> Result<Incident> {
        let (version, cached) = self.store.clock_view_of(id)?;
        if let Some(view) = read_cached(cached) {
            return Ok(view);
        }
        let inc = self
            .store
            .incident(id)?
            .ok_or_else(|| crate::ApiError::new(crate::ErrorCode::NotFound, format!("no incident {id}")))?;
        let view = clock_view(inc);
        if let Some(body) = cache_row(&view) {
            if let Err(e) = self.store.save_clock_views(&[(id, version, body)]) {
                eprintln!("firebreak: could not cache a clock view: {e}");
            }
        }
        Ok(view)
    }
}
