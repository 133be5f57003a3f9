"""Restore in the window, as `firebreak restore` in the CLI: Settings → "Restore from
backup…" asks first (the current record is replaced), then the desktop's open dialog
(answered with xdotool). A file that is not a backup is refused with the api's reason
and changes nothing; a real backup replaces the record while the window holds it open,
the window re-reads it (an incident declared after the backup is gone) and keeps
writing into the restored record. The team server dialog then exports the ops held
from teammates through the save dialog, as `firebreak sync quarantine --export` does."""
import json
import sqlite3

from selenium.webdriver.common.by import By

from conftest import AppLauncher, click, free_port_pair, screenshot, wait
from test_parity import answer_dialog


def titles(l: AppLauncher) -> list:
    return sorted(i["title"] for i in json.loads(l.cli("--json", "incident", "list")))


def sidebar(d) -> str:
    """The titles in the window's incident list (read from the DOM: the list is virtual)."""
    rows = d.execute_script(
        "return Array.from(document.querySelectorAll('[data-testid=\"incident-row\"] .row-title')).map(e => e.textContent)"
    )
    return "\n".join(rows)


def restore_from(d, path) -> None:
    click(d, '[data-view="settings"]')
    click(d, '[data-testid="settings-restore"]')
    dialog = wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="restore-confirm-dialog"]'))
    assert "replaced by the backup's" in dialog.text, dialog.text
    click(d, '[data-testid="restore-confirm"]')
    answer_dialog("Restore from backup", path)


def hold_a_bad_op(db) -> None:
    """A teammate's op that failed validation, as a sync pull keeps it (held_ops)."""
    body = json.dumps({"op_id": "7" * 32, "author": "mallory", "payload": {"type": "set_status", "at": "1900-01-01T00:00:00Z"}})
    with sqlite3.connect(db) as c:
        c.execute(
            "INSERT INTO held_ops (op_id, kind, class, reason, retry, author, target, body, received_at)"
            " VALUES (?, 'set_status', 'quarantined', 'payload.at: 1900-01-01 is outside 1970–2199', 0, 'mallory', NULL, ?, ?)",
            ("7" * 32, body, "2026-12-01T10:00:00Z"),
        )


def test_restore_from_backup_in_the_window(tmp_path):
    l = AppLauncher(tmp_path / "data", free_port_pair(), ask_where_to_save=True)
    try:
        l.cli("incident", "declare", "--title", "Kept by the backup", "--severity", "SEV2")
        hold_a_bad_op(tmp_path / "data" / "firebreak.db")
        backup = tmp_path / "laptop.db"
        l.cli("backup", "-o", str(backup))
        l.cli("incident", "declare", "--title", "Declared after the backup", "--severity", "SEV3")
        d = l.open()
        wait(d, lambda drv: "Declared after the backup" in sidebar(drv))

        # Not a backup: refused with the reason, nothing changes.
        bad = tmp_path / "notes.db"
        bad.write_text("these are not the ops you are looking for\n")
        restore_from(d, bad)
        error = wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="error"]:not([hidden])'))
        assert "notes.db is not a Firebreak backup" in error.text, error.text
        screenshot(d, "restore-refused")
        click(d, '[data-testid="error"] button')  # dismiss
        assert titles(l) == ["Declared after the backup", "Kept by the backup"]
        assert "Declared after the backup" in sidebar(d)

        # The backup: the record is replaced and the window shows the restored one.
        restore_from(d, backup)
        wait(d, lambda drv: "Restored" in drv.find_element(By.CSS_SELECTOR, '[data-testid="settings-backup-result"]').text)
        wait(d, lambda drv: "Declared after the backup" not in sidebar(drv))
        assert "Kept by the backup" in sidebar(d)
        screenshot(d, "restore-done")
        shown = d.find_elements(By.CSS_SELECTOR, '[data-testid="error"]:not([hidden])')
        assert not shown, f"no error after the restore: {shown[0].text if shown else ''}"
        assert titles(l) == ["Kept by the backup"]

        # The window's Firebreak writes into the restored record.
        d.find_element(By.ID, "declare-open").click()
        title = wait(d, lambda drv: drv.find_element(By.ID, "declare-title"))
        title.send_keys("Declared after the restore")
        d.find_element(By.ID, "declare-submit").click()
        wait(d, lambda drv: "Declared after the restore" in sidebar(drv))
        wait(d, lambda drv: titles(l) == ["Declared after the restore", "Kept by the backup"])

        # The held op (in the backup too) is exported from the team server dialog.
        click(d, '[data-testid="sync-status"]')
        click(d, '[data-testid="export-quarantine"]')
        target = tmp_path / "for-the-admin" / "held.json"
        target.parent.mkdir()
        answer_dialog("Save as", target)
        wait(d, lambda drv: target.exists())
        held = json.loads(target.read_text())["held"]
        assert [h["author"] for h in held] == ["mallory"], held
        wait(d, lambda drv: str(target) in drv.find_element(By.CSS_SELECTOR, '[data-testid="quarantine-export-result"]').text)
        screenshot(d, "quarantine-exported")
    finally:
        l.close()
