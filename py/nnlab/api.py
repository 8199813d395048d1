"""The worker's one handler table: request type -> function.

Everything the page may ask of Python is listed here; see `nnlab.protocol` for
the message format.
"""

import importlib

from . import diag
from .board import service as board
from .playground import service as playground
from .projector import service as projector
from .protocol import Server

HANDLERS = {
    "diag.versions": diag.versions,
    "diag.matmul": diag.matmul_check,
    "diag.scale": diag.scale,
    **playground.HANDLERS,
    **board.HANDLERS,
    **projector.HANDLERS,
}


EXTRA_TABLES = {"bench": "nnlab.benchmarks"}  # asked for by name: only bench/ and tests load them


def make_server(extra=()):
    """The object the browser worker drives: `submit(msg)`, `tick()`, `busy`.

    `extra` names tables of `EXTRA_TABLES` to serve as well (unknown names are ignored).
    """
    handlers = dict(HANDLERS)
    for name in extra:
        if name in EXTRA_TABLES:
            handlers.update(importlib.import_module(EXTRA_TABLES[name]).HANDLERS)
    return Server(handlers)
