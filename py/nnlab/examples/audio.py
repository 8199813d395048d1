"""Audio: a tiny network learns to tell sine, square and sawtooth tones apart by ear.

There is no classic TensorFlow audio tutorial among the teaching text's
examples, but TensorBoard's AUDIO dashboard needs something to play: this
script makes short synthetic tones (seeded, so every run hears the same
sounds), trains a small classifier on their spectra, and logs

- AUDIO: four clips of the current batch every 25 steps;
- TEXT: what those clips are, and what the network thought they were;
- SCALARS: loss and accuracy, in a ``train`` and a ``test`` run.

The three waveforms share a pitch but differ in their overtones: a sine has
none, a square wave has the odd ones, a sawtooth has all of them. The
network sees the log-magnitude spectrum, where that difference is plain.
Run it alone with::

    PYTHONPATH=py python3 -m nnlab.examples.audio --out /tmp/audio
"""

import numpy as np
import tensorflow as tf

from . import cli

SAMPLE_RATE = 8000             # Hz: enough for overtones of these pitches
CLIP_SECONDS = 0.5
WAVES = ("sine", "square", "sawtooth")
PITCHES = (220.0, 330.0, 440.0, 660.0)  # Hz: A3, E4, A4, E5
HIDDEN = 32
LEARNING_RATE = 0.01
BATCH_SIZE = 32
LOG_EVERY = 25
LOGGED_CLIPS = 4


def tone(wave, pitch, phase, amplitude, noise, rng):
    """One clip of `wave` at `pitch` Hz as float32 samples in [-1, 1]."""
    t = np.arange(int(SAMPLE_RATE * CLIP_SECONDS)) / SAMPLE_RATE
    cycles = pitch * t + phase  # how many periods have passed at each sample
    if wave == "sine":
        x = np.sin(2 * np.pi * cycles)
    elif wave == "square":
        x = np.sign(np.sin(2 * np.pi * cycles))
    else:  # sawtooth: rises from -1 to 1 once per period
        x = 2 * (cycles - np.floor(cycles + 0.5))
    x = amplitude * x + noise * rng.standard_normal(len(t))
    return np.clip(x, -1, 1).astype(np.float32)


def make_tones(n, rng):
    """`n` random clips: (clips (n, samples), wave ids (n,), pitches (n,))."""
    waves = rng.integers(len(WAVES), size=n)
    pitches = rng.choice(PITCHES, size=n)
    clips = np.stack([
        tone(WAVES[w], p, rng.random(), rng.uniform(0.3, 0.8), 0.05, rng)
        for w, p in zip(waves, pitches)])
    return clips, waves.astype(np.int64), pitches


def spectrum(clips):
    """Log-magnitude spectrum of each clip: the features the network reads."""
    return tf.math.log1p(tf.abs(tf.signal.rfft(clips)))


class ToneClassifier(tf.Module):
    """spectrum -> dense ReLU layer -> three logits (one per waveform)."""

    def __init__(self, n_features, seed):
        super().__init__()
        init = tf.keras.initializers.GlorotUniform(seed=seed)
        self.w1 = tf.Variable(init([n_features, HIDDEN]), name="w1")
        self.b1 = tf.Variable(tf.zeros([HIDDEN]), name="b1")
        self.w2 = tf.Variable(init([HIDDEN, len(WAVES)]), name="w2")
        self.b2 = tf.Variable(tf.zeros([len(WAVES)]), name="b2")

    def __call__(self, clips):
        hidden = tf.nn.relu(spectrum(clips) @ self.w1 + self.b1)
        return hidden @ self.w2 + self.b2

    def evaluate(self, clips, labels):
        """Mean cross entropy, accuracy and predicted classes of a set of clips."""
        logits = self(clips)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        predicted = tf.argmax(logits, axis=1)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, labels), tf.float32))
        return loss, accuracy, predicted

    @tf.function
    def train_step(self, clips, labels):
        """One step of gradient descent; returns the batch's loss and accuracy."""
        with tf.GradientTape() as tape:
            loss, accuracy, _ = self.evaluate(clips, labels)
        grads = tape.gradient(loss, self.trainable_variables)
        for var, grad in zip(self.trainable_variables, grads):
            var.assign_sub(LEARNING_RATE * grad)
        return loss, accuracy


def log_clips(clips, waves, pitches, predicted, step):
    """AUDIO: a few clips; TEXT: a table of what each is and what the network heard."""
    k = LOGGED_CLIPS
    tf.summary.audio("tones", clips[:k, :, None], SAMPLE_RATE, step=step, max_outputs=k,
                     description="Clips of the current training batch; see TEXT for labels.")
    rows = [f"| {i + 1} | {WAVES[waves[i]]} | {pitches[i]:.0f} Hz | {WAVES[predicted[i]]} |"
            for i in range(k)]
    table = "\n".join(["| clip | waveform | pitch | network's guess |", "|---|---|---|---|", *rows])
    tf.summary.text("tones_labels", table, step=step)


def train(model, data, steps, logdir, rng):
    """Train on random batches; log scalars every step and clips every LOG_EVERY steps.

    Returns
    -------
    (float, float)
        Test loss and accuracy after the last step.
    """
    (train_x, train_y, train_p), (test_x, test_y, _) = data
    train_writer = tf.summary.create_file_writer(str(logdir / "train"))
    test_writer = tf.summary.create_file_writer(str(logdir / "test"))
    for step in range(steps + 1):
        pick = rng.choice(len(train_y), BATCH_SIZE, replace=False)
        x, y = train_x[pick], train_y[pick]
        if step % LOG_EVERY == 0 or step == steps:
            loss, acc, predicted = model.evaluate(test_x, test_y)
            with test_writer.as_default(step=step):
                tf.summary.scalar("loss", loss)
                tf.summary.scalar("accuracy", acc)
            with train_writer.as_default():
                log_clips(x, y, train_p[pick], model.evaluate(x, y)[2].numpy(), step)
            cli.progress(f"step {step}: test loss {float(loss):.4f}, accuracy {float(acc):.3f}")
            final = float(loss), float(acc)
        if step == steps:
            break
        loss, acc = model.train_step(x, y)
        with train_writer.as_default(step=step):
            tf.summary.scalar("loss", loss)
            tf.summary.scalar("accuracy", acc)
    train_writer.close()
    test_writer.close()
    return final


def main(argv=None):
    args = cli.parse_args(__doc__.splitlines()[0], argv)
    timer = cli.Timer()
    cli.seed_python(args.seed)
    tf.random.set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    data = make_tones(1200, rng), make_tones(300, rng)
    model = ToneClassifier(int(data[0][0].shape[1]) // 2 + 1, args.seed)
    steps = 50 if args.quick else 300
    loss, accuracy = train(model, data, steps, args.out / "logs", rng)
    cli.write_result(
        args.out, name="audio", kind="classifier", title="Tones: sine, square or sawtooth?",
        logdir="logs", runs=["train", "test"], dashboards=["scalars", "audio", "text"],
        data=f"synthetic tones, {SAMPLE_RATE} Hz, {CLIP_SECONDS} s (seed {args.seed})",
        steps=steps, seconds=timer.seconds(), quick=args.quick,
        summary={"final_test_accuracy": round(accuracy, 4), "final_test_loss": round(loss, 4)})
    cli.progress(f"done in {timer.seconds()}s: test accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
