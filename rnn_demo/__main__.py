"""Command line for teachers and scripts: `python -m rnn_demo train|inspect|summary|bench ...`.

Bad input prints one line starting with "error:" and exits with code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")



def _progress_printer():
    """A one-line terminal progress bar fed by rnn_demo.core.events.Progress events."""
    from rnn_demo.core.events import ProgressKind

    def show(event) -> None:
        if event.kind not in (ProgressKind.STEP, ProgressKind.EPOCH):
            return
        width, metrics = 30, event.metrics
        filled = int(width * event.fraction_done)
        eta = "ETA    ?" if event.eta is None else f"ETA {event.eta:4.0f}s"
        line = (f"\repoch {event.epoch}/{event.epochs} [{'#' * filled}{'.' * (width - filled)}] "
                f"loss {metrics.get('loss', float('nan')):.3f} acc {metrics.get('accuracy', float('nan')):.3f} "
                f"{event.samples_per_second:,.0f} reviews/s {eta}")
        if event.kind is ProgressKind.EPOCH:
            line += f" | val acc {metrics.get('val_accuracy', float('nan')):.3f}\n"
        sys.stderr.write(line)
        sys.stderr.flush()

    return show


def _check_output_folder(out: str) -> Path:
    """The bundle folder to write, checked before any training: not an existing file, inside a folder that exists."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out {folder} is an existing file; give a folder for the bundle.")
    existing = next((parent for parent in folder.absolute().parents if parent.exists()), None)
    if existing is not None and not existing.is_dir():
        raise ValueError(f"--out {folder}: {existing} is a file, not a folder.")
    if existing is not None and not os.access(existing, os.W_OK):
        raise ValueError(f"--out {folder}: cannot write in {existing}.")
    return folder


def command_train(args) -> int:
    from rnn_demo.core import config, data
    from rnn_demo.model import training

    run = config.preset(args.preset).with_changes(
        epochs=args.epochs, units=args.units, embedding_dim=args.embedding_dim, maxlen=args.maxlen,
        vocab_size=args.vocab_size, batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed,
        subset=args.subset, cell=args.cell, embedding_start=args.embedding_start,
        weight_average_momentum=args.weight_average_momentum)
    _check_output_folder(args.out)
    if args.data is not None:  # a labelled CSV/TSV/txt of one's own, parsed as in the app (rnn_demo.core.own_data)
        from rnn_demo.core import own_data

        path = Path(args.data)
        if not path.is_file():
            raise ValueError(f"data file not found: {path}")
        if (size := path.stat().st_size) > own_data.MAX_FILE_BYTES:  # said before reading a byte of it
            raise ValueError(f"data file {path} is {size / 2**20:,.1f} MB; the limit is "
                             f"{own_data.MAX_FILE_BYTES // 2**20} MB (as in the app). Use fewer or shorter texts.")
        own = own_data.parse(path.read_bytes(), name=path.name, swap=args.swap_labels)
        run, note = own_data.fit_config(run, own)
        for line in (*own.notes, note, f"labels: {own.mapping.negative!r} -> 0, {own.mapping.positive!r} -> 1 "
                     f"({own.mapping.rule}); rows: {own.counts()}"):
            if line:
                print(line, file=sys.stderr)
        splits = own.splits
    else:
        splits = data.split(data.load(args.source, args.folder), seed=run.train.seed, subset=run.train.subset)
    bundle = training.train(run, splits, on_event=_progress_printer())
    if args.data is not None:
        bundle.metrics["labels"] = {"0": own.mapping.negative, "1": own.mapping.positive}
    folder = bundle.save(args.out)
    print(f"test accuracy {bundle.metrics['test_accuracy']:.4f} on {bundle.metrics['test_reviews']:,} reviews, "
          f"{bundle.metrics['train_seconds']:.1f} s of training; bundle written to {folder}")
    return 0


# --file is read whole: 20 MB is some 20,000 IMDb-length reviews, and at most a few hundred MB of memory while read.
MAX_REVIEW_FILE_BYTES = 20 * 2**20


def _read_reviews(args) -> list[str]:
    """The reviews of --text, or the non-empty lines of --file; a bad line is named by its number."""
    from rnn_demo.core.text import MAX_REVIEW_CHARS

    if args.file is None:
        return list(args.text)
    path = Path(args.file)
    if path.is_dir():
        raise ValueError(f"review file {path} is a directory; give a text file with one review per line.")
    if not path.is_file():
        raise ValueError(f"review file not found: {path}")
    if (size := path.stat().st_size) > MAX_REVIEW_FILE_BYTES:  # said before reading a byte of it
        raise ValueError(f"review file {path} is {size / 2**20:,.1f} MB; the limit is "
                         f"{MAX_REVIEW_FILE_BYTES // 2**20} MB. Split it into smaller files.")
    reviews = []
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"review file {path}, line {number}: not UTF-8 text (byte 0x{raw[error.start]:02x} at "
                             f"byte {error.start + 1} of the line).") from error
        if len(line) > MAX_REVIEW_CHARS:
            raise ValueError(f"review file {path}, line {number}: {len(line):,} characters; a review may have at "
                             f"most {MAX_REVIEW_CHARS:,}.")
        if line.strip():
            reviews.append(line)
    if not reviews:
        raise ValueError(f"review file {path} has no non-empty lines.")
    return reviews


def command_inspect(args) -> int:
    from rnn_demo.model import export, inspect, models

    reviews = _read_reviews(args)  # bad input is named before the model is loaded
    bundle = export.load_model(args.model or models.PRETRAINED_MODELS / "fast")
    for review in reviews:
        result = inspect.inspect(bundle, review)
        if args.json:
            print(json.dumps(result.to_json_dict(), ensure_ascii=False))
            continue
        cut = f" ({len(result.review.cut_tokens)} earlier words cut by MaxLen)" if result.review.truncated else ""
        print(f"P(positive) = {result.prediction:.3f} -> {result.label}{cut}")
        for token, unknown, running in zip(result.tokens, result.review.unknown, result.running_prediction):
            print(f"  {token:<20}{' (unknown)' if unknown else '          '} running P(positive) {running:.3f}")
    return 0


def command_summary(args) -> int:
    from rnn_demo.core import config
    from rnn_demo.model import models

    print(models.summary_text(models.build_classifier(config.preset(args.preset))))
    return 0


def command_bench(args) -> int:
    if args.class_size is not None:
        from rnn_demo.tools import class_bench

        class_bench.run_class(args.class_size, slots=args.slots, epochs=args.epochs)
        return 0
    from rnn_demo.tools import bench

    bench.run(budget_seconds=args.budget, presets=args.presets, repeats=args.repeats, subset=args.subset,
              json_path=args.json, epochs=args.epochs)
    return 0


def command_loadtest(args) -> int:
    from rnn_demo.tools import loadtest

    if args.start:
        loadtest.start_times()
    elif args.reruns:
        loadtest.rerun_cost(args.reruns, args.pid_file)
    else:
        loadtest.run(students=args.students, trainings=args.trainings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rnn_demo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a sentiment LSTM on IMDb and save a bundle")
    train.add_argument("--preset", default="fast",
                       help="fast (live in class) or course (the course's model; alias: seed)")
    for flag, kind in (("--epochs", int), ("--units", int), ("--embedding-dim", int), ("--maxlen", int),
                       ("--vocab-size", int), ("--subset", int), ("--batch-size", int), ("--learning-rate", float),
                       ("--seed", int)):
        train.add_argument(flag, type=kind)
    train.add_argument("--cell", help="recurrent layer: lstm (the preset's), gru or simple_rnn")
    train.add_argument("--embedding-start", choices=["word_counts", "random"],
                       help="word vectors start from word counts (the presets') or at random (the course's way)")
    train.add_argument("--weight-average-momentum", type=float,
                       help="hand over the running average of the weights over about 1/(1-m) batches "
                            "(Keras' Adam use_ema); 0 = the last batch's weights, as the course's fit")
    train.add_argument("--source", default="bundled", help="bundled (offline), keras (download) or folder")
    train.add_argument("--folder", help="aclImdb-style folder for --source folder")
    train.add_argument("--data", help="your own labelled texts instead of IMDb: a CSV/TSV with columns text and label, "
                       "or a .txt of lines label<TAB>text (two labels)")
    train.add_argument("--swap-labels", action="store_true", help="with --data: make the other label the positive one")
    train.add_argument("--out", required=True, help="folder to write the bundle to")
    train.set_defaults(run=command_train)

    inspect = commands.add_parser("inspect", help="gates, states and running prediction for reviews")
    inspect.add_argument("--model", help="bundle folder or model zip (default: the pretrained fast bundle "
                         "in assets/models/fast)")
    source = inspect.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", nargs="+", help="one or more reviews")
    source.add_argument("--file", help="a text file with one review per line")
    inspect.add_argument("--json", action="store_true", help="one JSON object per review per line (JSON Lines)")
    inspect.set_defaults(run=command_inspect)

    summary = commands.add_parser("summary", help="the Keras model summary of a preset")
    summary.add_argument("--preset", default="course", help="course (alias: seed) or fast")
    summary.set_defaults(run=command_summary)

    bench = commands.add_parser("bench", help="time-to-accuracy of the presets against the course's reference")
    bench.add_argument("--budget", type=float, default=15.0, help="seconds of training for 'accuracy after budget'")
    bench.add_argument("--presets", nargs="+", default=["fast", "course"])
    bench.add_argument("--repeats", type=int, default=3,
                       help="trainings of each model (seeds 0..R-1), interleaved; the table shows medians and ranges")
    bench.add_argument("--json", metavar="FILE", help="write every run's raw points (seconds, test accuracy, reviews "
                       "seen) and the summary to FILE")
    bench.add_argument("--subset", type=int, help=argparse.SUPPRESS)  # for a quick smoke run: reviews used in all
    bench.add_argument("--class", dest="class_size", type=int, metavar="N",
                       help="instead: N fast trainings submitted at once through the app's job queue")
    bench.add_argument("--slots", type=int, help="with --class: trainings at once (default RNN_DEMO_MAX_TRAININGS)")
    bench.add_argument("--epochs", type=int, help="train the presets (and with --class each student's run) for this "
                       "many epochs instead of their own; the issue's targets are then not checked")
    bench.set_defaults(run=command_bench)

    load = commands.add_parser("loadtest", help="N protocol-level students against one `streamlit run app.py`")
    load.add_argument("--students", type=int, nargs="+", default=[10, 20, 30], help="class sizes to measure")
    load.add_argument("--trainings", type=int, nargs="+", default=[0, 2],
                      help="trainings running on the Train page meanwhile")
    load.add_argument("--reruns", type=int, default=0,
                      help="instead: one student, this many Inspect reruns, server CPU per rerun")
    load.add_argument("--pid-file", help="with --reruns: write the server's pid here (to attach a profiler)")
    load.add_argument("--start", action="store_true",
                      help="instead: seconds from `streamlit run` to Home and to Inspect's first chart (cold), and on a "
                           "server up for a minute to Inspect's first chart and a training's first point (warm)")
    load.set_defaults(run=command_loadtest, uses_tensorflow=False)  # the simulated students need no TensorFlow
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "uses_tensorflow", True):
        from rnn_demo.model import runtime

        runtime.configure_threads()
    try:
        return args.run(args)
    except ValueError as error:  # every bad input the package reports: settings, text, files, data sources
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
