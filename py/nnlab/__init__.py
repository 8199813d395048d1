"""nnlab: the math behind the Playground, Board and Projector.

Pure Python + numpy. The same files run under CPython and in the browser's
Pyodide worker; nothing here imports `js` or `pyodide`.
"""

__version__ = "0.1.0"
