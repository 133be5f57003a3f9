"""What a laptop install adds to the window, checked on whichever binary the run points
at (CI: the installed /usr/bin/firebreak-app and the extracted AppImage): one window per
data directory, the window's size remembered, and the CLI shipped beside it working on
the same record as the window."""
import json
import subprocess
import time

from selenium.webdriver.common.by import By

from conftest import app_binary, cli_binary
from test_foundation import text_of, wait_for


def start_app(env):
    return subprocess.Popen([app_binary()], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_second_start_on_the_same_data_directory_hands_over_and_exits(launcher, tmp_path):
    d = launcher.open()
    first = d.execute_script("return document.title")

    second = start_app(launcher.env)
    try:
        code = second.wait(timeout=20)
    except subprocess.TimeoutExpired:
        second.kill()
        raise AssertionError("a second window opened on the same data directory")
    assert code == 0, second.stderr.read()
    # The first window is still there and still answers.
    assert d.execute_script("return document.title") == first
    assert d.find_element(By.CSS_SELECTOR, ".sidebar").is_displayed()

    # Control: another data directory is another laptop identity, and may run beside it
    # (so the exit above came from the hand-over, not from a failing start).
    other = start_app(dict(launcher.env, FIREBREAK_DATA_DIR=str(tmp_path / "other")))
    try:
        time.sleep(4)
        assert other.poll() is None, f"a window on another data directory stopped: {other.stderr.read()}"
    finally:
        other.terminate()
        try:
            other.wait(5)
        except subprocess.TimeoutExpired:
            other.kill()


def saved_width(path):
    try:
        return json.loads(path.read_text())["main"]["width"]
    except (OSError, ValueError, KeyError):
        return None  # not written yet, or caught mid-write


def test_window_size_is_remembered_across_restarts(launcher):
    d = launcher.open()
    d.set_window_size(1111, 777)
    wait_for(d, lambda drv: drv.get_window_size()["width"] == 1111)
    # Saved once the window settles, so a killed window (as WebDriver ends it) keeps it.
    state = launcher.data_dir / "window-state.json"
    wait_for(d, lambda drv: saved_width(state) == 1111)
    d.quit()
    launcher.sessions.remove(d)

    d2 = launcher.open()
    size = d2.get_window_size()
    assert (size["width"], size["height"]) == (1111, 777), size


def test_the_packaged_cli_reads_what_the_window_wrote(launcher):
    version = subprocess.run([cli_binary(), "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and version.stdout.startswith("firebreak "), version
    d = launcher.open()
    d.find_element(By.TAG_NAME, "body").send_keys("n")
    title = wait_for(d, lambda drv: drv.find_element(By.ID, "declare-title"))
    title.send_keys("Installed window smoke")
    d.find_element(By.ID, "declare-submit").click()
    wait_for(d, lambda drv: text_of(drv, '[data-testid="detail-title"]') == "Installed window smoke")
    human_id = text_of(d, '[data-testid="detail-human-id"]')
    listed = launcher.cli("incident", "list")
    assert human_id in listed and "Installed window smoke" in listed
    # The About line in the help overlay shows the same version as the CLI.
    d.find_element(By.XPATH, "//button[contains(., 'Shortcuts')]").click()
    number = version.stdout.split()[1]
    wait_for(d, lambda drv: number in text_of(drv, '[data-testid="about"]'))
