"""The benchmark: its measuring callback on a tiny task, its arithmetic on made-up runs, the run order and the JSON
record (it reports times, so nothing here asserts a duration)."""

import json

import numpy as np
import pytest

from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model.models import build_classifier, compile_classifier
from rnn_demo.tools import bench, bench_report
from rnn_demo.tools.bench_report import RunRecord


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
    assert probe.time_to_target is not None, "the tiny task should reach 80% test accuracy"
    record = probe.record("tiny", seed=1)
    first_hit = next(point for point in probe.points if point[1] >= bench.TARGET_ACCURACY)
    assert (record.time_to_target, record.reviews_to_target) == (first_hit[0], first_hit[2])
    assert all(accuracy < bench.TARGET_ACCURACY for _, accuracy, _ in probe.points[:probe.points.index(first_hit)])
    assert record.reviews_to_target % 16 == 0 and 0 < record.reviews_to_target <= 30 * 512
    assert record.reviews_seen == probe.batches * 16 and record.reviews_at_budget == 16  # budget 0: the first batch
    assert 0 < record.first_batch_seconds <= record.train_seconds
    assert len(history.history["loss"]) < 30  # it stopped as soon as both numbers were known


def test_probe_takes_the_final_accuracy_when_training_ends_before_the_budget():
    x_train, y_train = _tiny_task(64, seed=0)
    probe = bench.TimeToAccuracy(x_train, y_train, budget_seconds=10_000, limit_seconds=10_000)
    _model().fit(x_train, y_train, batch_size=32, epochs=1, callbacks=[probe], verbose=0)
    assert probe.accuracy_at_budget == probe.points[-1][1]


def test_inspect_latency_runs_on_the_pretrained_bundle():
    assert bench.inspect_latency(bench.PRETRAINED, words=50, repeats=2) > 0


def test_the_class_bench_queues_every_training_through_the_job_path(monkeypatch, capsys):
    from rnn_demo.core.config import PRESETS, RunConfig
    from rnn_demo.tools import class_bench

    tiny = PRESETS["fast"].with_changes(subset=200, vocab_size=300, maxlen=20, embedding_dim=4, units=4, epochs=1,
                                        batch_size=32)
    monkeypatch.setattr(class_bench, "preset", lambda name: tiny)
    monkeypatch.delenv("RNN_DEMO_DASK_SCHEDULER", raising=False)
    summary = class_bench.run_class(3, slots=1, epochs=2)
    rows = summary["rows"]
    assert [row["status"] for row in rows] == ["done"] * 3 and summary["failed"] == 0
    waits = sorted(row["wait_s"] for row in rows)
    assert waits[0] < 1.0 and waits[2] >= waits[1] >= min(row["train_s"] for row in rows)  # one slot: they queue
    assert all(0 <= row["test_accuracy"] <= 1 for row in rows) and isinstance(tiny, RunConfig)
    assert summary["epochs"] == 2 and all(row["train_s"] > 0 for row in rows)
    assert "3 students, fast preset (2 epochs), 1 slot(s)" in capsys.readouterr().out
    with pytest.raises(ValueError, match="epochs must be between 1 and 100"):
        class_bench.run_class(3, slots=1, epochs=0)


def _record(model, seed, accuracy_at_budget, time_to_80=None, reviews_per_second=1000.0, batch_size=32):
    """A made-up run: measurements every second, at 0.70 until it reaches 0.80 at `time_to_80` (if ever)."""
    points, seconds = [], 0.0
    while seconds < (time_to_80 or 30.0):
        seconds += 1.0
        points.append((seconds, 0.70, int(seconds * reviews_per_second) + batch_size))
    if time_to_80 is not None:
        points[-1] = (time_to_80, 0.80, int(time_to_80 * reviews_per_second) + batch_size)
    train_seconds = points[-1][0] + 1.0
    return RunRecord(model, seed, tuple(points), accuracy_at_budget, 480 + seed, train_seconds,
                     int(train_seconds * reviews_per_second) + batch_size, batch_size, first_batch_seconds=1.0)


def test_spread_is_the_median_and_range_with_never_sorted_last():
    assert bench_report.spread([3.0, 1.0, 2.0]) == bench_report.Spread(2.0, 1.0, 3.0, 3, 3)
    assert bench_report.spread([4.0, None, 2.0]) == bench_report.Spread(4.0, 2.0, 4.0, 2, 3)  # median of 2, 4, never
    assert bench_report.spread([4.0, None, None]).median is None  # most repeats never got there
    assert bench_report.spread([1.0, 3.0]).median == 2.0 and bench_report.spread([1.0, None]).median is None
    assert bench_report.spread([None]) == bench_report.Spread(None, None, None, 0, 1)


def test_a_record_counts_time_and_reviews_to_the_first_measurement_at_the_target():
    record = _record("fast", 0, 0.86, time_to_80=4.5, reviews_per_second=500.0)
    assert (record.time_to_target, record.reviews_to_target) == (4.5, 2282)
    assert record.best_accuracy == 0.80
    assert record.reviews_per_second == pytest.approx((record.reviews_seen - 32) / (record.train_seconds - 1.0))
    assert _record("fast", 0, 0.86).time_to_target is None and _record("fast", 0, 0.86).reviews_to_target is None


def test_the_runs_are_interleaved_seed_by_seed():
    assert bench_report.schedule(["fast", "course"], 3) == [
        ("reference", 0), ("fast", 0), ("course", 0), ("reference", 1), ("fast", 1), ("course", 1),
        ("reference", 2), ("fast", 2), ("course", 2)]


RUNS = [_record("reference", 0, 0.79, time_to_80=20.0), _record("fast", 0, 0.86, time_to_80=5.0),
        _record("reference", 1, 0.71, time_to_80=None), _record("fast", 1, 0.88, time_to_80=4.0),
        _record("reference", 2, 0.80, time_to_80=30.0), _record("fast", 2, 0.87, time_to_80=6.0)]


def test_the_table_shows_medians_ranges_and_ratios_of_the_medians():
    summaries = bench_report.summarize(RUNS)
    assert list(summaries) == ["reference", "fast"]
    assert summaries["reference"].accuracy_at_budget == bench_report.Spread(0.79, 0.71, 0.80, 3, 3)
    assert summaries["reference"].time_to_target == bench_report.Spread(30.0, 20.0, 30.0, 2, 3)
    assert summaries["fast"].time_to_target.median == 5.0 and summaries["fast"].reviews_at_budget.median == 481
    lines = bench_report.report_lines(summaries, 15.0, train_reviews=20_000, test_reviews=2_500)
    assert "20,000 training / 2,500 test reviews" in lines[0] and "target 80%" in lines[0]
    assert lines[1].startswith("median (min-max) of 3 repeats (seeds 0-2, models interleaved)")
    reference_row = next(line for line in lines if line.startswith("reference"))
    fast_row = next(line for line in lines if line.startswith("fast"))
    assert "0.790 (0.710-0.800)" in reference_row and "30.0 s (20.0-30.0)" in reference_row and " 2/3 " in reference_row
    assert "0.870 (0.860-0.880)" in fast_row and "5.0 s (4.0-6.0)" in fast_row and " 3/3 " in fast_row
    assert f"{0.87 / 0.79:.2f}" in fast_row.split()  # accuracy after the budget, x reference, from the medians
    assert f"{5.0 / 30.0:.2f}" in fast_row.split()  # time to 80%, x reference, from the medians
    assert "target fast >= 87% at 15 s (median of 3): 87.0% PASS" in lines
    assert not any(line.startswith("target course") for line in lines)  # not in this run


def test_the_issue_targets_pass_or_fail_on_the_median_and_only_at_15_seconds():
    runs = [_record("course", seed, accuracy) for seed, accuracy in enumerate((0.84, 0.86, 0.849))]
    [check] = bench_report.target_checks(bench_report.summarize(runs), 15.0)
    assert (check.model, check.measured, check.passed) == ("course", 0.849, False)
    assert check.line(15.0) == "target course >= 85% at 15 s (median of 3): 84.9% FAIL"
    [unchecked] = bench_report.target_checks(bench_report.summarize(runs), 2.0)
    assert unchecked.passed is None and "not checked, this run's budget is 2 s" in unchecked.line(2.0)


def test_run_trains_every_model_repeats_times_in_turn_and_writes_every_point(monkeypatch, tmp_path, capsys):
    class FakeData:
        train_reviews, test_reviews = 160, 20

        def __init__(self, subset=None):
            self.subset = subset

    trained = []

    def fake_bench_run(name, seed, bench_data, budget_seconds, limit_seconds, config=None):
        assert config is None  # each preset as it is
        trained.append((name, seed))
        assert bench_data.subset == 200 and budget_seconds == 2.0
        return _record(name, seed, 0.75 + 0.01 * len(trained), time_to_80=3.0 + seed)

    monkeypatch.setattr(bench, "BenchData", FakeData)
    monkeypatch.setattr(bench, "bench_run", fake_bench_run)
    monkeypatch.setattr(bench, "inspect_latency", lambda folder: 0.009)
    path = tmp_path / "points.json"
    result = bench.run(budget_seconds=2.0, presets=("fast", "course"), repeats=2, subset=200, json_path=path)
    assert trained == [("reference", 0), ("fast", 0), ("course", 0), ("reference", 1), ("fast", 1), ("course", 1)]
    assert len(result["runs"]) == 6 and list(result["summaries"]) == ["reference", "fast", "course"]
    out = capsys.readouterr().out
    assert "run 6/6: course seed 1:" in out and "inspect, 200-word review, pretrained fast bundle: 9 ms" in out
    assert "target fast >= 87% at 15 s (median of 2): not checked, this run's budget is 2 s" in out
    record = json.loads(path.read_text())
    assert record["settings"]["repeats"] == 2 and record["settings"]["target_accuracy"] == 0.80
    assert [(run["model"], run["seed"]) for run in record["runs"]] == trained
    assert record["runs"][4]["points"] == [{"seconds": s, "accuracy": a, "reviews_seen": n}
                                           for s, a, n in result["runs"][4].points]
    assert record["summary"]["fast"]["accuracy_at_budget"]["median"] == pytest.approx((0.77 + 0.80) / 2)
    assert record["inspect_seconds"] == 0.009 and record["peak_rss_mb"] > 0


def test_bench_run_trains_the_reference_and_a_preset_with_the_given_seed_on_a_tiny_subset(monkeypatch):
    seeds_used = []
    build_reference, train = bench._reference_model, bench.training.train
    monkeypatch.setattr(bench, "_reference_model",
                        lambda size, seed: seeds_used.append(seed) or build_reference(size, seed))
    monkeypatch.setattr(bench.training, "train",
                        lambda run, *args, **kwargs: seeds_used.append(run.train.seed) or train(run, *args, **kwargs))
    tiny = bench.BenchData(subset=200)
    reference = bench.bench_run("reference", 1, tiny, budget_seconds=0.01, limit_seconds=0.01)  # one batch
    fast = bench.bench_run("fast", 2, tiny, budget_seconds=600, limit_seconds=600)
    assert (reference.model, reference.seed, fast.model, fast.seed) == ("reference", 1, "fast", 2)
    assert seeds_used == [1, 2]
    assert reference.batch_size == 32 and reference.reviews_at_budget == reference.reviews_seen == 32
    epochs = bench.config_module.preset("fast").train.epochs  # 160 training reviews: one (smaller) batch per epoch
    assert fast.reviews_seen == fast.batch_size * epochs
    assert fast.accuracy_at_budget == fast.points[-1][1]  # the budget outlasts the training
    assert all(0 <= accuracy <= 1 for run in (reference, fast) for _, accuracy, _ in run.points)


def test_run_with_epochs_trains_each_preset_for_that_many_epochs_and_checks_no_target(monkeypatch, capsys):
    trained = []

    def fake_bench_run(name, seed, bench_data, budget_seconds, limit_seconds, config=None):
        trained.append((name, seed, config and config.train.epochs, config and config.name))
        return _record(name, seed, 0.88, time_to_80=3.0)

    class FakeData:
        train_reviews, test_reviews = 160, 20

        def __init__(self, subset=None):
            pass

    monkeypatch.setattr(bench, "BenchData", FakeData)
    monkeypatch.setattr(bench, "bench_run", fake_bench_run)
    monkeypatch.setattr(bench, "inspect_latency", lambda folder: 0.001)
    bench.run(budget_seconds=15.0, presets=("fast",), repeats=1, epochs=2)
    assert trained == [("reference", 0, None, None), ("fast, 2 epochs", 0, 2, "fast")]
    out = capsys.readouterr().out
    assert any(line.startswith("fast, 2 epochs ") and "0.880" in line for line in out.splitlines())
    assert "target fast" not in out  # the target is the preset's as it is, not this variant's
    with pytest.raises(ValueError, match="epochs must be between 1 and 100"):
        bench.run(presets=("fast",), repeats=1, epochs=0)
    assert len(trained) == 2  # refused before anything trained


def test_bench_refuses_unbounded_slots_and_a_json_path_that_is_not_a_file(tmp_path):
    """--slots 1000 would start 1,000 worker processes of ~0.5 GB; --json on a FIFO would block the bench."""
    import os

    from rnn_demo.tools import bench, class_bench

    for slots in (0, -1, class_bench.MAX_SLOTS + 1, 1_000):
        with pytest.raises(ValueError, match="--slots must be between 1 and"):
            class_bench.run_class(2, slots=slots)
    fifo = tmp_path / "points.fifo"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        bench._check_json_path(fifo)
    assert bench._check_json_path(tmp_path / "new.json") == tmp_path / "new.json"
