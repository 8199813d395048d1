"""The Playground's 2-D datasets: generators, the train/test split, uploaded points.

Every generator has one signature, ``fn(n, noise, rng) -> (X, y)``:

- ``n``: number of points; ``noise``: 0..0.8 (the URL's percent / 100);
  ``rng``: a ``numpy.random.Generator`` (all randomness comes from it).
- ``X``: (n, 2) float64 coordinates, inside or near [-6, 6]^2.
- ``y``: (n,) float64 labels +1/-1 (classification), float64 values (regression)
  or int64 class indices 0..K-1 (multiclass).

The binary and regression sets follow TensorFlow Playground's ``dataset.ts``
formulas; the draws are vectorised, so the points differ from the anchor's for
the same seed while the distributions are the same.

This module imports only numpy: `nnlab.playground.export` copies its source into
standalone scripts.
"""

import numpy as np

COORD_LIMIT = 6.0      # the Playground's plane is [-6, 6]^2; uploads must fit in it
MAX_POINTS = 5000      # an upload beyond this would make every frame slow in the browser
MAX_CLASSES = 8        # more distinct integer labels than this read as regression values
PROBLEMS = ("classification", "regression", "multiclass")


class Dataset:
    """One registered generator and what kind of problem it poses.

    Parameters
    ----------
    fn : callable
        ``fn(n, noise, rng) -> (X (n, 2), y (n,))``.
    problem : str
        One of `PROBLEMS`.
    n_points : int
        How many points the Playground draws (anchor: 500 / 1200).
    n_classes : int
        2 for classification, K for multiclass, 0 for regression.
    """

    def __init__(self, fn, problem, n_points, n_classes):
        self.fn, self.problem, self.n_points, self.n_classes = fn, problem, n_points, n_classes

    def __repr__(self):
        return f"Dataset({self.fn.__name__}, {self.problem!r}, n_points={self.n_points})"


def _class_sizes(n, k):
    """Split n points over k classes as evenly as possible: (k,) int."""
    return np.array([n // k + (c < n % k) for c in range(k)])


def _polar(r, angle):
    """(m,) radii and angles -> (m, 2) points, x = r sin t, y = r cos t as in the anchor."""
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def circle(n, noise, rng):
    """Half the points within radius 2.5, half in the ring 3.5..5; label +1 inside.

    The label is read at the point moved by U(-5, 5) * noise per axis, so noise
    flips labels near the border while the drawn points stay where they are.
    """
    n_in = n // 2
    r = np.concatenate([rng.uniform(0.0, 2.5, n_in), rng.uniform(3.5, 5.0, n - n_in)])
    X = _polar(r, rng.uniform(0.0, 2 * np.pi, n))
    moved = X + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    y = np.where(np.hypot(moved[:, 0], moved[:, 1]) < 2.5, 1.0, -1.0)
    return X, y


def xor(n, noise, rng):
    """Uniform points in [-5, 5]^2 pushed 0.3 off both axes; label = sign(x * y)."""
    X = rng.uniform(-5.0, 5.0, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # padding keeps a clean gap along the axes
    moved = X + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    y = np.where(moved[:, 0] * moved[:, 1] >= 0, 1.0, -1.0)
    return X, y


def _gauss_sd(noise):
    """Anchor: variance maps noise linearly from [0, 0.5] to [0.5, 4] (not clamped)."""
    return np.sqrt(0.5 + noise * (3.5 / 0.5))


def gauss(n, noise, rng):
    """Two gaussian clouds: +1 around (2, 2), -1 around (-2, -2)."""
    n_pos = n // 2
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_pos, n - n_pos], axis=0)
    X = centres + _gauss_sd(noise) * rng.standard_normal((n, 2))
    y = np.repeat([1.0, -1.0], [n_pos, n - n_pos])
    return X, y


def _spiral_arms(sizes, turns, noise, rng):
    """Arms k = 0..K-1 of a K-arm spiral, arm k turned by 2 pi k / K: (sum(sizes), 2)."""
    k = len(sizes)
    arms = []
    for arm, m in enumerate(sizes):
        frac = np.arange(m) / m                      # 0 .. 1 along the arm
        t = turns * 2 * np.pi * frac + 2 * np.pi * arm / k
        arms.append(_polar(5.0 * frac, t))
    X = np.concatenate(arms)
    return X + rng.uniform(-1.0, 1.0, X.shape) * noise


def spiral(n, noise, rng):
    """Two interleaved arms of 1.75 turns, radius 0..5; +1 for the first arm."""
    sizes = _class_sizes(n, 2)
    X = _spiral_arms(sizes, 1.75, noise, rng)
    return X, np.repeat([1.0, -1.0], sizes)


def reg_plane(n, noise, rng):
    """Uniform points in [-6, 6]^2; label = (x + y) / 10 at the noise-moved point."""
    X = rng.uniform(-6.0, 6.0, (n, 2))
    moved = X + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    return X, moved.sum(axis=1) / 10.0


# Six bumps (cx, cy, sign) of the anchor's regressGaussian, in its order.
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=float)


def reg_gauss(n, noise, rng):
    """Uniform points; label = the bump value sign * clamp(1 - d / 2, 0, 1) largest in size."""
    X = rng.uniform(-6.0, 6.0, (n, 2))
    moved = X + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    d = np.hypot(moved[:, :1] - _BUMPS[:, 0], moved[:, 1:] - _BUMPS[:, 1])  # (n, 6)
    values = _BUMPS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    # argmax keeps the first of equal sizes, like the anchor's strict ">" scan.
    pick = np.argmax(np.abs(values), axis=1)
    return X, values[np.arange(n), pick]


def blobs(n, noise, rng):
    """Three gaussian clouds at radius 3, 120 degrees apart; classes 0, 1, 2."""
    sizes = _class_sizes(n, 3)
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3   # top, lower left, lower right
    centres = np.repeat(3.0 * np.column_stack([np.cos(angles), np.sin(angles)]), sizes, axis=0)
    X = centres + _gauss_sd(noise) * rng.standard_normal((n, 2))
    return X, np.repeat(np.arange(3, dtype=np.int64), sizes)  # int64 labels in both runtimes


def spiral3(n, noise, rng):
    """Three interleaved arms of 1.25 turns (arm gaps like the 2-arm spiral); classes 0..2."""
    sizes = _class_sizes(n, 3)
    X = _spiral_arms(sizes, 1.25, noise, rng)
    return X, np.repeat(np.arange(3, dtype=np.int64), sizes)  # int64 labels in both runtimes


DATASETS = {
    "circle": Dataset(circle, "classification", 500, 2),
    "xor": Dataset(xor, "classification", 500, 2),
    "gauss": Dataset(gauss, "classification", 500, 2),
    "spiral": Dataset(spiral, "classification", 500, 2),
    "reg-plane": Dataset(reg_plane, "regression", 1200, 0),
    "reg-gauss": Dataset(reg_gauss, "regression", 1200, 0),
    "blobs": Dataset(blobs, "multiclass", 600, 3),
    "spiral3": Dataset(spiral3, "multiclass", 600, 3),
}


def split(X, y, perc_train, rng):
    """Seeded shuffle, then the first floor(n * perc_train / 100) points train.

    Parameters
    ----------
    X : (n, 2) array
    y : (n,) array
    perc_train : float
        Percent of points for training (the Playground offers 10..90).
    rng : numpy.random.Generator

    Returns
    -------
    Xtr (m, 2), ytr (m,), Xte (n - m, 2), yte (n - m,)
    """
    n = len(X)
    order = rng.permutation(n)
    m = int(np.floor(n * perc_train / 100.0 + 1e-9))  # 1e-9: 0.29 * 100 must not floor to 28
    X, y = X[order], y[order]
    return X[:m], y[:m], X[m:], y[m:]


def _is_integral(values):
    return bool(np.all(values == np.round(values)))


def infer_problem(raw):
    """Guess the problem from raw labels (n,): 2 values -> classification,
    3..MAX_CLASSES integers -> multiclass, anything else -> regression."""
    values = np.unique(raw)
    if len(values) <= 2:
        return "classification"  # one value fails later with a clear message
    if len(values) <= MAX_CLASSES and _is_integral(values):
        return "multiclass"
    return "regression"


def encode_labels(raw, problem):
    """Map raw labels (n,) to the engine's encoding for `problem`.

    Returns
    -------
    y : (n,) array
        classification: float64 -1/+1 (the smaller raw value is -1, so 0/1 and
        -1/1 both work); multiclass: int64 0..K-1 in sorted raw order;
        regression: float64 raw values.
    n_classes : int
        2, K or 0.
    """
    raw = np.asarray(raw, dtype=np.float64)
    values = np.unique(raw)
    if problem == "classification":
        if len(values) != 2:
            raise ValueError(f"classification needs exactly two distinct labels, got {len(values)}: "
                             f"{values[:5].tolist()}")
        return np.where(raw == values[1], 1.0, -1.0), 2
    if problem == "multiclass":
        if not 2 <= len(values) <= MAX_CLASSES or not _is_integral(values):
            raise ValueError(f"multiclass needs 2 to {MAX_CLASSES} distinct integer labels, "
                             f"got {len(values)}: {values[:5].tolist()}")
        return np.searchsorted(values, raw).astype(np.int64), len(values)
    if problem == "regression":
        return raw.copy(), 0
    raise ValueError(f"problem must be one of {PROBLEMS}, got {problem!r}")


def check_point(x, y, label):
    """Validate one raw point; return it as floats or raise ValueError saying what is wrong."""
    out = []
    for name, value in (("x", x), ("y", y), ("label", label)):
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} {value!r} is not a number") from None
        if not np.isfinite(v):
            raise ValueError(f"{name} is {value!r}, not a finite number")
        if name != "label" and abs(v) > COORD_LIMIT:
            raise ValueError(f"{name} = {v:g} is outside [-{COORD_LIMIT:g}, {COORD_LIMIT:g}]")
        out.append(v)
    return out


def _fields(line):
    """A row's fields: comma, semicolon or tab separated, else whitespace separated."""
    for sep in (",", ";", "\t"):
        if sep in line:
            return [f.strip() for f in line.split(sep)]
    return line.split()


def _read_rows(text):
    """Parse lines into good rows [(x, y, label)] and errors [(line_number, message)]."""
    rows, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = _fields(line)
        try:
            if len(fields) != 3:
                raise ValueError(f"expected 3 values (x, y, label), got {len(fields)}")
            point = check_point(*fields)
        except ValueError as exc:
            if not rows and not errors and not any(_is_number(f) for f in fields):
                continue  # the first line may be a header such as "x,y,label"
            errors.append((number, str(exc)))
            continue
        if len(rows) == MAX_POINTS:
            errors.append((number, f"more than {MAX_POINTS} points: this row and the rest are ignored"))
            break
        rows.append(point)
    return rows, errors


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_points_csv(text):
    """Read user points from text lines ``x,y,label`` (an optional header line).

    Bad rows are skipped and reported, good rows are kept.

    Returns
    -------
    X : (n, 2) float64
    y : (n,) labels encoded for `problem` (see `encode_labels`)
    errors : list of (int, str)
        1-based line number and what is wrong with that line.
    problem : str
        Inferred by `infer_problem`.

    Raises
    ------
    ValueError
        When no row is usable, or the labels fit no problem.
    """
    rows, errors = _read_rows(text)
    if not rows:
        detail = "; ".join(f"line {n}: {m}" for n, m in errors[:3])
        raise ValueError("no valid points: expected lines of x,y,label" + (f" ({detail})" if detail else ""))
    data = np.array(rows, dtype=np.float64)
    problem = infer_problem(data[:, 2])
    y, _ = encode_labels(data[:, 2], problem)
    return data[:, :2].copy(), y, errors, problem
