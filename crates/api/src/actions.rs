//! Action items of post-incident reviews as a list of their own: add, edit and remove
//! one (a removal is a tombstone kept in the history), and list them across incidents,
//! open, overdue or by owner. Each change is one `set_action_item` op replacing the item.
use crate::pir::{next_item_id, parse_date};
use crate::service::human;
use crate::{ApiError, Firebreak, Result};
use chrono::NaiveDate;
use firebreak_core::ids::OpId;
use firebreak_core::incident::Incident;
use firebreak_core::op::OpPayload;
use firebreak_core::review::ActionItem;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Priorities a person may type (imports may carry others, kept as written).
pub const PRIORITIES: [&str; 3] = ["high", "medium", "low"];
/// Statuses a person may type.
pub const STATUSES: [&str; 3] = ["open", "in-progress", "done"];

/// Fields to set; absent ones stay as they are (or take their defaults on add).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionChange {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    /// YYYY-MM-DD; empty clears the due date.
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// An item to add (`item` empty), change or remove, over IPC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionInput {
    pub incident: String,
    /// The item's shown id (`AI-002`) or key; empty when adding.
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub change: ActionChange,
}

/// One live action item with its incident, for lists across incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionRow {
    pub incident: String,
    pub human_id: String,
    pub key: String,
    pub item: ActionItem,
    pub overdue: bool,
}

/// Which items `actions` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionFilter {
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub owner: Option<String>,
}

fn one_of(what: &str, value: &str, allowed: &[&str]) -> Result<String> {
    let v = value.trim().to_ascii_lowercase();
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(ApiError::invalid(format!("unknown {what} {value:?}; expected one of: {}", allowed.join(", "))))
    }
}

fn is_done(item: &ActionItem) -> bool {
    item.status.trim().eq_ignore_ascii_case("done")
}

/// Applies `change` to `item`, checking every field first.
fn apply(mut item: ActionItem, change: &ActionChange) -> Result<ActionItem> {
    if let Some(a) = &change.action {
        let a = a.trim();
        if a.is_empty() {
            return Err(ApiError::invalid("an action item needs the action: say what is to be done"));
        }
        item.action = a.to_string();
    }
    if let Some(o) = &change.owner {
        item.owner = o.trim().to_string();
    }
    if let Some(d) = &change.due {
        item.due = if d.trim().is_empty() { None } else { Some(parse_date(d)?) };
    }
    if let Some(p) = &change.priority {
        item.priority = one_of("priority", p, &PRIORITIES)?;
    }
    if let Some(s) = &change.status {
        item.status = one_of("status", s, &STATUSES)?;
    }
    Ok(item)
}

/// The live item named by its shown id (`AI-002`, any case) or its key.
fn find_item(inc: &Incident, name: &str) -> Result<(OpId, ActionItem)> {
    let want = name.trim();
    inc.review
        .items()
        .into_iter()
        .find(|(k, i)| i.id.eq_ignore_ascii_case(want) || k.to_string() == want)
        .map(|(k, i)| (k, i.clone()))
        .ok_or_else(|| {
            let ids: Vec<String> = inc.review.items().iter().map(|(_, i)| i.id.clone()).collect();
            let known = if ids.is_empty() { "it has none".to_string() } else { format!("it has {}", ids.join(", ")) };
            ApiError::invalid(format!("{} has no action item {want:?} ({known})", human(inc)))
        })
}

impl Firebreak {
    /// Adds an item (status open, priority medium unless given); returns it.
    pub fn action_add(&mut self, incident: &str, change: ActionChange) -> Result<ActionRow> {
        let inc = self.find(incident)?;
        if change.action.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(ApiError::invalid("an action item needs the action: say what is to be done"));
        }
        let base = ActionItem { status: "open".into(), priority: "medium".into(), ..Default::default() };
        let mut item = apply(base, &change)?;
        item.id = next_item_id(&inc);
        let op = self.commit_item(&inc, None, item.clone())?;
        Ok(self.row(&inc, op, item))
    }

    /// Changes the given fields of an item.
    pub fn action_edit(&mut self, incident: &str, name: &str, change: ActionChange) -> Result<ActionRow> {
        let inc = self.find(incident)?;
        let (key, old) = find_item(&inc, name)?;
        let item = apply(old.clone(), &change)?;
        if item == old {
            return Err(ApiError::invalid(format!("nothing to change: {} already reads so", old.id)));
        }
        self.commit_item(&inc, Some(key), item.clone())?;
        Ok(self.row(&inc, key, item))
    }

    /// Removes an item: a tombstone (`deleted`), the item stays in the history.
    pub fn action_remove(&mut self, incident: &str, name: &str) -> Result<ActionRow> {
        let inc = self.find(incident)?;
        let (key, mut item) = find_item(&inc, name)?;
        item.deleted = true;
        self.commit_item(&inc, Some(key), item.clone())?;
        Ok(self.row(&inc, key, item))
    }

    /// Live action items of every incident, filtered; overdue = due before today (UTC)
    /// and not done.
    pub fn actions(&self, filter: &ActionFilter) -> Result<Vec<ActionRow>> {
        let mut out = Vec::new();
        for row in self.store.list()? {
            let Some(inc) = self.store.incident(row.id)? else { continue };
            for (key, item) in inc.review.items() {
                let r = self.row(&inc, key, item.clone());
                let owner_ok = filter.owner.as_deref().is_none_or(|o| item.owner.trim().eq_ignore_ascii_case(o.trim()));
                if owner_ok && (!filter.open || !is_done(item)) && (!filter.overdue || r.overdue) {
                    out.push(r);
                }
            }
        }
        out.sort_by(|a, b| {
            (a.item.due.is_none(), a.item.due, &a.human_id, &a.item.id).cmp(&(
                b.item.due.is_none(),
                b.item.due,
                &b.human_id,
                &b.item.id,
            ))
        });
        Ok(out)
    }

    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    fn row(&self, inc: &Incident, key: OpId, item: ActionItem) -> ActionRow {
        let overdue = !item.deleted && !is_done(&item) && item.due.is_some_and(|d| d < self.today());
        ActionRow { incident: inc.id.to_string(), human_id: human(inc), key: key.to_string(), item, overdue }
    }

    fn commit_item(&mut self, inc: &Incident, key: Option<OpId>, item: ActionItem) -> Result<OpId> {
        let author = self.author()?;
        let op = self.store.commit(self.now(), &author, inc.id, OpPayload::SetActionItem { key, item })?;
        Ok(key.unwrap_or(op.op_id))
    }
}
