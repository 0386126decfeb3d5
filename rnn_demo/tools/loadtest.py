"""A class of students on one server, measured on the server's side: `python -m rnn_demo loadtest`.

It starts one `streamlit run app.py` and drives N sessions at the protocol level, each a websocket speaking
Streamlit's own protobuf messages (BackMsg / ForwardMsg over /_stcore/stream), so the machine's CPU is left to the
server instead of N headless browsers. Every student opens the Inspect page at once, then every student types a
different review at once; each session must show the prediction of its own review. Optionally some students train
on the Train page meanwhile. Reports p50/p95 of open, type->prediction (until the "Prediction: ... (P(positive) =
x.xxx)" heading arrives) and the full rerun (until the script finished), errors, wrong predictions, the server's peak
RSS and CPU seconds. `--reruns 30` instead measures one student's server CPU per Inspect rerun (typing a new review;
changing nothing). Not part of the test suite: it takes minutes and measures a machine, not a behaviour.

It is a client of the app, not part of it: of Streamlit it imports only the protocol's message classes
(streamlit.proto, generated protobuf code), never a drawing command, and only inside the functions that speak it.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
PREDICTION = re.compile(r"P\(positive\)\s*=\s*([01]\.\d{3})")


def _descendants(pid: int) -> list[int]:
    """Every process started by `pid`, directly or not (the server's training workers), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # a process that ended meanwhile
                pass
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _process_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _process_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class ServerWatch:
    """Samples the server's resident memory and CPU time from /proc (Linux): its own process, and with its workers
    (the training worker processes it started, rnn_demo.serving.worker_pool)."""

    pid: int
    peak_rss_mb: float = 0.0  # the server and its workers together
    peak_server_rss_mb: float = 0.0
    samples: list[float] = field(default_factory=list)

    def rss_mb(self) -> float:
        return _process_rss_mb(self.pid)

    def family_rss_mb(self) -> float:
        return self.rss_mb() + sum(_process_rss_mb(child) for child in _descendants(self.pid))

    def cpu_seconds(self) -> float:
        """CPU time of the server process itself (its page reruns, and trainings run in its threads)."""
        return _process_cpu_seconds(self.pid)

    def workers_cpu_seconds(self) -> float:
        return sum(_process_cpu_seconds(child) for child in _descendants(self.pid))

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.peak_server_rss_mb = max(self.peak_server_rss_mb, self.rss_mb())
            self.peak_rss_mb = max(self.peak_rss_mb, self.family_rss_mb())
            await asyncio.sleep(0.5)

    def wait_until_workers_idle(self, timeout: float = 120.0) -> float:
        """Wait while the workers warm up (import TensorFlow, tokenise the reviews) after the server's first page
        run: until they use under 5% of a core for 2 s. Returns the seconds waited."""
        started = time.monotonic()
        before = self.workers_cpu_seconds()
        while time.monotonic() - started < timeout:
            time.sleep(2.0)
            now = self.workers_cpu_seconds()
            if _descendants(self.pid) and now - before < 0.1:
                break
            before = now
        return time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, env: dict | None = None, poll_seconds: float = 0.3) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return server
        except OSError:
            time.sleep(poll_seconds)
    server.terminate()
    raise RuntimeError("streamlit did not answer its health check within 90 s")


class Student:
    """One browser session, spoken to in Streamlit's protocol."""

    def __init__(self, port: int):
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.origin = f"http://127.0.0.1:{port}"
        self.socket = None
        self.elements: dict[str, object] = {}  # widget label -> its element proto (the latest run's)
        self.texts: list[str] = []  # headings, markdown and alerts of the latest run
        self.errors: list[str] = []
        self.page_hash = ""
        self.query_string = ""  # the address bar's query, as the server last set it (a browser sends it back)
        self.prediction_seconds: float | None = None  # of the latest run: until the prediction heading arrived
        self.first_chart_at: float | None = None  # of the latest run: perf_counter() when its first chart arrived
        self.chart_ids: list[str] = []  # of the latest run: each chart's element id (it ends with "-<key>")

    async def connect(self) -> None:
        import websockets

        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"], origin=self.origin,
                                               max_size=None, open_timeout=60, ping_interval=None)

    async def run(self, page: str, widget_states: list | None = None, timeout: float = 120.0) -> float:
        """Rerun the page with these widget states; returns seconds until the script finished (and keeps the seconds
        until the prediction heading arrived in `prediction_seconds`)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.page_script_hash = self.page_hash
        message.rerun_script.query_string = self.query_string
        for state in widget_states or []:
            message.rerun_script.widget_states.widgets.append(state)
        self.texts, self.prediction_seconds, started = [], None, time.perf_counter()
        self.first_chart_at, self.chart_ids = None, []
        await self.socket.send(message.SerializeToString())
        while True:
            received = ForwardMsg()
            received.ParseFromString(await asyncio.wait_for(self.socket.recv(), timeout))
            kind = received.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = received.new_session.page_script_hash or self.page_hash
            elif kind == "page_info_changed":  # st.query_params changed: the browser's address bar follows
                self.query_string = received.page_info_changed.query_string
            elif kind == "navigation":
                if received.navigation.page_script_hash:
                    self.page_hash = received.navigation.page_script_hash
            elif kind == "delta" and received.delta.WhichOneof("type") == "new_element":
                self._read(received.delta.new_element)
                if self.prediction_seconds is None and self.prediction() is not None:
                    self.prediction_seconds = time.perf_counter() - started
            elif kind == "script_finished" and received.script_finished in (
                    ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                return time.perf_counter() - started  # a run that ends early for a rerun is followed by that rerun
            elif kind == "script_finished" and received.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.texts, self.elements, self.prediction_seconds = [], {}, None
                self.first_chart_at, self.chart_ids = None, []

    def _read(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(element.exception.message)
        elif kind in ("heading", "markdown"):
            self.texts.append(getattr(element, kind).body)
        elif kind == "alert":
            self.texts.append(element.alert.body)
        elif kind == "plotly_chart":
            self.first_chart_at = self.first_chart_at or time.perf_counter()
            self.chart_ids.append(element.plotly_chart.id)
        elif kind in ("text_area", "text_input", "button", "selectbox", "radio"):
            self.elements[getattr(element, kind).label] = getattr(element, kind)

    def prediction(self) -> float | None:
        for text in self.texts:
            if match := PREDICTION.search(text):
                return float(match.group(1))
        return None

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()


def _text_state(widget, value: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState()
    state.id, state.string_value = widget.id, value
    return state


def _trigger(widget):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState()
    state.id, state.trigger_value = widget.id, True
    return state


def reviews_and_predictions(count: int) -> tuple[list[str], list[float]]:
    """`count` different test reviews (first 120 words) and the pretrained fast model's prediction for each."""
    from rnn_demo.core import data
    from rnn_demo.model import inspect, models

    splits = data.split(data.load_bundled(), seed=0)
    reviews = [" ".join(text.split()[:120]) for text in splits.test.texts[:count]]
    bundle = models.load_bundle(models.PRETRAINED_MODELS / "fast")
    return reviews, [inspect.inspect(bundle, review).prediction for review in reviews]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def _class(port: int, watch: ServerWatch, students: int, trainings: int, reviews, expected) -> dict:
    stop_watch = asyncio.Event()
    watcher = asyncio.create_task(watch.watch(stop_watch))
    cpu_before, workers_cpu_before = watch.cpu_seconds(), watch.workers_cpu_seconds()
    trainers = [Student(port) for _ in range(trainings)]
    for trainer in trainers:  # start trainings first, so the class works beside them
        await trainer.connect()
        await trainer.run("train_lstm")
        await trainer.run("train_lstm", [_trigger(trainer.elements["Start training"])])
    class_ = [Student(port) for _ in range(students)]
    await asyncio.gather(*(student.connect() for student in class_))
    open_times = await asyncio.gather(*(student.run("inspect_gates") for student in class_), return_exceptions=True)
    errors = [repr(t) for t in open_times if isinstance(t, BaseException)]
    typed = []
    for index, student in enumerate(class_):
        area = student.elements.get("Review")
        typed.append(None if area is None else student.run("inspect_gates", [_text_state(area, reviews[index])]))
    errors += [f"student {i}: no Review box" for i, t in enumerate(typed) if t is None]
    type_times = await asyncio.gather(*(t for t in typed if t is not None), return_exceptions=True)
    errors += [repr(t) for t in type_times if isinstance(t, BaseException)]
    wrong = 0
    for index, student in enumerate(class_):
        errors += student.errors
        shown = student.prediction()
        if shown is None or abs(shown - expected[index]) > 0.0015:
            wrong += 1
    cpu = watch.cpu_seconds() - cpu_before
    workers_cpu = watch.workers_cpu_seconds() - workers_cpu_before
    stop_watch.set()
    await watcher
    for student in class_ + trainers:
        await student.close()
    opened = [t for t in open_times if isinstance(t, float)]
    typed_ok = [t for t in type_times if isinstance(t, float)]
    predicted = [student.prediction_seconds for student in class_ if student.prediction_seconds is not None]
    return {"students": students, "trainings": trainings,
            "open_p50": percentile(opened, 50), "open_p95": percentile(opened, 95),
            "predicted_p50": percentile(predicted, 50), "predicted_p95": percentile(predicted, 95),
            "type_p50": percentile(typed_ok, 50), "type_p95": percentile(typed_ok, 95),
            "errors": len(errors), "wrong_prediction": wrong, "peak_rss_mb": watch.peak_rss_mb,
            "peak_server_rss_mb": watch.peak_server_rss_mb, "server_cpu_s": cpu, "workers_cpu_s": workers_cpu, "cpu_per_type_rerun_ms": 1000 * cpu / max(1, 2 * students),
            "error_samples": errors[:3]}


def run(students: list[int], trainings: list[int]) -> list[dict]:
    """One server; for each (trainings, N) a fresh class of N protocol-level students. Prints a table."""
    for count in students:
        if count < 1 or count > 200:
            raise ValueError(f"students must be between 1 and 200, got {count}.")
    reviews, expected = reviews_and_predictions(max(students))
    port = _free_port()
    server = start_server(port)
    rows = []
    try:
        watch = ServerWatch(server.pid)
        asyncio.run(_class(port, watch, 1, 0, reviews, expected))  # warm-up: TensorFlow and the model load once
        waited = watch.wait_until_workers_idle()  # the training workers warm up after the first page run
        print(f"(waited {waited:.0f} s for the training workers to warm up; the server has {len(_descendants(server.pid))} child processes)")
        print("| students | trainings | open p50 | open p95 | type->prediction p50 | p95 | full rerun p50 | p95 | "
              "errors | wrong | peak RSS server (+ workers) | server CPU | workers CPU | CPU per rerun |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for training_count in trainings:
            for count in students:
                row = asyncio.run(_class(port, watch, count, training_count, reviews, expected))
                rows.append(row)
                print(f"| {count} | {training_count} | {row['open_p50']:.2f} s | {row['open_p95']:.2f} s | "
                      f"{row['predicted_p50']:.2f} s | {row['predicted_p95']:.2f} s | "
                      f"{row['type_p50']:.2f} s | {row['type_p95']:.2f} s | {row['errors']} | "
                      f"{row['wrong_prediction']} | {row['peak_server_rss_mb']:,.0f} MB ({row['peak_rss_mb']:,.0f} MB) | "
                      f"{row['server_cpu_s']:.1f} s | {row['workers_cpu_s']:.1f} s | "
                      f"{row['cpu_per_type_rerun_ms']:.0f} ms |", flush=True)
                if row["error_samples"]:
                    print("  errors, e.g.:", row["error_samples"], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


async def _reruns(port: int, watch: ServerWatch, reruns: int, reviews: list[str]) -> dict:
    """One student: open Inspect, then `reruns` times type a new review, then `reruns` times rerun with nothing
    changed. The server's CPU seconds per rerun of each kind, from /proc."""
    student = Student(port)
    await student.connect()
    await student.run("inspect_gates")
    area = student.elements["Review"]
    await student.run("inspect_gates", [_text_state(area, reviews[-1])])  # the chosen charts' settings exist now
    await asyncio.to_thread(watch.wait_until_workers_idle)  # the training workers warm up after the first page run
    before = watch.cpu_seconds()
    for review in reviews[:reruns]:  # each differs from the one before
        await student.run("inspect_gates", [_text_state(area, review)])
    cpu = {"new review": (watch.cpu_seconds() - before) / reruns}
    before = watch.cpu_seconds()
    for _ in range(reruns):
        await student.run("inspect_gates", [_text_state(area, reviews[reruns - 1])])
    cpu["nothing changed"] = (watch.cpu_seconds() - before) / reruns
    await student.close()
    return cpu


async def _first_chart(port: int, page: str, since: float) -> tuple[float | None, float]:
    """A new student opens `page`: seconds from `since` (perf_counter) to its first chart and to its script's end."""
    student = Student(port)
    await student.connect()
    await student.run(page)
    await student.close()
    return (None if student.first_chart_at is None else student.first_chart_at - since), time.perf_counter() - since


async def _first_training_point(port: int, poll_seconds: float = 0.25, timeout: float = 120.0) -> float:
    """A student presses Start on the Train page (fast preset): seconds until the page shows the live curves' chart,
    polled as the browser's live panel reruns it."""
    student = Student(port)
    await student.connect()
    await student.run("train_lstm")
    started = time.perf_counter()
    await student.run("train_lstm", [_trigger(student.elements["Start training"])])
    while not any(chart.endswith("-train_curves") for chart in student.chart_ids):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"no training curve within {timeout:.0f} s")
        await asyncio.sleep(poll_seconds)
        await student.run("train_lstm")
    await student.close()
    return time.perf_counter() - started


def start_times(repeats: int = 3, server_up_seconds: float = 60.0) -> dict:
    """Cold: `streamlit run app.py` started, the first student opens Home (a new server each time) or Inspect: seconds
    from the command to the page's first chart (Inspect) or its end (Home). Warm: on a server up for
    `server_up_seconds` (the teacher opened Home when it started: the server's first page run begins its warm-up), a
    new student opens Inspect; then one presses Start and waits for the first training point. Medians of `repeats`,
    printed."""
    def cold(page: str) -> tuple[float | None, float]:
        port = _free_port()
        since = time.perf_counter()
        server = start_server(port, poll_seconds=0.05)
        try:
            return asyncio.run(_first_chart(port, page, since))
        finally:
            server.terminate()
            server.wait(timeout=30)

    found: dict[str, list[float]] = {"Home, cold: page drawn": [], "Inspect, cold: first chart": []}
    for _ in range(repeats):
        found["Home, cold: page drawn"].append(cold("home")[1])
        found["Inspect, cold: first chart"].append(cold("inspect_gates")[0])
    port = _free_port()
    server = start_server(port)
    try:
        asyncio.run(_first_chart(port, "home", time.perf_counter()))  # the teacher opens the app
        time.sleep(server_up_seconds)
        found["Inspect, warm: first chart"] = [asyncio.run(_first_chart(port, "inspect_gates", time.perf_counter()))[0]
                                               for _ in range(repeats)]
        found["first training point after Start, warm"] = [asyncio.run(_first_training_point(port))]
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, seconds in found.items():
        print(f"{name}: median {np.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f}, "
              f"{len(seconds)} runs)", flush=True)
    return found


def rerun_cost(reruns: int = 30, pid_file: str | None = None) -> dict:
    """Server CPU per Inspect rerun of one session (typing a new review; changing nothing), printed in ms. With
    `pid_file`, the server's pid is written there before the reruns start (for a profiler) and the reruns wait 3 s."""
    reviews, _ = reviews_and_predictions(reruns + 1)
    port = _free_port()
    server = start_server(port)
    try:
        watch = ServerWatch(server.pid)
        asyncio.run(_class(port, watch, 1, 0, reviews, _))  # warm-up
        if pid_file:
            Path(pid_file).write_text(str(server.pid))
            time.sleep(3)
        cpu = asyncio.run(_reruns(port, watch, reruns, reviews))
        for kind, seconds in cpu.items():
            print(f"server CPU per Inspect rerun, {kind}: {1000 * seconds:.0f} ms ({reruns} reruns)", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return cpu
