//! Which incidents changed since a cursor, for the shell's change events (the window
//! reacts to events instead of polling). Sees commits from every process on this data
//! directory, since it reads the op log itself.
use crate::{Firebreak, Result};

impl Firebreak {
    /// A cursor for [`Firebreak::incidents_changed_since`]: everything up to now.
    pub fn change_cursor(&self) -> Result<i64> {
        Ok(self.store.op_cursor()?)
    }

    /// Internal ids of incidents whose ops arrived after `cursor`, and the new cursor.
    pub fn incidents_changed_since(&self, cursor: i64) -> Result<(i64, Vec<String>)> {
        let (next, ids) = self.store.incidents_changed_since(cursor)?;
        Ok((next, ids.into_iter().map(|id| id.to_string()).collect()))
    }
}

#[cfg(test)]
mod tests {
    use crate::dto::{DeclareInput, EntryInput};
    use crate::Firebreak;
    use firebreak_core::clock::FixedClock;
    use firebreak_core::timeline::EntryKind;

    #[test]
    fn only_incidents_with_new_ops_are_named_and_an_idle_store_names_none() {
        let clock = FixedClock("2026-11-30T12:00:00Z".parse().unwrap());
        let mut fb = Firebreak::in_memory(Box::new(clock)).unwrap();
        let declare = |fb: &mut Firebreak, title: &str| {
            fb.declare(DeclareInput {
                title: title.into(),
                severity: "SEV2".into(),
                summary: String::new(),
                services: vec![],
                drill: false,
                at: None,
                suggested: None,
            })
            .unwrap()
            .id
        };
        let a = declare(&mut fb, "A");
        let b = declare(&mut fb, "B");
        let cursor = fb.change_cursor().unwrap();
        assert_eq!(fb.incidents_changed_since(cursor).unwrap(), (cursor, vec![]), "idle: nothing");
        fb.add_entry(EntryInput { incident: b.clone(), kind: EntryKind::Note, text: "n".into(), at: None }).unwrap();
        let (next, changed) = fb.incidents_changed_since(cursor).unwrap();
        assert_eq!(changed, vec![b]);
        assert!(next > cursor);
        assert!(!changed.contains(&a));
        assert_eq!(fb.incidents_changed_since(next).unwrap().1, Vec::<String>::new());
    }
}
