"""Every scalar of every run and tag as one CSV table: ``run,tag,step,wall_time,value``."""

import csv
import io

HEADER = ("run", "tag", "step", "wall_time", "value")


def write_scalars_csv(reader, out):
    """Write all scalars of a `LogdirReader` as CSV.

    Runs and tags are sorted; each series keeps its points in file order.
    Floats are written with Python's shortest round-trip repr ("nan", "inf"
    for non-finite values), so reading the file back gives the same numbers.

    Parameters
    ----------
    reader : LogdirReader
    out : text file opened with ``newline=""``

    Returns
    -------
    int
        Rows written (without the header).
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    rows = 0
    for run in reader.runs:
        for tag in reader.tags(run)["scalars"]:
            s = reader.scalars(run, tag)
            writer.writerows((run, tag, step, wall, value) for step, wall, value in
                             zip(s.steps.tolist(), s.wall_times.tolist(), s.values.tolist()))
            rows += len(s)
    return rows


def scalars_csv(reader):
    """The CSV of `write_scalars_csv` as one str (e.g. for a download in the browser)."""
    out = io.StringIO(newline="")
    write_scalars_csv(reader, out)
    return out.getvalue()
