"""Declare an incident, add a note, move it to investigating, quit, start again, and
find it all: in the real window."""
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import screenshot


def text_of(d, css):
    # The window redraws what a change event names, so an element found a moment ago may
    # have been replaced by its newer copy: read the current one.
    for _ in range(20):
        try:
            return d.find_element(By.CSS_SELECTOR, css).text
        except StaleElementReferenceException:
            continue
    return d.find_element(By.CSS_SELECTOR, css).text


def wait_for(d, cond, timeout=10):
    return WebDriverWait(d, timeout, ignored_exceptions=[StaleElementReferenceException]).until(lambda drv: cond(drv))


def test_declare_note_investigate_restart(launcher):
    d = launcher.open()
    body = d.find_element(By.TAG_NAME, "body")
    body.send_keys("n")  # the keyboard shortcut opens the declare form
    title = wait_for(d, lambda drv: drv.find_element(By.ID, "declare-title"))
    title.send_keys("Payments API timing out <script>x</script>")
    Select(d.find_element(By.ID, "declare-severity")).select_by_value("SEV1")
    d.find_element(By.ID, "declare-services").send_keys("api, payments")
    d.find_element(By.ID, "declare-submit").click()
    wait_for(d, lambda drv: "Payments API" in text_of(drv, '[data-testid="detail-title"]'))
    assert text_of(d, '[data-testid="detail-title"]') == "Payments API timing out <script>x</script>"
    human_id = text_of(d, '[data-testid="detail-human-id"]')
    assert human_id.startswith("INC-")

    entry = d.find_element(By.ID, "entry-text")
    entry.send_keys("Paged the database on-call", Keys.ENTER)
    wait_for(d, lambda drv: "Paged the database on-call" in text_of(drv, '[data-testid="timeline"]'))

    d.find_element(By.CSS_SELECTOR, '[data-testid="status-investigating"]').click()
    wait_for(d, lambda drv: text_of(drv, '[data-testid="detail-status"]').lower() == "investigating")
    screenshot(d, "foundation-before-restart")
    d.quit()
    launcher.sessions.remove(d)

    d2 = launcher.open()
    wait_for(d2, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, '[data-testid="incident-row"]')) == 1)
    row = d2.find_element(By.CSS_SELECTOR, '[data-testid="incident-row"]')
    assert human_id in row.text and "SEV1" in row.text
    row.click()
    wait_for(d2, lambda drv: text_of(drv, '[data-testid="detail-human-id"]') == human_id)
    assert text_of(d2, '[data-testid="detail-status"]').lower() == "investigating"
    timeline = text_of(d2, '[data-testid="timeline"]')
    assert "Paged the database on-call" in timeline
    assert "Status: detected → investigating" in timeline
    kinds = [e.get_attribute("data-kind") for e in d2.find_elements(By.CSS_SELECTOR, '[data-testid="timeline-entry"]')]
    assert sorted(kinds) == ["note", "status-change", "status-change"]
    assert "Declared SEV1: Payments API timing out" in timeline
    screenshot(d2, "foundation-after-restart")


def test_bad_input_shows_the_error(launcher):
    d = launcher.open()
    d.find_element(By.ID, "declare-open").click()
    title = wait_for(d, lambda drv: drv.find_element(By.ID, "declare-title"))
    title.send_keys("   ")
    # The browser's own `required` check passes on spaces; the core refuses.
    d.find_element(By.ID, "declare-submit").click()
    toast = wait_for(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="error"]:not([hidden])'))
    assert "title must not be empty" in toast.text
    screenshot(d, "foundation-error")
