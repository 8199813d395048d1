"""word2vec, basic: the tutorial's skip-gram model with NCE loss, step by step.

The pipeline of TensorFlow's word2vec_basic.py:

1. ``read_data``: the corpus from a zip (text8 if you have it, else the
   State of the Union addresses, see ``data.py``);
2. ``build_dataset``: ids for the 50,000 most frequent words, UNK for the rest;
3. ``generate_batch(batch_size, num_skips, skip_window)``: (centre, context)
   pairs from a window sliding over the corpus;
4. training: each centre word's vector should predict its context words;
   noise-contrastive estimation (NCE) compares the true context word with 64
   words drawn at random instead of scoring all 50,000;
5. every so often, the nearest neighbours of a few frequent words;
6. the result: vectors for the Embedding Projector and a t-SNE picture.

The loss is logged as a scalar (``logs/``). Run it alone with::

    PYTHONPATH=py python3 -m nnlab.examples.word2vec_basic --out /tmp/w2v
"""

import numpy as np
import tensorflow as tf

from . import cli, data, embeddings, text

VOCABULARY_SIZE = 50000
BATCH_SIZE = 128
EMBEDDING_SIZE = 128  # dimensions of each word vector
SKIP_WINDOW = 1       # how many words to consider left and right
NUM_SKIPS = 2         # how many times to reuse a centre word for labels
NUM_SAMPLED = 64      # noise words per batch for NCE
LEARNING_RATE = 1.0
VALID_SIZE, VALID_WINDOW = 8, 100  # watch 8 random words among the 100 most frequent
# Words whose neighbours go into the manifest (those found in the vocabulary).
PROBE_WORDS = ("war", "tax", "british", "congress", "peace", "year", "states")


class SkipGramNCE(tf.Module):
    """Word vectors (``embeddings``) and the NCE classifier's weights and biases."""

    def __init__(self, vocabulary_size, embedding_size, seed):
        super().__init__()
        self.embeddings = tf.Variable(tf.random.uniform(
            [vocabulary_size, embedding_size], -1.0, 1.0, seed=seed), name="embeddings")
        self.nce_weights = tf.Variable(tf.random.truncated_normal(
            [vocabulary_size, embedding_size], stddev=1.0 / np.sqrt(embedding_size),
            seed=seed + 1), name="nce_weights")
        self.nce_biases = tf.Variable(tf.zeros([vocabulary_size]), name="nce_biases")

    def loss(self, inputs, labels):
        """Mean NCE loss of a batch of centre ids and (batch, 1) context ids."""
        embed = tf.nn.embedding_lookup(self.embeddings, inputs)
        return tf.reduce_mean(tf.nn.nce_loss(
            weights=self.nce_weights, biases=self.nce_biases, labels=labels, inputs=embed,
            num_sampled=NUM_SAMPLED, num_classes=self.embeddings.shape[0]))

    @tf.function
    def train_step(self, inputs, labels):
        """One step of plain gradient descent; returns the batch's loss."""
        with tf.GradientTape() as tape:
            loss = self.loss(inputs, labels)
        variables = [self.embeddings, self.nce_weights, self.nce_biases]
        for var, grad in zip(variables, tape.gradient(loss, variables)):
            # Only the rows of this batch's words have a gradient (IndexedSlices):
            # update just those rows instead of the whole 50,000-row matrix.
            var.scatter_sub(tf.IndexedSlices(LEARNING_RATE * grad.values, grad.indices))
        return loss

    def unit_vectors(self):
        """The word vectors scaled to length 1 (cosine similarity = dot product)."""
        return embeddings.normalize(self.embeddings.numpy())


def print_neighbours(model, valid_ids, reversed_dictionary):
    """The tutorial's "Nearest to X: a, b, c" lines for the watched words."""
    unit = model.unit_vectors()
    for i in valid_ids:
        near = ", ".join(reversed_dictionary[int(j)] for j in embeddings.nearest(unit, i, 8))
        cli.progress(f"  nearest to {reversed_dictionary[int(i)]}: {near}")


def train(model, dataset, steps, logdir, seed):
    """Train for `steps` batches, logging the average loss every 100 steps.

    Returns
    -------
    float
        The average loss of the last 2,000 steps (or fewer in a short run).
    """
    batcher = text.SkipGramBatcher(dataset.data, seed=seed)
    valid_ids = np.random.default_rng(seed).choice(VALID_WINDOW, VALID_SIZE, replace=False)
    writer = tf.summary.create_file_writer(str(logdir))
    window, recent = [], []
    with writer.as_default():
        for step in range(1, steps + 1):
            inputs, labels = batcher.generate_batch(BATCH_SIZE, NUM_SKIPS, SKIP_WINDOW)
            window.append(float(model.train_step(inputs, labels)))
            if step % 100 == 0 or step == steps:
                tf.summary.scalar("loss", np.mean(window), step=step)
                recent = (recent + window)[-2000:]
                window = []
            if step % (steps // 5) == 0 or step == steps:
                cli.progress(f"step {step}: average loss {np.mean(recent):.3f}")
                print_neighbours(model, valid_ids, dataset.reversed_dictionary)
    writer.close()
    return float(np.mean(recent))


def finish(args, name, title, model_vectors, dataset, loss, timer, extra, dashboards=("scalars",)):
    """Export the Projector files and the t-SNE picture, then write example.json.

    Shared with word2vec_optimized, which ends the same way.
    """
    unit = embeddings.normalize(model_vectors)
    config = embeddings.export_projector(args.out / "projector", name, unit, dataset.count)
    top = 100 if args.quick else 500
    labels = [w for w, _ in dataset.count[:top]]
    embeddings.plot_tsne(args.out / "tsne.png", unit[:top], labels, seed=args.seed,
                         max_iter=250 if args.quick else 1000)
    neighbours = embeddings.neighbours_of(unit, PROBE_WORDS, dataset.dictionary,
                                          dataset.reversed_dictionary)
    cli.write_result(
        args.out, name=name, kind="word-embedding", title=title, logdir="logs", runs=["."],
        dashboards=list(dashboards), projector=config.relative_to(args.out).as_posix(),
        image="tsne.png", seconds=timer.seconds(), **extra,
        summary={"final_loss": round(loss, 4), "vocabulary": len(dataset.count),
                 "corpus_words": int(len(dataset.data)), "projector_rows": min(10000, len(unit)),
                 "neighbours": neighbours})
    return neighbours


def main(argv=None):
    args = cli.parse_args(__doc__.splitlines()[0], argv)
    timer = cli.Timer()
    cli.seed_python(args.seed)
    tf.random.set_seed(args.seed)
    corpus, source = data.corpus_zip(args.data)
    words = text.read_data(corpus)
    dataset = text.build_dataset(words, VOCABULARY_SIZE)
    del words  # only the ids are needed from here on
    cli.progress(f"data: {source}; {len(dataset.data):,} words, vocabulary "
                 f"{len(dataset.count):,} (UNK replaces {dataset.count[0][1]:,})")
    model = SkipGramNCE(len(dataset.count), EMBEDDING_SIZE, args.seed)
    steps = 2000 if args.quick else 100000
    loss = train(model, dataset, steps, args.out / "logs", args.seed)
    neighbours = finish(args, "word2vec_basic", "word2vec (basic, NCE loss)",
                        model.embeddings.numpy(), dataset, loss, timer,
                        dict(data=source, steps=steps, quick=args.quick))
    for word, near in neighbours.items():
        cli.progress(f"{word}: {', '.join(near)}")
    cli.progress(f"done in {timer.seconds()}s")


if __name__ == "__main__":
    main()
