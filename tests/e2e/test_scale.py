"""A real team's size in the real window: an incident with 10,000 timeline entries opens,
its newest and oldest entries are found by scrolling and by search; action items across
incidents are edited and removed in the Actions view."""
import re
import time

from selenium.webdriver.common.by import By

from conftest import click, screenshot, wait

ENTRIES = 10_000


def entry_texts(d):
    return d.execute_script(
        "return [...document.querySelectorAll('[data-testid=\"timeline-entry\"] .text')].map(e => e.textContent)"
    )


def long_review(path):
    lines = [
        "incident_id: INC-LONG",
        "severity: SEV2",
        "date: 2026-03-02",
        "duration: 23h",
        "impact: a long day",
        "timeline:",
    ]
    for i in range(ENTRIES):
        # Seven entries a minute over the day; each text is unique ("Step 12." is not in "Step 123.").
        lines.append(f'  - time: "{i // 7 // 60:02d}:{i // 7 % 60:02d}"')
        lines.append(f'    event: "Step {i}. Checked shard {i % 97}"')
    lines += [
        "root_cause: a slow leak",
        "contributing_factors: [no lag alert]",
        "lessons_learned: [watch the shards]",
        "action_items:",
        '  - {id: AI-001, action: "Alert on shard lag", owner: "@platform", due: "2026-03-09"}',
        '  - {id: AI-002, action: "Runbook for shard failover", owner: "@sre", due: "2026-03-16"}',
    ]
    path.write_text("\n".join(lines) + "\n")


def test_ten_thousand_entries_and_action_items(launcher, tmp_path):
    review = tmp_path / "long.yaml"
    long_review(review)
    started = time.monotonic()
    launcher.cli("pir", "import", str(review))
    print(f"import of {ENTRIES} timeline rows through the CLI: {time.monotonic() - started:.2f} s")
    d = launcher.open()
    row = wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="incident-row"]'))
    row.click()
    # The imported steps, plus what the import itself recorded (declared, resolved).
    tab = lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-tab="timeline"]').text  # noqa: E731
    opened = time.monotonic()
    wait(d, lambda drv: re.fullmatch(r"Timeline \((\d+)\)", tab(drv)) and int(re.findall(r"\d+", tab(drv))[0]) >= ENTRIES)
    print(f"click to a {tab(d)} tab: {time.monotonic() - opened:.2f} s (debug build, WebDriver polling)")
    # The newest entry is first; only the visible rows and a margin are in the document.
    try:
        wait(d, lambda drv: (entry_texts(drv) or [""])[0].startswith(f"Step {ENTRIES - 1}."))
    finally:
        screenshot(d, "timeline-10000")
        print("first entries shown:", entry_texts(d)[:3])
    assert len(entry_texts(d)) < 200, "the timeline renders what is visible, not every entry"
    screenshot(d, "timeline-10000")
    # Scrolling to the end brings the oldest entry.
    d.execute_script("const m = document.getElementById('main'); m.scrollTop = m.scrollHeight;")
    wait(d, lambda drv: any(t.startswith("Step 0.") for t in entry_texts(drv)))
    d.execute_script("document.getElementById('main').scrollTop = 0;")
    wait(d, lambda drv: any(t.startswith(f"Step {ENTRIES - 1}.") for t in entry_texts(drv)))
    # Search finds the oldest (and only it).
    search = d.find_element(By.ID, "timeline-search")
    search.send_keys("Step 0.\n")
    wait(d, lambda drv: entry_texts(drv) == ["Step 0. Checked shard 0"])

    # The Actions view lists the imported items; edit one's owner, remove the other.
    d.find_element(By.CSS_SELECTOR, '[data-view="actions"]').click()
    try:
        wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, '[data-testid="action-row"]')) == 2)
    finally:
        screenshot(d, "actions-view")
    click(d, '[data-testid="action-row"][data-item="AI-001"] [data-testid="action-edit"]')
    owner = d.find_element(By.CSS_SELECTOR, '[data-testid="action-row"][data-item="AI-001"] [data-field="owner"]')
    owner.clear()
    owner.send_keys("@storage")
    d.find_element(By.CSS_SELECTOR, '[data-testid="action-save"]').click()
    wait(d, lambda drv: "@storage" in drv.find_element(By.CSS_SELECTOR, '[data-testid="action-row"][data-item="AI-001"]').text)
    click(d, '[data-testid="action-row"][data-item="AI-002"] [data-testid="action-remove"]')
    wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, '[data-testid="action-row"]')) == 1)
    screenshot(d, "actions-view")
    listed = launcher.cli("actions")
    assert "@storage" in listed and "AI-002" not in listed, listed
