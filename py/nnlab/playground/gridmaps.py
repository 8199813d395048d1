"""Every neuron's value over the plot grid, for drawing only.

The page redraws these maps every frame, so they are computed in float32 with
neurons as rows: ``(n_out, n_in + 1) @ (n_in + 1, points)`` is the fast shape for
numpy's matmul without BLAS (Pyodide), and each layer lands directly in its rows
of a `GridStack`, its bias carried by the row of ones below its input.
"""

import numpy as np


F32 = np.float32
# tanh(x) ~ x P(x^2) / Q(x^2), the [7/6] Pade approximant, with x clamped to +-4.79,
# where it is within 7.1e-5 of tanh everywhere (about 1/900 of a colour shade).
TANH_CLAMP = F32(4.79)
_NUM = tuple(map(F32, (378.0, 17325.0, 135135.0)))
_DEN = tuple(map(F32, (28.0, 3150.0, 62370.0, 135135.0)))


def fast_tanh(x, scratch):
    """tanh of float32 `x` in place, within 7.1e-5, using `scratch` (same shape).

    In the browser's numpy np.tanh costs about 35 ns per value and np.exp 19 ns;
    this rational form is a dozen passes of multiply-and-add, about 12 ns in all.
    NaN stays NaN.
    """
    np.clip(x, -TANH_CLAMP, TANH_CLAMP, out=x)
    s = np.multiply(x, x, out=scratch)
    num = s + _NUM[0]
    num *= s
    num += _NUM[1]
    num *= s
    num += _NUM[2]
    num *= x
    np.multiply(s, _DEN[0], out=x)
    x += _DEN[1]
    x *= s
    x += _DEN[2]
    x *= s
    x += _DEN[3]
    np.divide(num, x, out=x)


def activate_rows(name, x, scratch, output=False):
    """Apply activation `name` in place to pre-activations x (neurons, points).

    Hidden tanh and sigmoid use `fast_tanh` (with `scratch`, same shape as x);
    the output layer is exact (it is also the big plot). A sigmoid output p is
    stored as 2p - 1 = tanh(z / 2), so every binary output colours in [-1, 1].
    """
    if name == "tanh":
        np.tanh(x, out=x) if output else fast_tanh(x, scratch)
    elif name == "relu":
        np.maximum(x, F32(0.0), out=x)
    elif name == "sigmoid" and output:
        np.multiply(x, F32(0.5), out=x)
        np.tanh(x, out=x)
    elif name == "sigmoid":
        np.multiply(x, F32(0.5), out=x)  # sigmoid(z) = (1 + tanh(z / 2)) / 2
        fast_tanh(x, scratch)
        np.add(x, F32(1.0), out=x)
        np.multiply(x, F32(0.5), out=x)
    elif name == "softmax":
        x -= x.max(axis=0)
        np.exp(x, out=x)
        x /= x.sum(axis=0)
    # linear: nothing to do


class GridStack:
    """Scratch rows for `node_maps` over one grid: each layer's values above a row of ones.

    With the ones row a layer's bias rides in its matmul (the params hold ``[W; b]``,
    see `Network.blocks`) instead of a broadcast add, which costs as much as four
    plain passes in the browser's numpy.

    Parameters
    ----------
    grid_t : (n_inputs, points) float32
        The grid's input features, one row per feature.
    sizes : list of int
        The net's layer sizes.
    """

    def __init__(self, grid_t, sizes):
        starts = np.cumsum([0] + [n + 1 for n in sizes[:-1]])
        self.rows = np.empty((starts[-1] + sizes[-1], grid_t.shape[1]), dtype=F32)
        for s, n in zip(starts[:-1], sizes[:-1]):
            self.rows[s + n] = 1.0
        self.rows[:sizes[0]] = grid_t
        self.src = [self.rows[s:s + n + 1] for s, n in zip(starts[:-1], sizes[:-1])]
        self.values = [self.rows[s:s + n] for s, n in zip(starts, sizes)]
        self.scratch = np.empty((max(sizes[1:]), grid_t.shape[1]), dtype=F32)
        self.sizes = list(sizes)


def node_maps(net, stack):
    """Every node's output over a grid.

    Parameters
    ----------
    net : Network
        Any dtype; the weights are read as float32.
    stack : GridStack
        Made for this grid and the net's layer sizes.

    Returns
    -------
    (n_nodes, points) float32
        Inputs, then each hidden layer, then the outputs, one row per node.
    """
    last = len(net.W) - 1
    with np.errstate(all="ignore"):  # a huge weight gives inf or NaN, drawn as such
        blocks = net.blocks(net.params.astype(F32))  # one conversion for every layer
        for l, Wb in enumerate(blocks):
            dst = stack.values[l + 1]
            np.matmul(Wb.T, stack.src[l], out=dst)
            activate_rows(net.output if l == last else net.activation, dst, stack.scratch[:len(dst)],
                          output=l == last)
    maps = np.empty((sum(stack.sizes), stack.rows.shape[1]), dtype=F32)
    start = 0
    for values in stack.values:  # drop the ones rows: a plain copy per layer
        maps[start:start + len(values)] = values
        start += len(values)
    return maps
