"""The anchor's update rule: gradients summed over a batch, then one step.

Training is bound by the cost of numpy calls, not arithmetic: a mini-batch is
about 10 samples. `ChunkPass` therefore runs forward and backward over a chunk
with every array preallocated, writes gradients straight into the sums, and
computes every hidden slope in one pass. It does the same arithmetic in the
same order as `Network.forward` and `Network.backward`, so the numbers are
those of the plain version (bit for bit in the browser's numpy).

This module imports only numpy and `nnlab.playground.network`:
`nnlab.playground.export` copies both sources into standalone scripts.
"""

import numpy as np

from .network import penalty_slope, sigmoid, softmax


def _activate_into(name, z, out):
    """out[...] = f(z) for activation `name`, with the same arithmetic as `activate`."""
    if name == "tanh":
        np.tanh(z, out=out)
    elif name == "relu":
        np.maximum(z, 0.0, out=out)
    elif name == "sigmoid":
        out[...] = sigmoid(z)
    elif name == "softmax":
        out[...] = softmax(z)
    else:
        np.copyto(out, z)


def _slope_into(name, a, out):
    """out[...] = df/dz from a = f(z), as `activation_slope`; False for linear (slope 1)."""
    if name == "tanh":
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
    elif name == "relu":
        np.greater(a, 0.0, out=out)  # a > 0 exactly where z > 0
    elif name == "sigmoid":
        np.subtract(1.0, a, out=out)
        np.multiply(a, out, out=out)
    else:
        return False
    return True


class ChunkPass:
    """Forward and backward over chunks of `m` samples of one net, in buffers made once.

    Every layer's outputs are columns of one (m, n_nodes) array, so a single pass
    gives every hidden slope (and a tanh output's slope too).
    """

    def __init__(self, net, m):
        self.net, sizes = net, net.layer_sizes
        offsets = np.cumsum([0] + sizes[1:])
        self.acts = np.empty((m, offsets[-1]))
        self.slopes = np.empty_like(self.acts)
        self.values = [self.acts[:, a:b] for a, b in zip(offsets[:-1], offsets[1:])]
        self.slope_of = [self.slopes[:, a:b] for a, b in zip(offsets[:-1], offsets[1:])]
        self.z = [np.empty((m, n)) for n in sizes[1:]]
        self.delta = [np.empty((m, n)) for n in sizes[1:]]
        self.w_t = [W.T for W in net.W]
        self.joint = net.activation == net.output == "tanh"
        cols = offsets[-1 if self.joint else -2]
        self.sloped_acts, self.sloped = self.acts[:, :cols], self.slopes[:, :cols]

    # np.dot rather than np.matmul throughout: for these tiny matrices most of the
    # time is call overhead, and matmul's out= costs a few microseconds more per
    # call in Pyodide. Both give the same numbers.

    def forward(self, F):
        """Fill `values` (each layer's outputs) for inputs F (m, n_inputs)."""
        net = self.net
        last = len(net.W) - 1
        src = F
        for l, (W, b, z) in enumerate(zip(net.W, net.b, self.z)):
            np.dot(src, W, out=z)
            np.add(z, b, out=z)
            _activate_into(net.output if l == last else net.activation, z, self.values[l])
            src = self.values[l]

    def gradients(self, F, Q, out):
        """Summed data-loss gradients of the chunk into `out`, a (gW, gb) pair from `Network.views`."""
        net = self.net
        last = len(net.W) - 1
        self.forward(F)
        sloped = _slope_into(net.activation, self.sloped_acts, self.sloped)
        o, delta = self.values[last], self.delta[last]
        np.subtract(o, Q, out=delta)
        if self.joint:
            np.multiply(delta, self.slope_of[last], out=delta)
        elif net.output == "tanh":
            delta *= 1.0 - o * o  # linear + square, sigmoid + CE, softmax + CE: o - Q is the delta
        for l in range(last, -1, -1):
            np.dot((self.values[l - 1] if l else F).T, self.delta[l], out=out[0][l])
            np.add.reduce(self.delta[l], axis=0, out=out[1][l])
            if l:
                np.dot(self.delta[l], self.w_t[l], out=self.delta[l - 1])
                if sloped:
                    np.multiply(self.delta[l - 1], self.slope_of[l - 1], out=self.delta[l - 1])


class GradientSum:
    """Per-sample gradients summed since the last update (the anchor's accErrorDer).

    Attributes
    ----------
    flat : (n_params,) array
        The sums, laid out like `Network.params`.
    W, b : lists of arrays
        Views of `flat` shaped like the net's weights and biases.
    count : int
        Samples summed so far.
    """

    def __init__(self, net):
        self.flat = np.zeros_like(net.params)
        self.W, self.b = net.views(self.flat)
        self._chunk = np.zeros_like(net.params)  # one chunk's gradients, reused
        self._chunk_views = net.views(self._chunk)
        self._passes = {}  # chunk size -> ChunkPass
        self.count = 0

    def add(self, net, F, Q):
        """Add the gradients of a chunk F (m, n_inputs), Q (m, n_outputs) taken at the current weights."""
        zs, acts = net.forward(F)
        net.backward(zs, acts, Q, out=self._chunk_views)
        self.flat += self._chunk
        self.count += len(F)

    def add_fast(self, net, F, Q):
        """`add` with buffers reused per chunk size (see `ChunkPass`): the same sums."""
        found = self._passes.get(len(F))
        if found is None or found[0].net is not net:
            found = self._passes[len(F)] = (ChunkPass(net, len(F)), net.views(self.flat))
        chunk, into_sums = found
        if self.count:
            chunk.gradients(F, Q, self._chunk_views)
            self.flat += self._chunk
        else:
            chunk.gradients(F, Q, into_sums)  # the sums are all zero: write them directly
        self.count += len(F)

    def clear(self):
        self.flat.fill(0.0)
        self.count = 0


def apply_update(net, grads, lr, reg, reg_rate):
    """One update as the anchor's ``updateWeights``, then clear `grads`.

    ``w -= lr * mean(grad)``, then ``w -= lr * reg_rate * R'(w_before)`` (the anchor
    takes R' at the weight before this update). Under L1 a weight that this second
    step moves across 0 becomes 0 and dead: it never updates again. Biases get
    the mean gradient step only.
    """
    p = net.params
    if reg == "none":  # in place, same arithmetic: p - (lr / count) * sums
        np.multiply(grads.flat, lr / grads.count, out=grads.flat)
        np.subtract(p, grads.flat, out=p)
        grads.clear()
        return
    new = p - (lr / grads.count) * grads.flat
    shrunk = new - (lr * reg_rate) * (penalty_slope(p, reg) * net.is_weight)
    if reg == "L1":
        crossed = new * shrunk < 0  # never a bias: its shrunk value equals new
        shrunk[crossed] = 0.0
        shrunk = np.where(net.live, shrunk, p)  # dead weights stay frozen at 0
        net.live &= ~crossed
    p[:] = shrunk  # in place: W and b are views of params
    grads.clear()


def train_epoch(net, F, Q, batch, lr, reg, reg_rate, grads):
    """One pass over the training set in its fixed order.

    Updates happen after every `batch` samples counted from the start of the
    epoch, like the anchor's ``(i + 1) % batchSize == 0``. A leftover partial
    batch stays in `grads` and joins the first update of the next epoch (which
    then averages over batch + leftover samples). Samples between two updates
    see the same weights, so each such chunk is one vectorised pass.

    Parameters
    ----------
    F : (n, n_inputs) array
    Q : (n, n_outputs) array
        Targets from `Network.targets`.
    grads : GradientSum
        Carries the partial batch between epochs.
    """
    n = len(F)
    start = 0
    for stop in range(batch, n + 1, batch):
        grads.add_fast(net, F[start:stop], Q[start:stop])
        apply_update(net, grads, lr, reg, reg_rate)
        start = stop
    if start < n:
        grads.add_fast(net, F[start:], Q[start:])


def weights_finite(net):
    """True when no weight or bias is NaN or infinite."""
    return bool(np.isfinite(net.params).all())
