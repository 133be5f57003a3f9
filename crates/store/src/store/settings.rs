//! Local settings (author, policy in force, notification stages sent, …): keys and
//! values of this laptop only, never synced.
use crate::{Result, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?;
        Ok(stmt.query_row([key], |r| r.get(0)).optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.set_settings([(key, value)])
    }

    /// Sets several settings in one transaction: one write to disk, not one per key.
    pub fn set_settings<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?;
            for (key, value) in pairs {
                put.execute(params![key, value])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// How many transactions this store has committed since it was opened: the tests'
    /// measure of writes to disk (each commit is one).
    pub fn commits(&self) -> u64 {
        self.commits.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn delete_setting(&self, key: &str) -> Result<()> {
        self.conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
        Ok(())
    }
}
