"""Two windows (two data directories) and a real team server: an entry made in one
appears in the other; both write while the server is down; after it returns, both
windows show everything. Laptop A is set up from the CLI, laptop B from the window's
team server dialog; with a Secret Service in the session (scripts/test.sh starts one and
sets FIREBREAK_TEST_KEYRING=1) both tokens must be in the OS keyring, not on disk."""
import json
import os
import subprocess

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import AppLauncher, built, click, free_port_pair, screenshot, wait


def server_bin() -> str:
    return built("firebreak-server", "FIREBREAK_SERVER_BIN")


def serve(db: str, listen: str) -> tuple[subprocess.Popen, str]:
    p = subprocess.Popen([server_bin(), "--db", db, "--listen", listen], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline().strip()
    assert line.startswith("listening on "), line
    return p, line.removeprefix("listening on ")


def admin(db: str, *args: str) -> str:
    return subprocess.run([server_bin(), "admin", *args, "--db", db], capture_output=True, text=True, check=True).stdout.strip()


def open_row(d, text) -> bool:
    """Clicks the incident row containing `text`; False (retry) while it is not there."""
    try:
        row = next((r for r in d.find_elements(By.CSS_SELECTOR, '[data-testid="incident-row"]') if text in r.text), None)
        if row is None:
            return False
        row.click()
        return True
    except StaleElementReferenceException:
        return False


def timeline(d) -> str:
    return d.find_element(By.CSS_SELECTOR, '[data-testid="timeline"]').text


def note(d, text):
    box = wait(d, lambda drv: drv.find_element(By.ID, "entry-text"))
    box.send_keys(text, Keys.ENTER)
    wait(d, lambda drv: text in timeline(drv))


def remote_of(l: AppLauncher) -> dict:
    return json.loads(l.cli("--json", "remote", "show"))


def set_remote_in_window(d, url: str, team: str, token: str) -> None:
    """Opens the team server dialog from the sync badge (if not open) and saves it."""
    if not d.find_elements(By.ID, "remote-url"):
        click(d, '[data-testid="sync-status"]')
    for field, value in (("remote-url", url), ("remote-team", team), ("remote-token", token)):
        box = wait(d, lambda drv: drv.find_element(By.ID, field))
        box.clear()
        box.send_keys(value)
    d.find_element(By.CSS_SELECTOR, ".overlay button.primary").click()


def test_two_windows_converge_through_the_server(launcher, tmp_path):
    db = f"sqlite://{tmp_path / 'server.db'}"
    admin(db, "create-team", "sre")
    admin(db, "add-member", "sre", "e2e-commander")
    server, url = serve(db, "127.0.0.1:0")
    other = AppLauncher(tmp_path / "laptop-b", free_port_pair())
    try:
        launcher.cli("remote", "set", url, "--team", "sre", "--token", admin(db, "issue-token", "sre", "e2e-commander"))
        human = launcher.cli("incident", "declare", "--title", "Shared outage", "--severity", "SEV1")
        a, b = launcher.open(), other.open()
        set_remote_in_window(b, url, "sre", "fbt_wrong_token")
        wait(b, lambda drv: "refused" in drv.find_element(By.CSS_SELECTOR, ".toast").text)
        screenshot(b, "sync-remote-refused")
        assert remote_of(other)["remote"] is None, "a refused token is not saved"
        b.find_element(By.CSS_SELECTOR, ".overlay button.secondary").click()
        token_b = admin(db, "issue-token", "sre", "e2e-commander")
        set_remote_in_window(b, url, "sre", token_b)
        wait(b, lambda drv: not drv.find_elements(By.CSS_SELECTOR, ".overlay"))
        # Reopened, the dialog says whose name signs the changes and where the token is.
        click(b, '[data-testid="sync-status"]')
        try:
            hint = wait(b, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="remote-identity"]'))
        finally:
            screenshot(b, "sync-remote-dialog")
        assert "e2e-commander" in hint.text, hint.text
        assert b.find_element(By.ID, "remote-token").get_attribute("value") == "", "the token is never shown again"
        screenshot(b, "sync-remote-dialog")
        b.find_element(By.CSS_SELECTOR, ".overlay button.secondary").click()
        for l, token in ((launcher, None), (other, token_b)):
            r = remote_of(l)
            assert r["remote"]["member"] == "e2e-commander", r
            if os.environ.get("FIREBREAK_TEST_KEYRING") == "1":
                assert r["token_kept_in"] == "keyring", r
                assert not (l.data_dir / "secrets" / "sync-token").exists()
            if token:
                assert token.encode() not in (l.data_dir / "firebreak.db").read_bytes()
        # B never saw the incident locally: it arrives through the server.
        wait(b, lambda drv: open_row(drv, human) and drv.find_element(By.CSS_SELECTOR, '[data-testid="detail-human-id"]').text == human)
        wait(b, lambda drv: "Online" in drv.find_element(By.CSS_SELECTOR, '[data-testid="sync-status"]').text)
        wait(a, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="detail-human-id"]').text == human)
        note(a, "A while online")
        wait(b, lambda drv: "A while online" in timeline(drv))

        server.kill()
        server.wait()
        note(a, "A while the server is down")
        note(b, "B while the server is down")
        wait(b, lambda drv: "Offline" in drv.find_element(By.CSS_SELECTOR, '[data-testid="sync-status"]').text)
        screenshot(b, "sync-offline")

        server, _ = serve(db, url.removeprefix("http://"))
        for d in (a, b):
            wait(d, lambda drv: "A while the server is down" in timeline(drv) and "B while the server is down" in timeline(drv), 30)
        screenshot(a, "sync-converged")
        for d in (a, b):
            t = timeline(d)
            assert t.count("A while the server is down") == 1 and t.count("B while the server is down") == 1
    finally:
        other.close()
        server.kill()
