"""The worker's one handler table: request type -> function.

Everything the page may ask of Python is listed here; see `nnlab.protocol` for
the message format.
"""

from . import diag
from .board import service as board
from .playground import service as playground
from .projector import service as projector
from .protocol import Server

HANDLERS = {
    "diag.versions": diag.versions,
    "diag.matmul": diag.matmul_check,
    "diag.scale": diag.scale,
    "diag.sklearn_tsne": diag.sklearn_tsne,  # bench/projector.py's reference t-SNE
    "diag.playground_timing": diag.playground_timing,  # bench/playground.py: the worker's share
    **playground.HANDLERS,
    **board.HANDLERS,
    **projector.HANDLERS,
}


def make_server():
    """The object the browser worker drives: `submit(msg)`, `tick()`, `busy`."""
    return Server(HANDLERS)
