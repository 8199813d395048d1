"""Command line: ``python3 -m nnlab.events LOGDIR [--csv OUT.csv]``.

Without --csv, prints each run's tags by kind. With it, writes every scalar of
every run and tag to one CSV file (``-`` for standard output) with the header
``run,tag,step,wall_time,value``. Unreadable records are reported on standard
error; a missing directory or one without event files is an error (exit 2).
"""

import argparse
import sys

from .export import write_scalars_csv
from .logdir import read_logdir


def _parser():
    p = argparse.ArgumentParser(prog="python3 -m nnlab.events",
                                description="Read TensorBoard event files; export scalars as CSV.")
    p.add_argument("logdir", help="log directory (event files are found in it and its subfolders)")
    p.add_argument("--csv", metavar="OUT", help="write every scalar to this CSV file ('-' for stdout)")
    return p


def _summary(reader, out):
    for run in reader.runs:
        kinds = {k: v for k, v in reader.tags(run).items() if v}
        print(f"{run}: " + ("; ".join(f"{k} {len(v)}" for k, v in kinds.items()) or "no data"), file=out)


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        reader = read_logdir(args.logdir)
    except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for warning in reader.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not reader.runs:
        print(f"error: no event files found under {args.logdir}", file=sys.stderr)
        return 2
    if args.csv is None:
        _summary(reader, sys.stdout)
        return 0
    try:
        if args.csv == "-":
            rows = write_scalars_csv(reader, sys.stdout)
        else:
            with open(args.csv, "w", newline="", encoding="utf-8") as out:
                rows = write_scalars_csv(reader, out)
    except OSError as exc:
        print(f"error: cannot write {args.csv}: {exc}", file=sys.stderr)
        return 2
    if args.csv != "-":
        print(f"wrote {rows} scalar rows from {len(reader.runs)} run(s) to {args.csv}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
