"""The class board's store: finished runs students chose to share, in one SQLite file (Python's own sqlite3), so a
server restarted mid-lecture keeps the board and several server processes pointed at one file share it.

Safe for many threads and processes: a new connection for every call (sqlite3 connections are not shared between
threads), the file in WAL mode (readers never wait for a writer), a busy timeout (a writer waits its turn instead of
failing), and every post counted and written in one `BEGIN IMMEDIATE` transaction (two posts cannot both take the
last place). Bounded: at most MAX_RUNS runs and MAX_RECORD_BYTES per run, so the board holds at most
MAX_RUNS x MAX_RECORD_BYTES = 2 MB; a post beyond either bound is refused with a message (the board never drops a
student's run by itself: only the teacher removes runs).

Only the teacher clears the board or removes a run, proving it with the teacher key: RNN_DEMO_TEACHER_KEY, or else
a random key made the first time the server needs it, printed on the server's console and kept in a file beside the
database, readable by its owner only (0600)."""

from __future__ import annotations

import hmac
import json
import os
import secrets
import sqlite3
import sys
import time
from pathlib import Path

from rnn_demo.core.board import BoardRun

MAX_RUNS = 500  # a lecture hall of 300 posting a run or two; the board page draws 500 points and curves in ~0.1 s
MAX_RECORD_BYTES = 4_000  # a run's JSON record: 100 curve points (~2.3 kB) + a 40-character nickname + settings
BUSY_TIMEOUT_SECONDS = 10.0  # how long a call waits for another process's write before it fails
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "class_board.sqlite3"  # next to app.py
KEY_FILE_SUFFIX = ".teacher-key"  # class_board.sqlite3.teacher-key: the generated teacher key

_SCHEMA = """CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so (count, max id) names every state of the board
    posted_at REAL NOT NULL,               -- seconds since the epoch
    record TEXT NOT NULL                   -- the run as JSON (rnn_demo.core.board.BoardRun.to_record)
)"""


class BoardRefused(ValueError):
    """A post the board does not take (full, too large) or a teacher action without the teacher's key."""


def default_path() -> Path:
    """The database file: RNN_DEMO_BOARD_DB if set, else class_board.sqlite3 next to app.py."""
    return Path(os.environ.get("RNN_DEMO_BOARD_DB") or DEFAULT_PATH)


class Board:
    """One class board in the SQLite file `path` (created on first use). Cheap to make: it holds only the path."""

    def __init__(self, path: Path | str | None = None, max_runs: int = MAX_RUNS,
                 max_record_bytes: int = MAX_RECORD_BYTES):
        self.path = Path(path) if path is not None else default_path()
        self.max_runs, self.max_record_bytes = max_runs, max_record_bytes

    def _connect(self) -> sqlite3.Connection:
        if not self.path.parent.is_dir():
            raise ValueError(f"the class board's folder {self.path.parent} does not exist: create it or point "
                             "RNN_DEMO_BOARD_DB at a file in an existing folder.")
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # WAL mode is kept in the file: its first user sets it. That switch needs the file alone for a moment, and
        # SQLite answers "database is locked" at once, without waiting, while another process is in it: retried.
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode = WAL")
                connection.execute(_SCHEMA)
                return connection
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    connection.close()
                    raise
                time.sleep(0.02)

    def post(self, run: BoardRun) -> int:
        """Put `run` on the board and return its number there; BoardRefused if the board is full or the run's
        record is larger than the bound."""
        record = json.dumps(run.to_record(), ensure_ascii=False, allow_nan=False)
        size = len(record.encode("utf-8"))
        if size > self.max_record_bytes:
            raise BoardRefused(f"this run's record is {size:,} bytes, more than the {self.max_record_bytes:,} the "
                               "board takes per run (a curve of at most 100 epochs and a 40-character nickname fit).")
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")  # the count and the insert together, across processes
            (count,) = connection.execute("SELECT count(*) FROM runs").fetchone()
            if count >= self.max_runs:
                connection.execute("ROLLBACK")
                raise BoardRefused(f"the class board is full ({self.max_runs} runs). Ask the teacher to remove runs "
                                   "or clear the board.")
            cursor = connection.execute("INSERT INTO runs (posted_at, record) VALUES (?, ?)", (time.time(), record))
            connection.execute("COMMIT")
            return int(cursor.lastrowid)
        finally:
            connection.close()

    def runs(self) -> list[BoardRun]:
        """Every run on the board, oldest first. A row this code cannot read (another program wrote it) is skipped."""
        connection = self._connect()
        try:
            rows = connection.execute("SELECT id, posted_at, record FROM runs ORDER BY id").fetchall()
        finally:
            connection.close()
        runs = []
        for run_id, posted_at, record in rows:
            try:
                runs.append(BoardRun.from_record(json.loads(record), run_id, posted_at))
            except ValueError:  # json.JSONDecodeError is one too
                continue
        return runs

    def revision(self) -> tuple[int, int]:
        """(runs on the board, highest run number ever given): it changes with every post, removal and clear, because
        numbers are never reused. Lets a page skip rereading an unchanged board."""
        connection = self._connect()
        try:
            (count,) = connection.execute("SELECT count(*) FROM runs").fetchone()
            row = connection.execute("SELECT seq FROM sqlite_sequence WHERE name = 'runs'").fetchone()
        finally:
            connection.close()
        return int(count), int(row[0]) if row else 0

    def is_teacher(self, key: str) -> bool:
        """Whether `key` (spaces around it ignored, as a paste brings them) is the teacher key, compared in constant
        time; an empty key never is."""
        typed, teacher = key.strip().encode("utf-8", "surrogatepass"), self.teacher_key().encode("utf-8")
        return bool(typed and teacher) and hmac.compare_digest(typed, teacher)

    def _check_teacher(self, key: str, action: str) -> None:
        if not self.is_teacher(key):
            raise BoardRefused(f"only the teacher can {action}: that is not the teacher key.")

    def clear(self, key: str) -> int:
        """Remove every run (teacher only; BoardRefused without the key). Returns how many were removed."""
        self._check_teacher(key, "clear the board")
        connection = self._connect()
        try:
            return connection.execute("DELETE FROM runs").rowcount
        finally:
            connection.close()

    def remove(self, run_id: int, key: str) -> bool:
        """Remove run number `run_id` (teacher only). False if the board has no such run (already removed)."""
        self._check_teacher(key, "remove a run")
        connection = self._connect()
        try:
            return connection.execute("DELETE FROM runs WHERE id = ?", (int(run_id),)).rowcount > 0
        finally:
            connection.close()

    @property
    def key_file(self) -> Path:
        return self.path.with_name(self.path.name + KEY_FILE_SUFFIX)

    def teacher_key(self) -> str:
        """RNN_DEMO_TEACHER_KEY if set; else the key in `key_file`, made (random, printed on the server's console,
        written with permissions 0600) the first time any server process needs it."""
        if key := os.environ.get("RNN_DEMO_TEACHER_KEY", "").strip():
            return key
        try:
            return self.key_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        key = secrets.token_urlsafe(12)
        # Written whole to a private file first, then linked under its name: os.link fails if another process got
        # there first, and then its key is the one (a reader never sees a half-written file).
        draft = self.key_file.with_name(f"{self.key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(key + "\n")
        try:
            os.link(draft, self.key_file)
        except FileExistsError:
            return self.key_file.read_text(encoding="utf-8").strip()
        finally:
            draft.unlink()
        print(f"rnn-demo class board: the teacher key is {key} (kept in {self.key_file}; set RNN_DEMO_TEACHER_KEY "
              "to choose your own)", file=sys.stderr, flush=True)
        return key
