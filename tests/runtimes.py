"""Which tests run in which runtime.

`python3 build.py test` runs tests/unit twice: under CPython, and inside Pyodide
(tests/pyodide/runner.mjs, on the site's own build/site/pyodide), where numpy's
intp is 32-bit and there are no subprocesses, threads or sockets. Every unit
test runs in both unless it is listed here with the reason it cannot run in
Pyodide. tests/e2e drive a real browser from CPython and run there only.

Keys are test node ids or prefixes of them (a file, or a test without its
parameters); tests/unit/test_runtimes.py checks that every key still names a test.
"""

import sys

IN_PYODIDE = sys.platform == "emscripten"

CPYTHON_ONLY = {
    "tests/e2e/": "drives Chromium through Playwright from CPython",
    "tests/unit/test_build_cli.py": "runs build.py in subprocesses and binds a port",
    "tests/unit/test_serve.py": "starts the build's HTTP server on a socket",
    "tests/unit/test_js_syntax.py": "runs Node.js in a subprocess to parse site/js",
    "tests/unit/test_playground_schema.py::test_every_hash_the_page_reads_gives_a_config_python_accepts_unchanged":
        "runs the page's state.js in Node.js in a subprocess",
    "tests/unit/test_projector_state.py": "runs the Projector page's state.js in Node.js in a subprocess",
    "tests/unit/test_board_ydomain.py": "runs the Board's ydomain.js in Node.js in a subprocess",
    "tests/unit/test_board_chart_draw.py": "runs the Board's scalarchart.js in Node.js in a subprocess",
    "tests/unit/test_examples_build.py": "tests build.py's example stage (venvs, TensorFlow), never in a browser",
    "tests/unit/test_examples_data.py": "tests build.py's offline data stage (npm packages on disk)",
    "tests/unit/test_api_imports.py::test_api_starts_with_numpy_only":
        "imports nnlab.api in a fresh CPython process with scipy and sklearn blocked",
    "tests/unit/test_events_export.py::test_cli_errors_are_messages_not_tracebacks":
        "runs `python -m nnlab.events` in a subprocess",
    "tests/unit/test_events_export.py::test_cli_summary_and_stdout": "runs `python -m nnlab.events` in a subprocess",
    "tests/unit/test_events_proto.py::test_pure_python_protobuf_runtime":
        "forces CPython onto protobuf's pure-Python runtime in a subprocess (Pyodide has only that one)",
    "tests/unit/test_fuzz_slice.py::test_quick_slice_in_subprocesses_has_no_uncaught_error_hang_or_blowup":
        "runs each fuzz case in a worker subprocess with time and memory limits",
    "tests/unit/test_playground_trainer.py::test_numpy_script_reproduces_the_trainers_losses":
        "runs the exported script under CPython, where users run it",
    "tests/unit/test_playground_runlog.py::test_output_image_is_the_output_heatmap_in_the_playground_colours":
        "decodes the PNG with Pillow, which the Pyodide test wheels do not include",
    "tests/unit/test_playground_runlog.py::test_tensorboard_reads_the_same_values":
        "runs TensorBoard's EventAccumulator in the examples' venv in a subprocess",
}


def cpython_only_reason(nodeid):
    """The reason a test cannot run in Pyodide, or None when it runs in both runtimes."""
    for key, reason in CPYTHON_ONLY.items():
        if nodeid == key or nodeid.startswith(key if key.endswith(("/", ".py")) else key + "["):
            return reason
    return None
