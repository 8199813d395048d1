"""Run a piece of the page's JavaScript in Node.js (CPython only: a subprocess)."""

import json
import subprocess


def node_json(script, timeout=60):
    """Run ES-module `script` in Node.js; it prints one JSON value, which is returned."""
    # On standard input, not argv: a script carrying data can pass the system's argument size limit.
    done = subprocess.run(["node", "--input-type=module"], input=script, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
