"""The worker imports nnlab.api before any optional package is loaded: it must start with numpy alone."""

import subprocess
import sys

from buildsys.common import ROOT

BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('google', 'scipy', 'sklearn'):
            raise ImportError(f'{name} is not loaded in the browser at start-up')
sys.meta_path.insert(0, Block())
import nnlab.api
server = nnlab.api.make_server()
server.submit({'v': 1, 'id': 1, 'type': 'diag.versions', 'params': {}})
[reply] = server.tick()
assert reply['type'] == 'result', reply
print('ok')
"""


def test_api_starts_with_numpy_only():
    done = subprocess.run([sys.executable, "-c", BLOCK], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "py")})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
