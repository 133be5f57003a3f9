"""A short drill at high speed in the real window (injects arrive, the drill is marked,
an evaluation follows), and the review editor with its exports."""
import shutil
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ROOT, click, screenshot, wait


def test_a_short_drill_at_high_speed(launcher):
    scenarios = Path(launcher.data_dir) / "scenarios"
    scenarios.mkdir(parents=True)
    shutil.copy(ROOT / "tests/fixtures/drill-short.yaml", scenarios / "drill-short.yaml")
    d = launcher.open()
    click(d, '[data-view="drills"]')
    wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="start-drill-short"]'))
    assert "quarterly drill is due" in d.find_element(By.CSS_SELECTOR, '[data-testid="drills"]').text
    Select(d.find_element(By.ID, "drill-speed")).select_by_value("10")
    click(d, '[data-testid="start-drill-short"]')
    # The drill is unmistakable. Paused, nothing arrives; the facilitator rotates the
    # commander; resumed, the injects arrive on the drill clock (20 s at 10x = 2 s).
    wait(d, lambda drv: "DRILL" in drv.find_element(By.CSS_SELECTOR, ".drill-banner").text)
    click(d, '[data-testid="drill-pause"]')
    wait(d, lambda drv: any("paused" in t.text for t in drv.find_elements(By.CSS_SELECTOR, '[data-testid="toast"]')))
    entries = lambda drv: len(drv.find_elements(By.CSS_SELECTOR, '[data-testid="timeline-entry"]'))  # noqa: E731
    import time
    # An inject delivered just before the pause took effect may still be on its way to
    # the screen (change events redraw asynchronously): let the timeline settle first.
    paused_at = entries(d)
    for _ in range(10):
        time.sleep(1)
        now = entries(d)
        if now == paused_at:
            break
        paused_at = now
    time.sleep(3)
    assert entries(d) == paused_at, "a paused drill delivers nothing"
    click(d, '[data-testid="drill-rotate"]')
    wait(d, lambda drv: "Command transferred: Ana → Bo" in drv.find_element(By.CSS_SELECTOR, '[data-testid="timeline"]').text)
    click(d, '[data-testid="drill-resume"]')
    wait(d, lambda drv: any("running" in t.text for t in drv.find_elements(By.CSS_SELECTOR, '[data-testid="toast"]')))
    # Injects arrive on the drill clock.
    wait(d, lambda drv: "EU customers cannot pay" in drv.find_element(By.CSS_SELECTOR, '[data-testid="timeline"]').text, 20)
    wait(d, lambda drv: "Do we fail over?" in drv.find_element(By.CSS_SELECTOR, '[data-testid="timeline"]').text, 20)
    timeline = d.find_element(By.CSS_SELECTOR, '[data-testid="timeline"]').text
    assert "incident-commander: Ana" in timeline
    screenshot(d, "drill-running")
    click(d, '[data-tab="evaluation"]')
    try:
        wait(d, lambda drv: "of 6 criteria met" in drv.find_element(By.CSS_SELECTOR, '[data-testid="evaluation"]').text.lower())
    finally:
        screenshot(d, "drill-evaluation")
    assert "acknowledged within 5 seconds" in d.find_element(By.CSS_SELECTOR, '[data-testid="evaluation"]').text.lower()
    screenshot(d, "drill-evaluation")


def test_review_editor_saves_previews_and_exports(launcher):
    export_dir = launcher.export_dir
    launcher.cli("policy", "use", "matrix")
    launcher.cli("pir", "import", str(ROOT / "tests/fixtures/INC-001.yaml"))
    d = launcher.open()
    click(d, '[data-testid="incident-row"]')
    click(d, '[data-tab="review"]')
    area = wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, 'textarea[data-field="workarounds"]'))
    area.send_keys("Restarted the workers to free connections — временно.")
    preview = d.find_element(By.CSS_SELECTOR, '[data-testid="review-preview"]')
    assert "временно" in preview.text, "the preview follows the typing"
    d.find_element(By.CSS_SELECTOR, 'textarea[data-field="summary"]').click()  # leaving the field saves it
    wait(d, lambda drv: "временно" in launcher.cli("--json", "pir", "show", "INC-001"))
    screenshot(d, "review-editor")
    click(d, '[data-testid="export-pdf"]')
    wait(d, lambda drv: (export_dir / "INC-001-review.pdf").exists())
    assert (export_dir / "INC-001-review.pdf").read_bytes().startswith(b"%PDF")
