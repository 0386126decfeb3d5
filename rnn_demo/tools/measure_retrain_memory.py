"""Measure how ten retrains in one session grow the server process's memory (issue 9's bound: < 200 MB).

Not part of the test run (it trains ten models), and wired to no command; run it from the repository's folder:
`TF_CPP_MIN_LOG_LEVEL=3 python -m rnn_demo.tools.measure_retrain_memory` (exit status 1 if the bound is broken).
One AppTest session (the page runs in this process, as in `streamlit run`) trains the fast preset once, then retrains
it ten times with a different "reviews used" value each time (the case that once added a tokenised copy of the
reviews per value), and prints the process's resident memory (RSS) after each run. The first training pays one-off
costs any server pays once (TensorFlow's runtime, reading the reviews), so growth is counted over the ten retrains.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]  # rnn_demo/tools/ -> the repository, which holds app.py


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def train_once(at: AppTest, subset: int) -> float:
    previous = at.session_state["jobs"]["training_job"] if "jobs" in at.session_state else None
    at.number_input(key="subset_fast").set_value(subset)
    at.button(key="train_start").click().run()
    started = time.monotonic()
    while True:
        job = at.session_state["jobs"]["training_job"]
        if job is not previous and job.finished:
            break
        time.sleep(0.5)
        at.run()
    at.run()
    assert not at.exception and job.result is not None, job.error
    return time.monotonic() - started


def main(retrains: int = 10) -> int:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.switch_page("pages/train_lstm.py").run()
    at.selectbox(key="train_preset").set_value("fast").run()
    start = rss_mb()
    print(f"before any training: {start:,.0f} MB")
    for index in range(retrains + 1):
        subset = 2_000 + 500 * index  # a new "reviews used" value every time
        seconds = train_once(at, subset)
        gc.collect()
        now = rss_mb()
        if index == 0:
            before = now
        history = at.session_state["run_history"]
        print(f"{'first run' if index == 0 else f'retrain {index:2d}'}: {subset:,} reviews, {seconds:5.1f} s, RSS "
              f"{now:,.0f} MB ({now - before:+,.0f} MB since the first run), runs kept {len(history.runs)} holding "
              f"{history.bytes / 1e6:.1f} MB")
    print(f"{retrains} retrains grew RSS by {now - before:+,.0f} MB (the first training itself: {before - start:+,.0f} MB)")
    return 0 if now - before < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
