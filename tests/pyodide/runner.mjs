// Runs pytest inside Pyodide under Node.js, on the site's own hash-verified build/site/pyodide.
//
//   node tests/pyodide/runner.mjs <pyodide dir> <repo root> <wheel dir> <counts file> -- [pytest args]
//
// The repository is mounted at /repo (NODEFS), so the very files CPython tests run here too,
// with /repo as the working directory. Test-only wheels (pytest, TensorBoard's pure-Python
// reader, ...) are unpacked from <wheel dir>, where buildsys/pyodide_tests.py put them after
// checking their sha256. <counts file> (inside the repo) receives the pass/fail counts.
// Exit code: pytest's.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const SITE_PACKAGES = '/lib/python3.12/site-packages';
const [pyodideDir, repoRoot, wheelDir, countsFile, sep, ...pytestArgs] = process.argv.slice(2);
if (!countsFile || sep !== '--') {
  console.error('usage: node runner.mjs <pyodide dir> <repo root> <wheel dir> <counts file> -- [pytest args]');
  process.exit(2);
}
const root = path.resolve(repoRoot);
const counts = path.relative(root, path.resolve(countsFile));
if (counts.startsWith('..')) {
  console.error(`the counts file must lie inside ${root}`);
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { loadPyodide } = require(path.resolve(pyodideDir, 'pyodide.js'));

const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + '/' });
// Raw writes: pytest's progress dots arrive without newlines.
pyodide.setStdout({ write: (buf) => { process.stdout.write(buf); return buf.length; } });
pyodide.setStderr({ write: (buf) => { process.stderr.write(buf); return buf.length; } });
await pyodide.loadPackage(['numpy', 'scikit-learn'], { messageCallback: () => {} });
for (const name of readdirSync(wheelDir).filter((n) => n.endsWith('.whl')).sort()) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(wheelDir, name))), 'wheel',
    { extractDir: SITE_PACKAGES });
}
pyodide.FS.mkdir('/repo');
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root }, '/repo');
pyodide.globals.set('pytest_args', pyodide.toPy(pytestArgs));
pyodide.globals.set('counts_file', '/repo/' + counts);
const code = await pyodide.runPythonAsync(`
import importlib, os, sys
importlib.invalidate_caches()
os.chdir('/repo')
os.environ['NNLAB_TEST_COUNTS'] = counts_file
import pytest
int(pytest.main(list(pytest_args)))
`);
process.exit(code);
