"""What happens to learned vectors after training: neighbours, Projector files, a t-SNE picture.

No TensorFlow here. The Projector files follow the Embedding Projector's
standalone format: a ``projector_config.json`` whose ``tensorPath`` points at
raw little-endian float32 rows (``.bytes``, shape given by ``tensorShape``)
and whose ``metadataPath`` points at a TSV with a header row (``word``,
``count``), one row per vector. Paths in the config are relative to it.
MNIST adds a sprite sheet: one picture per point, which the Projector can draw
in place of the dots.
"""

import json
import struct
import zlib
from pathlib import Path

import numpy as np


def normalize(vectors):
    """Scale every row to unit length, so a dot product is the cosine similarity."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def nearest(unit_vectors, word_id, k=8):
    """Ids of the `k` rows most cosine-similar to row `word_id` (itself excluded)."""
    sims = unit_vectors @ unit_vectors[word_id]
    sims[word_id] = -np.inf
    top = np.argpartition(-sims, k)[:k]
    return top[np.argsort(-sims[top])]


def neighbours_of(unit_vectors, words, dictionary, reversed_dictionary, k=8):
    """``{word: [k nearest words]}`` for each of `words` that is in the vocabulary."""
    return {w: [reversed_dictionary[int(i)] for i in nearest(unit_vectors, dictionary[w], k)]
            for w in words if w in dictionary}


def metadata_cell(text):
    """A TSV cell: tabs and newlines would break the row, so they become spaces."""
    return str(text).replace("\t", " ").replace("\n", " ")


def export_projector(folder, name, vectors, count, limit=10000):
    """Write the first `limit` rows (the most frequent words) for the Embedding Projector.

    Parameters
    ----------
    folder : Path
        Where ``vectors.bytes``, ``metadata.tsv`` and ``projector_config.json`` go.
    name : str
        The tensor's name shown by the Projector.
    vectors : ndarray (V, D)
        One row per word id.
    count : list of [word, count]
        The vocabulary by id, as ``build_dataset`` returns it.

    Returns
    -------
    Path
        The config file.
    """
    rows = min(limit, len(vectors))
    return write_projector(folder, name, vectors[:rows], ["word", "count"], count[:rows])


def write_projector(folder, name, vectors, header, rows, sprite=None):
    """Write one embedding in the standalone Projector's format.

    Parameters
    ----------
    folder : Path
        Receives ``vectors.bytes``, ``metadata.tsv``, ``projector_config.json``
        and, with `sprite`, ``sprite.png``.
    name : str
        The tensor's name shown by the Projector.
    vectors : (n, d) array
    header : list of str
        Metadata column names.
    rows : sequence of sequences
        One metadata row per vector.
    sprite : (n, h, w) uint8 array, optional
        One small greyscale picture per vector, tiled into the sprite sheet.

    Returns
    -------
    Path
        The config file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    np.asarray(vectors, dtype="<f4").tofile(folder / "vectors.bytes")
    write_metadata(folder / "metadata.tsv", header, rows)
    embedding = {"tensorName": name, "tensorShape": [len(vectors), int(np.shape(vectors)[1])],
                 "tensorPath": "vectors.bytes", "metadataPath": "metadata.tsv"}
    if sprite is not None:
        (folder / "sprite.png").write_bytes(png_bytes(sprite_sheet(sprite)))
        embedding["sprite"] = {"imagePath": "sprite.png", "singleImageDim": [int(sprite.shape[2]), int(sprite.shape[1])]}
    path = folder / "projector_config.json"
    path.write_text(json.dumps({"embeddings": [embedding]}, indent=1) + "\n")
    return path


def write_metadata(path, header, rows):
    """A metadata TSV: the header row, then one row per vector."""
    lines = ["\t".join(header)] + ["\t".join(metadata_cell(c) for c in row) for row in rows]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def sprite_sheet(images):
    """Tile (n, h, w) uint8 pictures into one sheet, as the Projector reads sprites.

    Picture i sits at row ``i // cols``, column ``i % cols`` with
    ``cols = ceil(sqrt(n))``; unused cells stay white.

    Returns
    -------
    (rows * h, cols * w) uint8 array
    """
    images = np.asarray(images, dtype=np.uint8)
    n, h, w = images.shape
    cols = int(np.ceil(np.sqrt(n)))
    rows = -(-n // cols)
    sheet = np.full((rows * cols, h, w), 255, dtype=np.uint8)
    sheet[:n] = images
    return sheet.reshape(rows, cols, h, w).transpose(0, 2, 1, 3).reshape(rows * h, cols * w)


def png_bytes(gray):
    """An 8-bit greyscale PNG of a (h, w) uint8 array (zlib only: no imaging library needed)."""
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    h, w = gray.shape
    raw = np.concatenate([np.zeros((h, 1), dtype=np.uint8), gray], axis=1).tobytes()  # filter 0 per row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def plot_tsne(png, vectors, labels, seed=0, max_iter=1000):
    """The tutorial's picture: t-SNE of `vectors` in 2-D, each point labelled, saved as PNG.

    Needs scikit-learn and matplotlib (both in the examples' venv).
    """
    import matplotlib
    matplotlib.use("Agg")  # draw to a file; no display needed
    import matplotlib.pyplot as plt
    from sklearn.manifold import TSNE

    tsne = TSNE(perplexity=30, n_components=2, init="pca", max_iter=max_iter, random_state=seed)
    xy = tsne.fit_transform(np.asarray(vectors, dtype=np.float64))
    fig = plt.figure(figsize=(16, 16), dpi=80)
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter(xy[:, 0], xy[:, 1], s=6)
    for (x, y), label in zip(xy, labels):
        ax.annotate(label, xy=(x, y), xytext=(5, 2), textcoords="offset points",
                    ha="right", va="bottom", fontsize=8)
    ax.set_title(f"t-SNE of the {len(labels)} most frequent words")
    fig.savefig(png, bbox_inches="tight")
    plt.close(fig)
    return png
