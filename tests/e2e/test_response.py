"""Running the response in the real window: assign a role, send a status update (the
update clock restarts), take a runbook action (logged with the exact command)."""
import datetime as dt

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot


def ago(minutes: float) -> str:
    t = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def wait(d, cond, timeout=10):
    return WebDriverWait(d, timeout, ignored_exceptions=[StaleElementReferenceException]).until(lambda drv: cond(drv))


def click(d, css):
    """Clicks the element, finding it again if a re-render replaced it meanwhile."""
    def attempt(drv):
        try:
            drv.find_element(By.CSS_SELECTOR, css).click()
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    wait(d, attempt)


def tab(d, name):
    click(d, f'[data-tab="{name}"]')
    wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, f'[data-tab="{name}"]').get_attribute("aria-selected") == "true")


def timeline_text(d):
    return d.find_element(By.CSS_SELECTOR, '[data-testid="timeline"]').text


def next_update_due(d):
    return d.find_element(By.CSS_SELECTOR, '[data-testid="clocks"] [data-kind="next_update"]').get_attribute("data-due")


def test_assign_role_send_update_take_runbook_action(launcher):
    launcher.cli("incident", "declare", "--title", "Checkout errors", "--severity", "SEV2", "--service", "api",
                 "--summary", "5xx on /checkout", "--at", ago(20))
    d = launcher.open()
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '[data-testid="clocks"]'))

    # Assign the incident commander.
    tab(d, "roles")
    ic = wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, 'input[data-role="incident-commander"]'))
    ic.send_keys("Ana Ops")
    click(d, '[data-testid="assign-incident-commander"]')
    wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-testid="assign-incident-commander"]').text == "Transfer command")
    tab(d, "timeline")
    wait(d, lambda drv: "incident-commander: Ana Ops" in timeline_text(drv))

    # Send a status update: the next-update clock restarts from now.
    before = next_update_due(d)
    tab(d, "comms")
    # The window redraws the panel when a change event names the incident: read the
    # draft from the element as it is now, not one found before a redraw.
    draft = wait(d, lambda drv: (v := drv.find_element(By.ID, "comms-text").get_attribute("value")).startswith("[Incident: ") and v)
    assert "[SEV2] Checkout errors" in draft and "Team: Ana Ops (incident commander)" in draft
    assert "Next update in 2 hours." in draft  # SEV2: "Regular updates every 2 hours" (reference)
    click(d, "#comms-sent")
    wait(d, lambda drv: next_update_due(drv) != before)
    after = next_update_due(d)
    assert after > before, (before, after)
    screenshot(d, "response-update-sent")

    # Take a runbook action with a parameter: logged with the exact command.
    tab(d, "runbook")
    field = wait(d, lambda drv: drv.find_element(By.CSS_SELECTOR, '[aria-label="Rollback deployment"]'))
    field.send_keys("checkout")
    assert d.find_element(By.CSS_SELECTOR, '[data-testid="command-rollback"]').text == "kubectl rollout undo deployment/checkout"
    screenshot(d, "response-runbook")
    click(d, '[data-testid="take-rollback"]')
    wait(d, lambda drv: any("Logged on the timeline" in t.text for t in drv.find_elements(By.CSS_SELECTOR, '[data-testid="toast"]')))
    tab(d, "timeline")
    wait(d, lambda drv: "Runbook: Rollback — `kubectl rollout undo deployment/checkout`" in timeline_text(drv))
    kinds = [e.get_attribute("data-kind") for e in d.find_elements(By.CSS_SELECTOR, '[data-testid="timeline-entry"]')]
    assert "comms-update" in kinds and "action" in kinds and "role-change" in kinds
    screenshot(d, "response-timeline")
