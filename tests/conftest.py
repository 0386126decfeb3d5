"""Shared fixtures. Browser tests start the real app with `streamlit run app.py` and drive Debian's Chromium."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# IMDb trainings of the pages' tests (and of the browser tests' server) run in threads, as they did before worker
# processes: two workers would cost each test session ~10 s of TensorFlow imports and ~1.3 GB. The worker pool has
# its own tests (test_worker_pool.py), which opt in.
os.environ.setdefault("RNN_DEMO_TRAINING_PROCESSES", "0")
# The class board (rnn_demo/serving/board.py) of the tests and of the browser tests' server: a database in a folder of
# its own, never the one beside app.py, and a teacher key the board's browser test types.
_BOARD_FOLDER = tempfile.mkdtemp(prefix="rnn-demo-board-")
atexit.register(shutil.rmtree, _BOARD_FOLDER, ignore_errors=True)
os.environ["RNN_DEMO_BOARD_DB"] = os.path.join(_BOARD_FOLDER, "class_board.sqlite3")
os.environ["RNN_DEMO_TEACHER_KEY"] = "teacher-key-of-the-tests"

from rnn_demo.model import runtime  # noqa: E402

runtime.configure_threads()  # the app's thread pools, so tests train as the app does


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a `streamlit run app.py` server started for this test session."""
    port = _free_port()
    log = open(REPO / ".pytest_cache" / "streamlit.log", "w") if (REPO / ".pytest_cache").is_dir() else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    break
        except OSError:
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail("streamlit did not answer its health check within 90 s")
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    with browser_page(browser, 1400, 1000, 60_000) as new_page:
        yield new_page


@contextlib.contextmanager
def browser_page(browser, width: int = 1280, height: int = 720, timeout_ms: int = 180_000):
    """A page in a fresh browser context (its own Streamlit session) of width x height, a projector's by default;
    the context is closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        new_page = context.new_page()
        new_page.set_default_timeout(timeout_ms)
        yield new_page
    finally:
        context.close()


def wait_for_script(page, timeout_ms: int = 120_000) -> None:
    """Wait until Streamlit has finished running the page script, as Streamlit's own e2e suite does."""
    page.wait_for_selector("[data-test-script-state='running'], [data-test-script-state='notRunning']",
                           state="attached", timeout=timeout_ms)
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-test-script-state]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout_ms,
    )


def plotly_array(value):
    """A Plotly JSON array as numpy: either a plain list or a typed array {"dtype", "bdata" (base64), "shape"}."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(size) for size in str(value["shape"]).split(",")])
        return array
    return np.asarray(value)


def rerun_until(at, condition, timeout: float = 90.0) -> None:
    """Re-run an AppTest page every half second (as the live fragment does in a browser) until `condition(at)`."""
    deadline = time.monotonic() + timeout
    while not condition(at):
        assert not at.exception
        if time.monotonic() > deadline:
            pytest.fail(f"the page did not reach the expected state within {timeout:.0f} s")
        time.sleep(0.5)
        at.run()
    assert not at.exception
