//! What this laptop received from the team but does not apply: ops from a newer
//! Firebreak (applied after an upgrade) and ops that failed validation (quarantined).
//! Shown by `firebreak sync quarantine`, `remote show` and the window's sync badge, and
//! exportable for an admin. See `firebreak_store::HeldOp`.
use crate::dto::HeldOpView;
use crate::{Firebreak, Result};
use firebreak_store::{HeldClass, HeldSummary};

impl Firebreak {
    /// Every held op, oldest first, without its body.
    pub fn held_ops(&self) -> Result<Vec<HeldOpView>> {
        Ok(self
            .store
            .held_ops()?
            .into_iter()
            .map(|h| HeldOpView {
                op_id: h.op_id,
                kind: h.kind,
                newer: h.class == HeldClass::Newer,
                reason: h.reason,
                author: h.author,
                incident: h.target,
                received_at: h.received_at,
            })
            .collect())
    }

    /// Counts of held ops and the latest quarantine reason.
    pub fn held_summary(&self) -> Result<HeldSummary> {
        Ok(self.store.held_summary()?)
    }

    /// [`Self::quarantine_export`] as a file for the window's save dialog.
    pub fn quarantine_export_file(&self) -> Result<crate::files::ExportFile> {
        let day = self.now().format("%Y%m%d-%H%M%S");
        Ok(crate::files::ExportFile {
            name: format!("firebreak-quarantine-{day}.json"),
            bytes: self.quarantine_export()?.into_bytes(),
            kind: ("JSON", "json"),
        })
    }

    /// Every held op with its body as received, as one JSON document for an admin.
    pub fn quarantine_export(&self) -> Result<String> {
        let held = self.store.held_ops()?;
        let doc = serde_json::json!({
            "exported_at": self.now(),
            "replica": self.store.replica_id()?.to_string(),
            "held": held,
        });
        serde_json::to_string_pretty(&doc)
            .map_err(|e| crate::ApiError::new(crate::ErrorCode::Internal, format!("cannot write JSON: {e}")))
    }
}
