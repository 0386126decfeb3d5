"""`python -m rnn_demo bench --class N`: a whole class presses Start in the same minute.

N fast-preset trainings are submitted at once through the app's own job path (the same `Job` and `TrainingSlots`
queue the pages use, and the same choice of where a training runs, `training_backends.imdb_training_work`: the
server's worker processes by default, the Dask cluster when RNN_DEMO_DASK_SCHEDULER is set, threads of this process
with RNN_DEMO_TRAINING_PROCESSES=0). Reports the wall time until the last one finished, each run's wait, training
time and test accuracy, and the CPU this process and its training workers used meanwhile.
"""

from __future__ import annotations

import os
import resource
import time

import numpy as np

from rnn_demo.core.config import preset
from rnn_demo.serving import cluster, training_backends
from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


MAX_SLOTS = 4 * (os.cpu_count() or 1)


def run_class(students: int, slots: int | None = None, preset_name: str = "fast", epochs: int | None = None) -> dict:
    """Train `students` copies of the preset, as students pressing Start with its defaults would, through one queue
    of `slots` slots; print a report. `epochs`: each trains that many epochs instead of the preset's."""
    if not 1 <= students <= 500:
        raise ValueError(f"--class must be between 1 and 500 students, got {students}.")
    # Each slot is a worker process of ~0.5 GB: more slots than cores only makes every training slower.
    if slots is not None and not 1 <= slots <= MAX_SLOTS:
        raise ValueError(f"--slots must be between 1 and {MAX_SLOTS}, got {slots}.")
    slots = slots or training_backends.training_slot_count()
    config = preset(preset_name) if epochs is None else preset(preset_name).with_changes(epochs=epochs)
    configs = [config] * students
    queue = TrainingSlots(slots)
    started_at: dict[int, float] = {}
    pool = None
    if training_backends.in_worker_processes() and cluster.scheduler_address() is None:
        pool = training_backends.shared_pool(slots)
        pool.workers()  # started and warmed before the clock starts, as the app's are when a class arrives

    def work_for(index: int, config):
        work_there = training_backends.imdb_training_work(config, workers=slots)

        def work(on_event, should_stop):
            started_at[index] = time.monotonic()
            return work_there(on_event, should_stop)

        return work

    works = [work_for(index, config) for index, config in enumerate(configs)]  # in threads: tokenised here, once
    worker_cpu = pool.cpu_seconds if pool is not None else lambda: 0.0
    cpu_before, submitted = _cpu_seconds() + worker_cpu(), time.monotonic()
    jobs = [Job(work, queue, name=f"student {index + 1}").start() for index, work in enumerate(works)]
    for job in jobs:
        job.join()
    wall = time.monotonic() - submitted
    cpu = _cpu_seconds() + worker_cpu() - cpu_before
    rows = []
    for index, job in enumerate(jobs):
        metrics = job.result.metrics if job.status is JobStatus.DONE else {}
        rows.append({"student": index + 1, "status": job.status.value,
                     "wait_s": started_at.get(index, submitted) - submitted,
                     "train_s": metrics.get("train_seconds"), "test_accuracy": metrics.get("test_accuracy"),
                     "error": job.error})
    accuracies = [row["test_accuracy"] for row in rows if row["test_accuracy"] is not None]
    epochs_text = f"{config.train.epochs} epoch{'s' if config.train.epochs != 1 else ''}"
    print(f"\n{students} students, {preset_name} preset ({epochs_text}), {slots} slot(s), "
          f"trained in {training_backends.where()}")
    print("| student | wait | training | test accuracy |\n|---|---|---|---|")
    for row in rows:
        accuracy = "failed: " + str(row["error"]) if row["test_accuracy"] is None else f"{row['test_accuracy']:.1%}"
        train = "-" if row["train_s"] is None else f"{row['train_s']:.1f} s"
        print(f"| {row['student']} | {row['wait_s']:.1f} s | {train} | {accuracy} |")
    summary = {
        "students": students, "slots": slots, "epochs": config.train.epochs, "wall_seconds": wall,
        "cpu_use": cpu / max(wall, 1e-9) / (os.cpu_count() or 1),
        "accuracy_min": min(accuracies) if accuracies else None,
        "accuracy_median": float(np.median(accuracies)) if accuracies else None,
        "failed": sum(row["test_accuracy"] is None for row in rows), "rows": rows,
    }
    print(f"last training finished after {wall:.0f} s; accuracy min {summary['accuracy_min'] or 0:.1%}, median "
          f"{summary['accuracy_median'] or 0:.1%}; {summary['failed']} failed; this process and its workers used "
          f"{summary['cpu_use']:.0%} of the machine's {os.cpu_count()} cores")
    return summary
