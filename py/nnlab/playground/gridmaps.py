"""Every neuron's value over the plot grid, for drawing only.

The page redraws these maps every frame, so they are computed in float32 with
neurons as rows: ``(n_out, n_in) @ (n_in, points)`` is the fast shape for
numpy's matmul without BLAS (Pyodide), and each layer lands directly in its
rows of the result, with no transpose or concatenation.
"""

import numpy as np


def fast_tanh(x):
    """tanh of float32 `x` in place, as ``1 - 2 / (exp(2x) + 1)``.

    In Pyodide np.tanh costs about three np.exp calls; this costs one exp and a
    few cheap passes and stays within about 1e-6 of it (absolute), far below
    one of the 31 colour shades. Overflow gives exactly +-1; NaN stays NaN.
    """
    np.multiply(x, np.float32(2.0), out=x)
    np.exp(x, out=x)
    np.add(x, np.float32(1.0), out=x)
    np.divide(np.float32(-2.0), x, out=x)
    np.add(x, np.float32(1.0), out=x)


def activate_rows(name, x, output=False):
    """Apply activation `name` in place to pre-activations x (neurons, points).

    Hidden tanh uses `fast_tanh`; the output layer is exact (it is also the big
    plot). A sigmoid output p is stored as 2p - 1 = tanh(z / 2), so every binary
    output colours in [-1, 1].
    """
    if name == "tanh":
        np.tanh(x, out=x) if output else fast_tanh(x)
    elif name == "relu":
        np.maximum(x, np.float32(0.0), out=x)
    elif name == "sigmoid" and output:
        np.multiply(x, np.float32(0.5), out=x)
        np.tanh(x, out=x)
    elif name == "sigmoid":
        np.multiply(x, np.float32(0.5), out=x)  # sigmoid(z) = (1 + tanh(z / 2)) / 2
        fast_tanh(x)
        np.add(x, np.float32(1.0), out=x)
        np.multiply(x, np.float32(0.5), out=x)
    elif name == "softmax":
        x -= x.max(axis=0)
        np.exp(x, out=x)
        x /= x.sum(axis=0)
    # linear: nothing to do


def node_maps(net, grid_t):
    """Every node's output over a grid.

    Parameters
    ----------
    net : Network
        Any dtype; the weights are read as float32.
    grid_t : (n_inputs, points) float32
        The grid's input features, one row per feature.

    Returns
    -------
    (n_nodes, points) float32
        Inputs, then each hidden layer, then the outputs, one row per node.
    """
    sizes = net.layer_sizes
    maps = np.empty((sum(sizes), grid_t.shape[1]), dtype=np.float32)
    maps[:sizes[0]] = grid_t
    start, last = 0, len(net.W) - 1
    with np.errstate(all="ignore"):  # a huge weight gives inf or NaN, drawn as such
        for l, (W, b) in enumerate(zip(net.W, net.b)):
            n_in, n_out = W.shape
            src = maps[start:start + n_in]
            start += n_in
            dst = maps[start:start + n_out]
            np.matmul(np.ascontiguousarray(W.T, dtype=np.float32), src, out=dst)
            dst += b.astype(np.float32)[:, None]
            activate_rows(net.output if l == last else net.activation, dst, output=l == last)
    return maps
