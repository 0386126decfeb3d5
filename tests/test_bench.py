"""The benchmark's measuring callback, on a tiny task (it reports times, so nothing here asserts a duration)."""

import numpy as np

from rnn_demo import bench
from rnn_demo.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.models import build_classifier, compile_classifier


def _tiny_task(count: int, seed: int):
    """Label = whether word 2 appears in a row of word ids; rows are pre-padded like the app's."""
    rng = np.random.default_rng(seed)
    x = rng.integers(3, 12, size=(count, 10)).astype(np.int32)
    y = rng.integers(0, 2, size=count).astype(np.float32)
    x[y == 1, rng.integers(0, 10, size=int(y.sum()))] = 2
    x[:, :3] = 0
    return x, y


def _model():
    config = RunConfig(text=TextConfig(vocab_size=12, maxlen=10), model=ModelConfig(embedding_dim=4, units=4),
                       train=TrainConfig(seed=1))
    model = build_classifier(config)
    compile_classifier(model, learning_rate=3e-2)
    return model


def test_probe_records_test_accuracy_and_stops_once_target_and_budget_are_known():
    x_train, y_train = _tiny_task(512, seed=0)
    x_test, y_test = _tiny_task(256, seed=1)
    probe = bench.TimeToAccuracy(x_test, y_test, budget_seconds=0.0, limit_seconds=600, probe_seconds=0.0,
                                 batch_size=16)
    history = _model().fit(x_train, y_train, batch_size=16, epochs=30, callbacks=[probe], verbose=0)
    clocks = [seconds for seconds, _, _ in probe.points]
    assert clocks == sorted(clocks) and all(0 <= accuracy <= 1 for _, accuracy, _ in probe.points)
    assert probe.accuracy_at_budget is not None  # a zero budget is measured at the first batch
    assert probe.time_to_target is not None, "the tiny task should reach 83% test accuracy"
    first_hit = next(accuracy for _, accuracy, _ in probe.points if accuracy >= bench.TARGET_ACCURACY)
    assert first_hit >= bench.TARGET_ACCURACY
    assert probe.reviews_to_target % 16 == 0 and 0 < probe.reviews_to_target <= 30 * 512
    assert len(history.history["loss"]) < 30  # it stopped as soon as both numbers were known


def test_probe_takes_the_final_accuracy_when_training_ends_before_the_budget():
    x_train, y_train = _tiny_task(64, seed=0)
    probe = bench.TimeToAccuracy(x_train, y_train, budget_seconds=10_000, limit_seconds=10_000)
    _model().fit(x_train, y_train, batch_size=32, epochs=1, callbacks=[probe], verbose=0)
    assert probe.accuracy_at_budget == probe.points[-1][1]


def test_inspect_latency_runs_on_the_pretrained_bundle():
    assert bench.inspect_latency(bench.PRETRAINED, words=50, repeats=2) > 0


def test_the_class_bench_queues_every_training_through_the_job_path(monkeypatch, capsys):
    from rnn_demo import class_bench
    from rnn_demo.config import PRESETS, RunConfig

    tiny = PRESETS["fast"].with_changes(subset=200, vocab_size=300, maxlen=20, embedding_dim=4, units=4, epochs=1,
                                        batch_size=32)
    monkeypatch.setattr(class_bench, "preset", lambda name: tiny)
    monkeypatch.delenv("RNN_DEMO_DASK_SCHEDULER", raising=False)
    summary = class_bench.run_class(3, slots=1)
    rows = summary["rows"]
    assert [row["status"] for row in rows] == ["done"] * 3 and summary["failed"] == 0
    waits = sorted(row["wait_s"] for row in rows)
    assert waits[0] < 1.0 and waits[2] >= waits[1] >= min(row["train_s"] for row in rows)  # one slot: they queue
    assert all(0 <= row["test_accuracy"] <= 1 for row in rows) and isinstance(tiny, RunConfig)
    assert "3 students, fast preset, 1 slot(s)" in capsys.readouterr().out
