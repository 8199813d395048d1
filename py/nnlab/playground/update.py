"""The anchor's update rule: gradients summed over a batch, then one step.

Training is bound by the cost of numpy calls, not arithmetic: a mini-batch is
about 10 samples, and each call costs microseconds (more in the browser). So
`EpochPlan` compiles one epoch into flat lists of numpy calls on arrays made
once, and running an epoch is a loop over those lists. In its buffers samples
are columns: every layer's outputs are then a contiguous block of rows, with a
row of ones below it, so one ``np.dot`` applies a layer's weights and bias
together (the params hold each layer as ``[W; b]``, see `Network.blocks`), and
the gradient of that product is the weights' and biases' gradient at once,
written straight into the sums.

This module imports only numpy, `nnlab.playground.activations` and
`nnlab.playground.network`: `nnlab.playground.export` copies their sources into
standalone scripts.
"""

import numpy as np

from .activations import ACTIVATIONS
from .network import penalty_slope


class _Buffers:
    """Arrays for chunks of `m` samples (columns) of a net with layer `sizes`.

    ``stack`` holds each hidden layer's outputs followed by a row of ones, then
    the output layer: ``src[l]`` (layer l's input with its ones row, l >= 1) and
    ``out[l]`` (weight layer l's output) are contiguous row blocks of it, in
    order. ``deltas`` holds every layer's dLoss/dz the same way.
    """

    def __init__(self, sizes, m):
        hidden = sizes[1:-1]
        starts = np.cumsum([0] + [n + 1 for n in hidden])
        self.hidden_rows = int(starts[-1])
        self.stack = np.empty((self.hidden_rows + sizes[-1], m))
        for s, n in zip(starts[:-1], hidden):
            self.stack[s + n] = 1.0
        self.slopes = np.empty_like(self.stack)
        self.src_row = [None] + [int(s) for s in starts[:-1]]
        self.src = [None] + [self.stack[s:s + n + 1] for s, n in zip(starts[:-1], hidden)]
        self.out = [self.stack[s:s + n] for s, n in zip(starts, sizes[1:])]
        self.slope_of = [self.slopes[s:s + n] for s, n in zip(starts, sizes[1:])]
        self.deltas = np.empty((sum(sizes[1:]), m))
        ends = np.cumsum(sizes[1:])
        self.delta_row = [int(e - n) for e, n in zip(ends, sizes[1:])]
        self.delta = [self.deltas[r:r + n] for r, n in zip(self.delta_row, sizes[1:])]


def _gradient_calls(sizes, buf, X, sums):
    """Calls writing every layer's summed gradient ``src[l] @ delta[l].T`` into `sums`
    (a params-shaped vector), as (n_in + 1, n_out) blocks.

    Hidden-to-hidden layers of one shape (8 -> 8, say) lie at even strides in the
    buffers and in `sums`, so each run of them is one batched matmul.
    """
    calls, L, m = [], len(sizes) - 1, X.shape[1]
    offsets = np.cumsum([0] + [(a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])])
    l = 0
    while l < L:
        shape = (sizes[l], sizes[l + 1])
        k = 1
        while l and l + k < L and (sizes[l + k], sizes[l + k + 1]) == shape:
            k += 1
        n_in, n_out = shape
        g = sums[offsets[l]:offsets[l + k]]
        if k == 1:
            calls.append((np.dot, (X if l == 0 else buf.src[l], buf.delta[l].T, g.reshape(n_in + 1, n_out))))
        else:
            r = buf.src_row[l]
            src = buf.stack[r:r + k * (n_in + 1)].reshape(k, n_in + 1, m)
            d0 = buf.delta_row[l]
            delta = buf.deltas[d0:d0 + k * n_out].reshape(k, n_out, m).transpose(0, 2, 1)
            calls.append((np.matmul, (src, delta, g.reshape(k, n_in + 1, n_out))))
        l += k
    return calls


def _chunk_calls(net, buf, X, QT, sums):
    """The calls that write one chunk's summed data-loss gradients into `sums`.

    X : (n_inputs + 1, m) inputs above a row of ones; QT : (n_outputs, m) targets;
    sums : (n_params,) laid out like `Network.params`.
    """
    blocks, last = net.blocks(net.params), len(net.W) - 1
    src = [X] + buf.src[1:]
    calls = []
    for l, Wb in enumerate(blocks):
        calls.append((np.dot, (Wb.T, src[l], buf.out[l])))
        calls += ACTIVATIONS[net.output if l == last else net.activation].calls(buf.out[l])
    joint = net.activation == net.output == "tanh"  # one slope pass covers the output too
    rows = buf.stack if joint else buf.stack[:buf.hidden_rows]
    calls += ACTIVATIONS[net.activation].slope_calls(rows, buf.slopes[:len(rows)])
    o, delta = buf.out[last], buf.delta[last]
    calls.append((np.subtract, (o, QT, delta)))  # linear + square, sigmoid + CE, softmax + CE: the delta
    if net.output == "tanh":
        if not joint:
            calls += ACTIVATIONS["tanh"].slope_calls(o, buf.slope_of[last])
        calls.append((np.multiply, (delta, buf.slope_of[last], delta)))
    for l in range(last, 0, -1):
        calls.append((np.dot, (blocks[l][:-1], buf.delta[l], buf.delta[l - 1])))
        if net.activation != "linear":
            calls.append((np.multiply, (buf.delta[l - 1], buf.slope_of[l - 1], buf.delta[l - 1])))
    return calls + _gradient_calls(net.layer_sizes, buf, X, sums)


class EpochPlan:
    """One epoch of `train_epoch` for a net, a training set and a batch size, as numpy calls.

    The chunks are the samples between two updates: ``batch`` samples from the
    start of the epoch, then a leftover partial batch (no update). Each chunk has
    two call lists: one writing its gradients straight into the empty sums, one
    adding them to sums that hold a partial batch carried from the last epoch.
    The calls hold views of the net's params, so weight edits need no new plan.
    """

    def __init__(self, net, F, Q, batch, grads):
        self.net, self.F, self.Q, self.batch = net, F, Q, batch
        n = len(F)
        X = np.ones((F.shape[1] + 1, n))
        X[:-1] = F.T
        QT = Q.T
        add_chunk = (np.add, (grads.flat, grads.chunk, grads.flat))
        buffers, self.chunks = {}, []
        for start in range(0, n, batch):
            m = min(batch, n - start)
            if m not in buffers:
                buffers[m] = _Buffers(net.layer_sizes, m)
            buf = buffers[m]
            Xc, Qc = np.ascontiguousarray(X[:, start:start + m]), np.ascontiguousarray(QT[:, start:start + m])
            direct = _chunk_calls(net, buf, Xc, Qc, grads.flat)
            added = _chunk_calls(net, buf, Xc, Qc, grads.chunk) + [add_chunk]
            self.chunks.append((direct, added, m, m == batch))

    def fits(self, net, F, Q, batch):
        return self.net is net and self.F is F and self.Q is Q and self.batch == batch

    def run(self, grads, lr, reg, reg_rate):
        """Train one epoch: every chunk's gradients, and an update after every full batch."""
        net = self.net
        for direct, added, m, full in self.chunks:
            for fn, args in (added if grads.count else direct):
                fn(*args)
            grads.count += m
            if full:  # the next chunk overwrites the sums: no need to zero them
                apply_update(net, grads, lr, reg, reg_rate, zero=False)


class GradientSum:
    """Per-sample gradients summed since the last update (the anchor's accErrorDer).

    Attributes
    ----------
    flat : (n_params,) array
        The sums, laid out like `Network.params`; meaningful only while count > 0.
    chunk : (n_params,) array
        One chunk's gradients, before they are added to `flat`.
    count : int
        Samples summed so far.
    plan : EpochPlan or None
        The compiled epoch `train_epoch` last ran.
    """

    def __init__(self, net):
        self.flat = np.zeros_like(net.params)
        self.chunk = np.zeros_like(net.params)
        self.count = 0
        self.plan = None

    def add(self, net, F, Q):
        """Add the gradients of a chunk F (m, n_inputs), Q (m, n_outputs) taken at the current weights."""
        zs, acts = net.forward(F)
        net.backward(zs, acts, Q, out=net.views(self.chunk))
        if self.count:
            self.flat += self.chunk
        else:
            self.flat[:] = self.chunk
        self.count += len(F)

    def clear(self):
        self.flat.fill(0.0)
        self.count = 0


def apply_update(net, grads, lr, reg, reg_rate, zero=True):
    """One update as the anchor's ``updateWeights``, then clear `grads`.

    ``w -= lr * mean(grad)``, then ``w -= lr * reg_rate * R'(w_before)`` (the anchor
    takes R' at the weight before this update). Under L1 a weight that this second
    step moves across 0 becomes 0 and dead: it never updates again. Biases get
    the mean gradient step only. With ``zero=False`` the sums keep stale values
    (count 0 says they are empty), for a caller that overwrites them next.
    """
    p = net.params
    if reg == "none":  # in place, same arithmetic: p - (lr / count) * sums
        np.multiply(grads.flat, lr / grads.count, out=grads.flat)
        np.subtract(p, grads.flat, out=p)
    else:
        new = p - (lr / grads.count) * grads.flat
        shrunk = new - (lr * reg_rate) * (penalty_slope(p, reg) * net.is_weight)
        if reg == "L1":
            crossed = new * shrunk < 0  # never a bias: its shrunk value equals new
            shrunk[crossed] = 0.0
            shrunk = np.where(net.live, shrunk, p)  # dead weights stay frozen at 0
            net.live &= ~crossed
        p[:] = shrunk  # in place: W and b are views of params
    if zero:
        grads.clear()
    else:
        grads.count = 0


def train_epoch(net, F, Q, batch, lr, reg, reg_rate, grads):
    """One pass over the training set in its fixed order.

    Updates happen after every `batch` samples counted from the start of the
    epoch, like the anchor's ``(i + 1) % batchSize == 0``. A leftover partial
    batch stays in `grads` and joins the first update of the next epoch (which
    then averages over batch + leftover samples). Samples between two updates
    see the same weights, so each such chunk is one vectorised pass. The
    compiled `EpochPlan` is kept in `grads` while net, F, Q and batch stay the same.

    Parameters
    ----------
    F : (n, n_inputs) array
    Q : (n, n_outputs) array
        Targets from `Network.targets`.
    grads : GradientSum
        Carries the partial batch between epochs.
    """
    if grads.plan is None or not grads.plan.fits(net, F, Q, batch):
        grads.plan = EpochPlan(net, F, Q, batch, grads)
    grads.plan.run(grads, lr, reg, reg_rate)


def weights_finite(net):
    """True when no weight or bias is NaN or infinite."""
    return bool(np.isfinite(net.params).all())
