"""Real-window end-to-end fixtures: the built Firebreak app driven through tauri-driver
and WebKitWebDriver. Run under Xvfb (the README's test command does it). Screenshots go
to test-artifacts/ at the repository root."""
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def built(name: str, env_var: str) -> str:
    """A binary of this workspace: `env_var` if set, else the debug build of `name`."""
    path = os.environ.get(env_var)
    if not path:
        target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
        path = os.path.join(target, "debug", name)
    if not os.path.exists(path):
        pytest.fail(f"{name} is not built at {path}; run the README's test command")
    return os.path.abspath(path)


def app_binary() -> str:
    return built("firebreak-app", "FIREBREAK_APP_BIN")


def free_port_pair() -> int:
    """A port p such that p and p+1 are both free (tauri-driver and its native driver)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        with socket.socket() as s2:
            if s2.connect_ex(("127.0.0.1", p + 1)) != 0 and p + 1 < 65535:
                return p
    raise RuntimeError("no free port pair")


def wait_port(port: int, timeout: float = 20.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"tauri-driver did not listen on {port}")


def cli_binary() -> str:
    return built("firebreak", "FIREBREAK_CLI_BIN")


class AppLauncher:
    """Starts tauri-driver once per data directory; each `open()` is a fresh app process."""

    def __init__(self, data_dir: Path, port: int, ask_where_to_save: bool = False):
        self.data_dir = data_dir
        self.export_dir = data_dir.parent / "exports"
        env = dict(os.environ, FIREBREAK_DATA_DIR=str(data_dir), FIREBREAK_EXPORT_DIR=str(self.export_dir), USER="e2e-commander")
        if ask_where_to_save:
            # Exports then open the desktop's save dialog (answered with xdotool).
            del env["FIREBREAK_EXPORT_DIR"]
            env["HOME"] = str(data_dir.parent / "home")
            Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
        self.env = env
        self.port = port
        self.driver_proc = subprocess.Popen(
            ["tauri-driver", "--port", str(port), "--native-port", str(port + 1)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(port)
        self.sessions = []

    def cli(self, *args: str) -> str:
        """Runs the `firebreak` CLI on the same data directory (to prepare a scene)."""
        out = subprocess.run([cli_binary(), *args], env=self.env, capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise AssertionError(f"firebreak {' '.join(args)} failed: {out.stderr}")
        return out.stdout.strip()

    def open(self) -> webdriver.Remote:
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": app_binary()})
        # tauri-driver starts WebKitWebDriver per session; right after start-up it now and
        # then drops the first request. Retry the session (not the test) a few times.
        for attempt in range(4):
            try:
                d = webdriver.Remote(command_executor=f"http://127.0.0.1:{self.port}", options=opts)
                break
            except Exception:  # urllib3 ProtocolError / WebDriverException
                if attempt == 3:
                    raise
                time.sleep(1.0)
        d.implicitly_wait(0)
        self.sessions.append(d)
        WebDriverWait(d, 20).until(lambda drv: drv.execute_script("return document.querySelector('.sidebar') !== null"))
        return d

    def close(self) -> None:
        for s in self.sessions:
            try:
                s.quit()
            except Exception:
                pass
        self.driver_proc.terminate()
        try:
            self.driver_proc.wait(5)
        except subprocess.TimeoutExpired:
            self.driver_proc.kill()


@pytest.fixture
def launcher(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    l = AppLauncher(tmp_path / "data", free_port_pair())
    yield l
    l.close()


def screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def wait(d, cond, timeout=20):
    """Waits until `cond(driver)` is truthy; an element the window redrew meanwhile (stale)
    or has not drawn yet counts as "not yet"."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    return WebDriverWait(d, timeout, ignored_exceptions=[StaleElementReferenceException, NoSuchElementException]).until(
        lambda drv: cond(drv)
    )


def click(d, css, timeout=20):
    """Clicks the element `css` names, again if a change event redrew it between finding
    and clicking; scrolled into view first."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def attempt(drv):
        try:
            el = drv.find_element(By.CSS_SELECTOR, css)
            drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            el.click()
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False

    wait(d, attempt, timeout)
