"""Every neuron's value over the plot grid, for drawing only.

The page redraws these maps every frame, so they are computed in float32 with
neurons as rows: ``(n_out, n_in + 1) @ (n_in + 1, points)`` is the fast shape for
numpy's matmul without BLAS (Pyodide), and each layer lands directly in its rows
of a `GridStack`, its bias carried by the row of ones below its input. Each
activation's float32 drawing form is its ``draw`` in `nnlab.playground.activations`.
"""

import numpy as np

from .activations import ACTIVATIONS, F32


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
            ACTIVATIONS[net.output if l == last else net.activation].draw(dst, stack.scratch[:len(dst)], l == last)
    maps = np.empty((sum(stack.sizes), stack.rows.shape[1]), dtype=F32)
    start = 0
    for values in stack.values:  # drop the ones rows: a plain copy per layer
        maps[start:start + len(values)] = values
        start += len(values)
    return maps
