"""What happens to word vectors after training: neighbours, Projector files, a t-SNE picture.

No TensorFlow here. The Projector files follow the Embedding Projector's
standalone format: a ``projector_config.json`` whose ``tensorPath`` points at
raw little-endian float32 rows (``.bytes``, shape given by ``tensorShape``)
and whose ``metadataPath`` points at a TSV with a header row (``word``,
``count``), one row per vector. Paths in the config are relative to it.
"""

import json
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
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = min(limit, len(vectors))
    np.asarray(vectors[:rows], dtype="<f4").tofile(folder / "vectors.bytes")
    lines = ["word\tcount"] + [f"{metadata_cell(w)}\t{c}" for w, c in count[:rows]]
    (folder / "metadata.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = {"embeddings": [{
        "tensorName": name,
        "tensorShape": [rows, int(vectors.shape[1])],
        "tensorPath": "vectors.bytes",
        "metadataPath": "metadata.tsv",
    }]}
    path = folder / "projector_config.json"
    path.write_text(json.dumps(config, indent=1) + "\n")
    return path


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
