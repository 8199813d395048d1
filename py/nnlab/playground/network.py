"""A small fully connected network held in plain numpy arrays.

Layer ``l`` maps ``a[l]`` (batch, n_in) to ``a[l + 1] = f(a[l] @ W[l] + b[l])``
with ``W[l]`` (n_in, n_out) and ``b[l]`` (n_out,). Everything is vectorised over
the batch: the browser runs this every animation frame.

Output activation and loss go together:

============  ===============  =====================================================
output        loss             use
============  ===============  =====================================================
``tanh``      square           binary classification, targets -1/+1 (the anchor)
``linear``    square           regression
``sigmoid``   cross_entropy    binary classification, targets -1/+1 read as 0/1
``softmax``   cross_entropy    multiclass, integer targets 0..K-1
============  ===============  =====================================================

Square loss is ``1/2 (o - t)^2`` per sample, as in the anchor. Regularisation
(L1 ``|w|``, L2 ``w^2 / 2``) applies to weights only, never to biases.

Activations (values, slopes) are `nnlab.playground.activations.ACTIVATIONS`'.

This module imports only numpy and `nnlab.playground.activations`:
`nnlab.playground.export` copies both sources into standalone scripts.
"""

import numpy as np

from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS

LOSS_OF_OUTPUT = {"tanh": "square", "linear": "square", "sigmoid": "cross_entropy",
                  "softmax": "cross_entropy"}
REGULARIZATIONS = ("none", "L1", "L2")


def penalty(weights, kind):
    """Regularisation term summed over every weight matrix: float."""
    if kind == "L1":
        return float(sum(np.abs(W).sum() for W in weights))
    if kind == "L2":
        return float(sum(0.5 * (W * W).sum() for W in weights))
    return 0.0


def penalty_slope(W, kind):
    """dR/dW of one weight matrix, same shape as W; sign(0) = 0 as in the anchor."""
    if kind == "L1":
        return np.sign(W)
    if kind == "L2":
        return W
    return np.zeros_like(W)


class Network:
    """Weights, biases and the activations that define a fully connected net.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, *hidden, n_outputs]``.
    activation : str
        Hidden activation, one of `HIDDEN_ACTIVATIONS`.
    output : str
        Output activation, a key of `LOSS_OF_OUTPUT` (it fixes the loss).
    weights : list of (n_in, n_out) arrays
    biases : list of (n_out,) arrays
    dtype : numpy dtype
        float64 for training; float32 is enough (and faster) for drawing.

    Attributes
    ----------
    params : (n_params,) array
        Every weight and bias in one vector, layer by layer (W[0], b[0], W[1], ...),
        so an update is a few whole-vector operations however deep the net is.
    W, b : lists of arrays
        Views into `params` shaped (n_in, n_out) and (n_out,): writing to them
        changes the net.
    is_weight : (n_params,) float
        1 for weights, 0 for biases (regularisation skips biases).
    live : (n_params,) bool
        False where L1 pushed a weight through zero: it stays 0 and frozen.
    alive : list of (n_in, n_out) bool arrays
        Views of `live` shaped like `W`.
    """

    def __init__(self, layer_sizes, activation, output, weights, biases, dtype=np.float64):
        if activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"activation must be one of {HIDDEN_ACTIVATIONS}, got {activation!r}")
        if output not in LOSS_OF_OUTPUT:
            raise ValueError(f"output must be one of {tuple(LOSS_OF_OUTPUT)}, got {output!r}")
        self.layer_sizes = [int(s) for s in layer_sizes]
        self.activation, self.output = activation, output
        self.loss = LOSS_OF_OUTPUT[output]
        self.params = np.concatenate([np.concatenate([np.ravel(W), np.ravel(b)])
                                      for W, b in zip(weights, biases)]).astype(dtype)
        pairs = zip(self.layer_sizes[:-1], self.layer_sizes[1:])
        if self.params.size != sum(n_in * n_out + n_out for n_in, n_out in pairs):
            raise ValueError(f"weights and biases do not fit layer sizes {self.layer_sizes}")
        self.W, self.b = self.views(self.params)
        self.is_weight = np.zeros(self.params.size)
        for weights_view in self.views(self.is_weight)[0]:
            weights_view.fill(1.0)
        self.live = np.ones(self.params.size, dtype=bool)
        self.alive = self.views(self.live)[0]

    def views(self, flat):
        """Split a (n_params,) vector into per-layer views: ([(n_in, n_out)], [(n_out,)])."""
        Ws, bs, start = [], [], 0
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            Ws.append(flat[start:start + n_in * n_out].reshape(n_in, n_out))
            start += n_in * n_out
            bs.append(flat[start:start + n_out])
            start += n_out
        return Ws, bs

    def blocks(self, flat):
        """Per-layer views of a (n_params,) vector as (n_in + 1, n_out) arrays: W with b as its last row."""
        out, start = [], 0
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            out.append(flat[start:start + (n_in + 1) * n_out].reshape(n_in + 1, n_out))
            start += (n_in + 1) * n_out
        return out

    @classmethod
    def create(cls, layer_sizes, activation, output, rng, zero=False):
        """A new net initialised as the anchor: w ~ U(-0.5, 0.5), bias 0.1 (or all 0 with `zero`)."""
        pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
        weights = [rng.uniform(-0.5, 0.5, (n_in, n_out)) for n_in, n_out in pairs]
        biases = [np.full(n_out, 0.1) for _, n_out in pairs]
        if zero:
            weights = [np.zeros_like(W) for W in weights]
            biases = [np.zeros_like(b) for b in biases]
        return cls(layer_sizes, activation, output, weights, biases)

    def forward(self, F, wide=False):
        """Run a batch through the net.

        Parameters
        ----------
        F : (n, n_inputs) array
        wide : bool
            Many samples (hundreds): tanh through `activations.tanh_wide`.

        Returns
        -------
        zs : list of (n, size) arrays
            Pre-activations of each layer after the input.
        acts : list of (n, size) arrays
            ``acts[0] = F``, then each layer's outputs; ``acts[-1]`` is the output.
        """
        zs, acts = [], [F]
        last = len(self.W) - 1
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            z = acts[-1] @ W + b
            zs.append(z)
            acts.append(ACTIVATIONS[self.output if l == last else self.activation].forward(z, wide))
        return zs, acts

    def targets(self, y):
        """Encode labels y (n,) as output-shaped targets Q (n, n_outputs) float64.

        square: the labels themselves; sigmoid: -1/+1 -> 0/1; softmax: one-hot.
        """
        y = np.asarray(y)
        if self.output == "softmax":
            return np.eye(self.layer_sizes[-1])[y.astype(np.int64)]
        if self.output == "sigmoid":
            return ((y.astype(np.float64) + 1.0) / 2.0)[:, None]
        return y.astype(np.float64)[:, None]

    def predict(self, F):
        """Output layer values (n, n_outputs) for inputs F (n, n_inputs)."""
        return self.forward(F)[1][-1]

    def sample_losses(self, zs, acts, Q):
        """Loss of every sample (n,), from a forward pass and targets Q (n, n_outputs).

        Cross-entropy is computed from the logits so saturated outputs give large
        finite losses instead of log(0).
        """
        z, o = zs[-1], acts[-1]
        if self.loss == "square":
            return 0.5 * ((o - Q) ** 2).sum(axis=1)
        if self.output == "sigmoid":
            return (np.logaddexp(0.0, z) - Q * z).sum(axis=1)
        top = z.max(axis=1, keepdims=True)
        log_norm = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
        return log_norm - (Q * z).sum(axis=1)

    def output_delta(self, zs, acts, Q):
        """dLoss/dz of the output layer per sample: (n, n_outputs)."""
        o = acts[-1]
        if self.output == "tanh":
            return (o - Q) * (1.0 - o * o)
        return o - Q  # linear + square, sigmoid + CE and softmax + CE all reduce to this

    def backward(self, zs, acts, Q, out=None):
        """Gradients of the summed data loss (no regularisation) over the batch.

        Parameters
        ----------
        out : (gW, gb), optional
            Arrays to write into, e.g. ``views(buffer)`` made once: a training
            loop then allocates nothing per chunk.

        Returns
        -------
        gW : list of (n_in, n_out) arrays
        gb : list of (n_out,) arrays
        """
        gW, gb = self.views(np.empty_like(self.params)) if out is None else out
        delta = self.output_delta(zs, acts, Q)
        slope = ACTIVATIONS[self.activation].slope
        for l in range(len(self.W) - 1, -1, -1):
            np.matmul(acts[l].T, delta, out=gW[l])
            np.add.reduce(delta, axis=0, out=gb[l])  # np.sum's wrapper costs more than the sum here
            if l:
                delta = (delta @ self.W[l].T) * slope(zs[l - 1], acts[l])
        return gW, gb

    def gradients(self, F, Q, mean=True):
        """Forward then backward on one batch: (gW, gb), averaged or summed over it."""
        zs, acts = self.forward(F)
        gW, gb = self.backward(zs, acts, Q)
        if mean:
            gW = [g / len(F) for g in gW]
            gb = [g / len(F) for g in gb]
        return gW, gb

    def split_losses(self, F, Q, n_first):
        """The Playground's loss readouts: mean loss of rows [:n_first] and of rows [n_first:]
        (train and test points), from one wide forward pass.

        Returns
        -------
        (float, float), and the outputs (n, n_outputs) for accuracies.
        """
        zs, acts = self.forward(F, wide=True)
        losses = self.sample_losses(zs, acts, Q)
        return (float(losses[:n_first].mean()), float(losses[n_first:].mean())), acts[-1]

    def copy(self, dtype=np.float64):
        """An independent copy (parameters and dead-weight mask), optionally in another dtype."""
        net = Network(self.layer_sizes, self.activation, self.output, self.W, self.b, dtype=dtype)
        net.live[:] = self.live
        return net
