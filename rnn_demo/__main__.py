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
    """A one-line terminal progress bar fed by rnn_demo.jobs.Progress events."""
    from rnn_demo.jobs import ProgressKind

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


def command_train(args) -> int:
    from rnn_demo import config, data, training

    run = config.preset(args.preset).with_changes(
        epochs=args.epochs, units=args.units, embedding_dim=args.embedding_dim, maxlen=args.maxlen,
        vocab_size=args.vocab_size, batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed,
        subset=args.subset)
    splits = data.split(data.load(args.source, args.folder), seed=run.train.seed, subset=run.train.subset)
    bundle = training.train(run, splits, on_event=_progress_printer())
    folder = bundle.save(args.out)
    print(f"test accuracy {bundle.metrics['test_accuracy']:.4f} on {bundle.metrics['test_reviews']:,} reviews, "
          f"{bundle.metrics['train_seconds']:.1f} s of training; bundle written to {folder}")
    return 0


def _read_reviews(args) -> list[str]:
    if args.file is None:
        return list(args.text)
    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"review file not found: {path}")
    reviews = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    if not reviews:
        raise ValueError(f"review file {path} has no non-empty lines.")
    return reviews


def command_inspect(args) -> int:
    from rnn_demo import inspect, models

    bundle = models.load_bundle(args.model or models.PRETRAINED_MODELS / "fast")
    for review in _read_reviews(args):
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
    from rnn_demo import config, models

    print(models.summary_text(models.build_classifier(config.preset(args.preset))))
    return 0


def command_bench(args) -> int:
    from rnn_demo import bench

    bench.run(budget_seconds=args.budget, presets=args.presets)
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
    train.add_argument("--source", default="bundled", help="bundled (offline), keras (download) or folder")
    train.add_argument("--folder", help="aclImdb-style folder for --source folder")
    train.add_argument("--out", required=True, help="folder to write the bundle to")
    train.set_defaults(run=command_train)

    inspect = commands.add_parser("inspect", help="gates, states and running prediction for reviews")
    inspect.add_argument("--model", help="bundle folder (default: the pretrained fast bundle in assets/models/fast)")
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
    bench.set_defaults(run=command_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
