"""MNIST with summaries: the TensorBoard tutorial's network and logs, in TF1 graph mode.

A 784-500-10 network with dropout learns to read handwritten digits, and logs
everything TensorBoard can show about it:

- SCALARS: accuracy, cross entropy, the dropout keep probability, and the
  mean, stddev, max and min of each layer's weights and biases;
- IMAGES: the first input digits of each batch;
- DISTRIBUTIONS / HISTOGRAMS: weights, biases, pre-activations, activations;
- GRAPHS: the dataflow graph, plus each node's compute time and memory at
  steps 99, 199, ... (``run metadata``, tagged ``step099`` ...);
- PROJECTOR: the trained hidden layer's 500 activations for every test digit,
  with its label and the prediction as metadata and the digits as a sprite.

Two runs are written: ``train`` (every training step) and ``test`` (accuracy
on the held-out digits every 10 steps). The tutorial was written for
TensorFlow 1, and per-node run metadata still needs its Session API, so the
whole script uses ``tf.compat.v1``. Run it alone with::

    PYTHONPATH=py python3 -m nnlab.examples.mnist_with_summaries --out /tmp/mnist
    tensorboard --logdir /tmp/mnist/logs
"""

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import summary_pb2

from . import cli, data, embeddings

v1 = tf.compat.v1
LEARNING_RATE = 0.001
KEEP_PROB = 0.9      # dropout keeps 90% of the hidden units while training
BATCH_SIZE = 100
HISTOGRAM_BINS = 30


def histogram(name, values, bins=HISTOGRAM_BINS):
    """A histogram summary built from ``tf.histogram_fixed_width`` (fast on CPU).

    It writes the record TensorBoard's own histogram ops write in TF2: a
    tensor of shape [bins, 3] holding (left edge, right edge, count) per
    bucket, tagged with the ``histograms`` plugin. Equal-width buckets between
    the tensor's min and max keep the files small (30 x 3 numbers per step).
    """
    values = tf.cast(tf.reshape(values, [-1]), tf.float64)
    lo, hi = tf.reduce_min(values), tf.reduce_max(values)
    # A constant tensor (all biases start at 0.1) has no width: widen it by 1.
    flat = tf.equal(lo, hi)
    lo, hi = tf.where(flat, lo - 0.5, lo), tf.where(flat, hi + 0.5, hi)
    counts = tf.histogram_fixed_width(values, tf.stack([lo, hi]), nbins=bins)
    edges = lo + (hi - lo) * tf.linspace(tf.constant(0.0, tf.float64), 1.0, bins + 1)
    buckets = tf.stack([edges[:-1], edges[1:], tf.cast(counts, tf.float64)], axis=1)
    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = "histograms"
    return v1.summary.tensor_summary(name, buckets, summary_metadata=metadata)


def scalar(name, value):
    """A scalar summary tagged exactly ``<name scope>/<name>``.

    ``v1.summary.scalar`` takes its tag from a new name scope, and TF makes
    names unique case-insensitively, so next to an op named ``Mean`` or a
    scope named ``accuracy`` its tags would end in ``_1``.
    """
    scope = v1.get_default_graph().get_name_scope()
    op = tf.raw_ops.ScalarSummary(tags=f"{scope}/{name}" if scope else name, values=value)
    v1.add_to_collection(v1.GraphKeys.SUMMARIES, op)
    return op


def variable_summaries(var):
    """Log a variable's mean, stddev, max, min and histogram, grouped under ``summaries``."""
    with tf.name_scope("summaries"):
        mean = tf.reduce_mean(var)
        scalar("mean", mean)
        scalar("stddev", tf.sqrt(tf.reduce_mean(tf.square(var - mean))))
        scalar("max", tf.reduce_max(var))
        scalar("min", tf.reduce_min(var))
        histogram("histogram", var)


def nn_layer(inputs, input_dim, output_dim, layer_name, act=tf.nn.relu):
    """One fully connected layer ``act(inputs @ weights + biases)``, with its summaries.

    Name scopes make the graph readable: each layer is one box in GRAPHS, and
    the tags read ``layer1/weights/summaries/mean`` and so on.
    """
    with tf.name_scope(layer_name):
        with tf.name_scope("weights"):
            # Small random weights break the symmetry between units.
            weights = tf.Variable(v1.truncated_normal([input_dim, output_dim], stddev=0.1))
            variable_summaries(weights)
        with tf.name_scope("biases"):
            # A slightly positive bias keeps ReLUs alive at the start.
            biases = tf.Variable(tf.constant(0.1, shape=[output_dim]))
            variable_summaries(biases)
        with tf.name_scope("Wx_plus_b"):
            preactivate = tf.matmul(inputs, weights) + biases
            histogram("pre_activations", preactivate)
        activations = act(preactivate, name="activation")
        histogram("activations", activations)
        return activations


def build_model():
    """The graph: placeholders, the two layers, loss, training op, accuracy and all summaries."""
    with tf.name_scope("input"):
        x = v1.placeholder(tf.float32, [None, 784], name="x-input")
        y_ = v1.placeholder(tf.int64, [None], name="y-input")
    with tf.name_scope("input_reshape"):
        v1.summary.image("input", tf.reshape(x, [-1, 28, 28, 1]), max_outputs=10)
    hidden1 = nn_layer(x, 784, 500, "layer1")
    with tf.name_scope("dropout"):
        keep_prob = v1.placeholder(tf.float32, name="keep_prob")
        scalar("dropout_keep_probability", keep_prob)
        dropped = tf.nn.dropout(hidden1, rate=1 - keep_prob)
    # No softmax here: the loss applies it, in a numerically stable way.
    y = nn_layer(dropped, 500, 10, "layer2", act=tf.identity)
    with tf.name_scope("cross_entropy"):
        with tf.name_scope("total"):
            cross_entropy = v1.losses.sparse_softmax_cross_entropy(labels=y_, logits=y)
    scalar("cross_entropy", cross_entropy)
    with tf.name_scope("train"):
        train_step = v1.train.AdamOptimizer(LEARNING_RATE).minimize(cross_entropy)
    with tf.name_scope("accuracy"):
        with tf.name_scope("correct_prediction"):
            correct = tf.equal(tf.argmax(y, 1), y_)
        with tf.name_scope("accuracy"):
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    scalar("accuracy", accuracy)
    return dict(x=x, y_=y_, keep_prob=keep_prob, train_step=train_step, hidden=hidden1, logits=y,
                cross_entropy=cross_entropy, accuracy=accuracy,
                merged=v1.summary.merge_all())


def train_step(sess, model, feed, writer, i):
    """One training step; every 100th (99, 199, ...) also records each node's time and memory."""
    fetches = [model["merged"], model["train_step"]]
    if i % 100 != 99:
        summary, _ = sess.run(fetches, feed_dict=feed)
        writer.add_summary(summary, i)
        return None
    options = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
    metadata = v1.RunMetadata()
    summary, _ = sess.run(fetches, feed_dict=feed, options=options, run_metadata=metadata)
    tag = "step%03d" % i
    writer.add_run_metadata(metadata, tag)  # GRAPHS shows it as a "session run" to pick
    writer.add_summary(summary, i)
    return tag


def test_step(sess, model, feed, writer, i):
    """Summaries and accuracy on the held-out digits, with dropout off (keep_prob 1)."""
    summary, acc, loss = sess.run([model["merged"], model["accuracy"], model["cross_entropy"]],
                                  feed_dict=feed)
    writer.add_summary(summary, i)
    return float(acc), float(loss)


def train(model, mnist, logdir, steps, seed):
    """The tutorial's loop: test every 10th step, train (and trace every 100th) otherwise.

    Returns
    -------
    dict
        Final test accuracy and cross entropy, and the traced steps' tags.
    """
    m = model
    batches = data.Batches(mnist.train_images, mnist.train_labels, seed=seed)
    test_feed = {m["x"]: mnist.test_images.reshape(-1, 784).astype(np.float32) / 255.0,
                 m["y_"]: mnist.test_labels.astype(np.int64), m["keep_prob"]: 1.0}
    traced = []
    with v1.Session() as sess:
        # Two writers, two runs: TensorBoard draws their curves side by side.
        train_writer = v1.summary.FileWriter(str(logdir / "train"), sess.graph)
        test_writer = v1.summary.FileWriter(str(logdir / "test"))
        sess.run(v1.global_variables_initializer())
        for i in range(steps + 1):  # the extra step tests the fully trained network
            if i % 10 == 0 or i == steps:
                acc, loss = test_step(sess, m, test_feed, test_writer, i)
                if i % 100 == 0 or i == steps:
                    cli.progress(f"step {i}: test accuracy {acc:.4f}, cross entropy {loss:.4f}")
                continue
            xs, ys = batches.next(BATCH_SIZE)
            feed = {m["x"]: xs, m["y_"]: ys, m["keep_prob"]: KEEP_PROB}
            tag = train_step(sess, m, feed, train_writer, i)
            if tag:
                traced.append(tag)
        train_writer.close()
        test_writer.close()
        hidden, logits = sess.run([m["hidden"], m["logits"]], feed_dict=test_feed)
    return {"test_accuracy": acc, "test_cross_entropy": loss, "run_metadata": traced,
            "hidden": hidden, "predicted": logits.argmax(axis=1)}


def export_embedding(folder, mnist, hidden, predicted, limit=2000):
    """The Projector files: hidden activations of the first `limit` test digits, dark on white."""
    n = min(limit, len(hidden))
    rows = [(int(label), int(guess)) for label, guess in zip(mnist.test_labels[:n], predicted[:n])]
    digits = 255 - np.asarray(mnist.test_images[:n], dtype=np.uint8).reshape(n, 28, 28)
    return embeddings.write_projector(folder, "layer1 activations (test digits)", hidden[:n],
                                      ["label", "predicted"], rows, sprite=digits)


def main(argv=None):
    args = cli.parse_args(__doc__.splitlines()[0], argv)
    timer = cli.Timer()
    cli.seed_python(args.seed)
    v1.disable_eager_execution()  # TF1 graph mode, as the tutorial was written
    v1.set_random_seed(args.seed)
    mnist = data.load_mnist(args.data, seed=args.seed)
    cli.progress(f"data: {mnist.source}; {len(mnist.train_labels):,} train, "
                 f"{len(mnist.test_labels):,} test digits")
    steps = 120 if args.quick else 1000
    result = train(build_model(), mnist, args.out / "logs", steps, args.seed)
    config = export_embedding(args.out / "projector", mnist, result["hidden"], result["predicted"])
    cli.write_result(
        args.out, name="mnist_with_summaries", kind="classifier",
        title="MNIST with summaries", logdir="logs", runs=["train", "test"],
        projector=config.relative_to(args.out).as_posix(),
        dashboards=["scalars", "images", "graphs", "distributions", "histograms"],
        data=mnist.source, steps=steps, seconds=timer.seconds(), quick=args.quick,
        summary={"final_test_accuracy": round(result["test_accuracy"], 4),
                 "final_test_cross_entropy": round(result["test_cross_entropy"], 4),
                 "run_metadata": result["run_metadata"]})
    cli.progress(f"done in {timer.seconds()}s: test accuracy {result['test_accuracy']:.4f}")


if __name__ == "__main__":
    main()
