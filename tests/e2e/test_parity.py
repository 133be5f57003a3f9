"""What the CLI can do, the window can too: switch the policy and see its clocks and RTO
table, edit an incident in place (impact start, a service added later gets its RTO
clock), import a review through the desktop's open dialog and export through its save
dialog (answered with xdotool, as a person would type a path), which remembers the
folder."""
import json
import subprocess
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ARTIFACTS, ROOT, AppLauncher, click, free_port_pair, screenshot, wait


def answer_dialog(title: str, path: Path, timeout: float = 20.0) -> None:
    """Types `path` into the GTK file dialog titled `title` and presses Enter."""
    end = time.time() + timeout
    win = ""
    while time.time() < end and not win:
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], capture_output=True, text=True)
        win = out.stdout.split()[0] if out.stdout.split() else ""
        if not win:
            time.sleep(0.3)
    assert win, f"no dialog titled {title!r} appeared"
    time.sleep(0.5)  # let GTK finish mapping the dialog before typing into it
    # There is no window manager under Xvfb: give the dialog the input focus ourselves and
    # type as a keyboard would (XTEST), since GTK ignores synthetic events sent to a window.
    subprocess.run(["xdotool", "windowfocus", "--sync", win], check=False)
    # Ctrl+L opens the location field of an open dialog; a save dialog's name field has
    # the focus already. Either way the typed text replaces what is there.
    subprocess.run(["xdotool", "key", "ctrl+l"], check=True)
    subprocess.run(["xdotool", "key", "ctrl+a"], check=True)
    subprocess.run(["xdotool", "type", "--delay", "20", str(path)], check=True)
    # What the dialog looked like, for the artifacts (and for a failing run).
    subprocess.run(["import", "-window", "root", str(ARTIFACTS / f"dialog-{title.replace(' ', '-').lower()}.png")], check=False)
    time.sleep(0.3)  # the location field completes as one types; let it settle
    subprocess.run(["xdotool", "key", "Return"], check=True)
    # A completion popup can take the first Return: press again while the dialog is open.
    for _ in range(5):
        time.sleep(1.0)
        still = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], capture_output=True, text=True)
        if not still.stdout.split():
            return
        subprocess.run(["xdotool", "windowfocus", "--sync", win], check=False)
        subprocess.run(["xdotool", "key", "Return"], check=True)
    raise AssertionError(f"the {title!r} dialog did not take {path}")


def test_policy_edit_import_and_save_dialog(tmp_path):
    l = AppLauncher(tmp_path / "data", free_port_pair(), ask_where_to_save=True)
    try:
        human = l.cli("incident", "declare", "--title", "Checkout slow", "--severity", "SEV2", "--service", "api")
        d = l.open()

        # The policy in force, and switching it.
        click(d, '[data-view="policy"]')
        wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="policy"] .policy-levels'))
        levels = d.find_element(By.CSS_SELECTOR, ".policy-levels").text
        assert "SEV1" in levels and "15m" in levels, levels
        assert d.find_elements(By.CSS_SELECTOR, '[data-testid="policy-rto"] tbody tr'), "the RTO table is shown"
        screenshot(d, "policy-view")
        Select(d.find_element(By.ID, "policy-preset")).select_by_value("matrix")
        click(d, '[data-testid="policy-use"]')
        wait(d, lambda drv: "P1" in drv.find_element(By.CSS_SELECTOR, ".policy-levels").text)
        assert json.loads(l.cli("--json", "policy", "show"))["levels"][0]["id"] == "P1"
        Select(d.find_element(By.ID, "policy-preset")).select_by_value("protocol")
        click(d, '[data-testid="policy-use"]')
        wait(d, lambda drv: "SEV1" in drv.find_element(By.CSS_SELECTOR, ".policy-levels").text)

        # Edit the incident in place: impact start and a service added later.
        click(d, '[data-view="incidents"]')
        click(d, '[data-testid="incident-row"]')
        click(d, '[data-testid="edit-incident"]')
        services = wait(d, lambda drv: drv.find_element(By.ID, "edit-services"))
        services.clear()
        services.send_keys("api, database")
        title = d.find_element(By.ID, "edit-title")
        title.clear()
        title.send_keys("Checkout slow in EU")
        click(d, '[data-testid="edit-save"]')
        wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="detail-title"]').text == "Checkout slow in EU")
        wait(d, lambda drv: "database" in drv.find_element(By.CSS_SELECTOR, '[data-testid="detail-meta"]').text)
        shown = json.loads(l.cli("--json", "incident", "show", human))
        assert shown["services"] == ["api", "database"], shown["services"]
        assert shown["title"] == "Checkout slow in EU"
        timeline = d.find_element(By.CSS_SELECTOR, '[data-testid="timeline"]').text
        assert "Services: api, database" in timeline and "Detected at" not in timeline, "only what changed is recorded"
        # The service added later has its RTO clock at once.
        wait(d, lambda drv: "Restore database" in drv.find_element(By.CSS_SELECTOR, '[data-testid="clocks"]').text)
        screenshot(d, "incident-edited")

        # Import a review through the open dialog.
        click(d, '[data-view="settings"]')
        click(d, '[data-testid="import-pir"]')
        answer_dialog("Import a review", ROOT / "tests/fixtures/INC-001.yaml")
        try:
            wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="detail-human-id"]').text == "INC-001")
        finally:
            screenshot(d, "review-imported")

        # Export the review through the save dialog, into a folder of our choosing.
        click(d, '[data-tab="review"]')
        target = tmp_path / "chosen" / "INC-001-for-the-board.md"
        target.parent.mkdir()
        click(d, '[data-testid="export-md"]')
        answer_dialog("Save as", target)
        wait(d, lambda drv: target.exists())
        assert "INC-001" in target.read_text()
        # Schedule the review meeting with its attendees (a time chosen by hand: this
        # review's 48 hours are long past, which the window says).
        wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="meeting-note"]').text != "Not scheduled yet.")
        d.execute_script("document.getElementById('meeting-at').value = '2026-12-03T10:00'")
        attendees = d.find_element(By.ID, "meeting-attendees")
        attendees.clear()
        attendees.send_keys("Ana, Bo")
        click(d, '[data-testid="meeting-schedule"]')
        wait(d, lambda drv: "with Ana, Bo" in drv.find_element(By.CSS_SELECTOR, '[data-testid="meeting-note"]').text)
        pir = json.loads(l.cli("--json", "pir", "show", "INC-001"))
        assert pir["meeting_attendees"] == ["Ana", "Bo"] and pir["meeting_at"], pir.get("meeting_at")
        agenda = d.find_element(By.CSS_SELECTOR, '[data-testid="agenda"]').text
        assert "10:00 Timeline review — 5 min" in agenda and "Root cause analysis — 15 min" in agenda, agenda
        screenshot(d, "review-meeting")
        # The folder is remembered and offered first next time.
        click(d, '[data-view="settings"]')
        wait(d, lambda drv: str(target.parent) in drv.find_element(By.CSS_SELECTOR, '[data-testid="settings"]').text)
        screenshot(d, "settings-view")
    finally:
        l.close()
