"""word2vec, optimised: skip-gram with negative sampling, many steps per ``tf.function`` call.

Same corpus, vocabulary and outputs as word2vec_basic, trained the way the
original word2vec (and TensorFlow's word2vec_optimized.py) trains:

- frequent words are subsampled, so "the" no longer dominates the pairs;
- each centre word draws a window of 1..5 words, so near words count more;
- negative sampling: the true context word should score high, 5 words drawn
  from the unigram distribution raised to 3/4 should score low;
- the learning rate falls linearly to almost zero over training;
- batches are made for a whole epoch at once with numpy, and one
  ``tf.function`` call runs hundreds of steps inside TensorFlow, so Python
  is no longer the bottleneck (the original used custom C++ kernels).

Run it alone with::

    PYTHONPATH=py python3 -m nnlab.examples.word2vec_optimized --out /tmp/w2v-opt
"""

import numpy as np
import tensorflow as tf

from . import cli, data, embeddings, text
from .word2vec_basic import VOCABULARY_SIZE, finish

EMBEDDING_SIZE = 128
WINDOW = 5            # largest distance between a centre and a context word
NEGATIVES = 5         # noise words per true pair
BATCH_SIZE = 256
STEPS_PER_CALL = 500  # training steps run inside one tf.function call
LEARNING_RATE = 0.025  # per pair, as in word2vec; the batch loss is a sum
SUBSAMPLE = 1e-4      # a small corpus: drop frequent words harder than word2vec's 1e-3
EPOCHS = 3


class SkipGramNeg(tf.Module):
    """Input vectors (the word vectors we keep) and output vectors (used to score contexts)."""

    def __init__(self, vocabulary_size, embedding_size, noise_table, seed):
        super().__init__()
        # word2vec's initialisation: small random inputs, zero outputs.
        half = 0.5 / embedding_size
        self.embeddings = tf.Variable(tf.random.uniform(
            [vocabulary_size, embedding_size], -half, half, seed=seed), name="embeddings")
        self.context = tf.Variable(tf.zeros([vocabulary_size, embedding_size]), name="context")
        self.noise_table = tf.constant(noise_table, dtype=tf.int64)
        self.rng = tf.random.Generator.from_seed(seed)

    def step(self, centres, contexts, rate):
        """One SGD step on a batch of (centre, context) id pairs; returns the summed loss.

        Each pair is scored against its true context word (label 1) and
        NEGATIVES noise words (label 0) by the dot product of their vectors.
        The loss ``-log sigmoid(x)`` for label 1 and ``-log sigmoid(-x)`` for
        label 0 has the gradient ``sigmoid(x) - label`` with respect to the
        score x, so the updates are written out here instead of asking a
        GradientTape: that is what word2vec does and it runs about twice as fast.
        """
        noise = tf.gather(self.noise_table, self.rng.uniform(
            [tf.shape(centres)[0], NEGATIVES], 0, tf.size(self.noise_table, tf.int64), tf.int64))
        targets = tf.concat([contexts[:, None], tf.cast(noise, tf.int32)], axis=1)  # (B, 1+K)
        u = tf.gather(self.embeddings, centres)                      # (B, D)
        v = tf.gather(self.context, targets)                         # (B, 1+K, D)
        scores = tf.einsum("bd,bkd->bk", u, v)
        labels = tf.concat([tf.ones_like(scores[:, :1]), tf.zeros_like(scores[:, 1:])], axis=1)
        g = rate * (tf.sigmoid(scores) - labels)                     # d loss / d score, times rate
        # Rows of words seen twice in a batch get both updates (scatter adds them).
        self.embeddings.scatter_sub(tf.IndexedSlices(tf.einsum("bk,bkd->bd", g, v), centres))
        self.context.scatter_sub(tf.IndexedSlices(
            tf.reshape(g[:, :, None] * u[:, None, :], [-1, u.shape[1]]), tf.reshape(targets, [-1])))
        return tf.reduce_sum(tf.nn.softplus(-scores[:, 0])) + tf.reduce_sum(tf.nn.softplus(scores[:, 1:]))

    @tf.function
    def train_steps(self, centres, contexts, rates):
        """Run ``len(rates)`` steps inside TensorFlow; batch ``i`` is ``centres[i], contexts[i]``.

        Returns the mean loss per pair over all the steps.
        """
        total = tf.constant(0.0)
        for i in tf.range(tf.shape(rates)[0]):  # autograph makes this a tf.while_loop
            total += self.step(centres[i], contexts[i], rates[i])
        return total / tf.cast(tf.size(centres), tf.float32)


def epoch_batches(dataset, counts, rng):
    """One epoch of shuffled (centre, context) pairs cut into whole batches: (steps, B) arrays."""
    kept = text.subsample(dataset.data, counts, SUBSAMPLE, rng)
    centres, contexts = text.skipgram_pairs(kept, WINDOW, rng)
    order = rng.permutation(len(centres))
    steps = len(order) // BATCH_SIZE
    order = order[:steps * BATCH_SIZE].reshape(steps, BATCH_SIZE)
    return centres[order], contexts[order]


def train(model, dataset, epochs, logdir, seed, max_steps=None):
    """Train for `epochs` epochs (or only `max_steps` steps), logging the loss every call.

    Returns
    -------
    (float, int)
        The mean loss per pair of the last call, and the number of steps.
    """
    rng = np.random.default_rng(seed)
    counts = np.array([c for _, c in dataset.count])
    first = epoch_batches(dataset, counts, rng)
    # The learning rate's schedule needs the number of steps up front; later
    # epochs differ a little in length (their subsample is random), so the
    # rate has a floor rather than reaching zero exactly.
    planned = max_steps or len(first[0]) * epochs
    writer = tf.summary.create_file_writer(str(logdir))
    step, loss = 0, float("nan")
    with writer.as_default():
        for epoch in range(epochs):
            centres, contexts = first if epoch == 0 else epoch_batches(dataset, counts, rng)
            for start in range(0, len(centres), STEPS_PER_CALL):
                n = min(STEPS_PER_CALL, len(centres) - start, planned - step)
                if n <= 0:
                    break
                rates = LEARNING_RATE * np.maximum(1e-4, 1 - (step + np.arange(n)) / planned)
                loss = float(model.train_steps(centres[start:start + n], contexts[start:start + n],
                                               rates.astype(np.float32)))
                step += n
                tf.summary.scalar("loss", loss, step=step)
                tf.summary.scalar("learning_rate", float(rates[-1]), step=step)
                if step % (20 * STEPS_PER_CALL) < n:
                    cli.progress(f"epoch {epoch + 1}, step {step}/{planned}: loss {loss:.4f}")
    writer.close()
    cli.progress(f"step {step}: loss {loss:.4f}")
    return loss, step


def save_for_tensorboard(logdir, vectors, count, limit=10000):
    """As TensorFlow's projector tutorial does: the embedding (its `limit` most frequent
    words) saved in a checkpoint, with a projector config naming the variable and its
    metadata, in the log folder; the Board's EMBEDDINGS tab shows it."""
    from tensorboard.plugins import projector

    rows = min(limit, len(vectors))
    tf.train.Checkpoint(embedding=tf.Variable(vectors[:rows])).save(str(logdir / "embedding.ckpt"))
    embeddings.write_metadata(logdir / "metadata.tsv", ["word", "count"], count[:rows])
    config = projector.ProjectorConfig()
    emb = config.embeddings.add()
    emb.tensor_name = "embedding/.ATTRIBUTES/VARIABLE_VALUE"
    emb.metadata_path = "metadata.tsv"
    projector.visualize_embeddings(str(logdir), config)


def main(argv=None):
    args = cli.parse_args(__doc__.splitlines()[0], argv)
    timer = cli.Timer()
    cli.seed_python(args.seed)
    tf.random.set_seed(args.seed)
    corpus, source = data.corpus_zip(args.data)
    dataset = text.build_dataset(text.read_data(corpus), VOCABULARY_SIZE)
    cli.progress(f"data: {source}; {len(dataset.data):,} words, vocabulary {len(dataset.count):,}")
    table = text.unigram_table([c for _, c in dataset.count], power=0.75)
    model = SkipGramNeg(len(dataset.count), EMBEDDING_SIZE, table, args.seed)
    loss, steps = train(model, dataset, EPOCHS, args.out / "logs", args.seed,
                        max_steps=2000 if args.quick else None)
    save_for_tensorboard(args.out / "logs", model.embeddings.numpy(), dataset.count)
    neighbours = finish(args, "word2vec_optimized", "word2vec (optimised, negative sampling)",
                        model.embeddings.numpy(), dataset, loss, timer,
                        dict(data=source, steps=steps, quick=args.quick), dashboards=("scalars", "embeddings"))
    for word, near in neighbours.items():
        cli.progress(f"{word}: {', '.join(near)}")
    cli.progress(f"done in {timer.seconds()}s")


if __name__ == "__main__":
    main()
