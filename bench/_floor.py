"""The floor of this design for bench/startup.py: a bare page whose worker only starts the
site's own Pyodide and numpy (import numpy answers), with or without the build's memory
snapshot (`floor?snapshot=on`). A page of ours can only be slower than this.

`floor_site(site, folder)` writes the page into `folder` with links to the site's
pyodide/ and generated/ folders, so it reads exactly the same files as the pages.
"""

from pathlib import Path

CSP = ("default-src 'self'; script-src 'self' blob: 'wasm-unsafe-eval'; connect-src 'self'; "
       "worker-src 'self' blob:; object-src 'none'; base-uri 'none'")
PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>floor</title><script src="floor.js" defer></script></head>
<body><p>floor</p></body></html>
"""
PAGE_JS = """
const worker = new Worker(`floor-worker.js${location.search}`);
worker.onmessage = ({ data }) => {
  performance.mark(`nnlab:${data}`);
  if (data === 'ready') document.body.dataset.status = 'ready';
  if (String(data).startsWith('error')) document.body.textContent = data;
};
"""
WORKER_JS = """
const snapshotOn = new URLSearchParams(location.search).get('snapshot') === 'on';
async function snapshot() {
  const res = await fetch('generated/pyodide-snapshot.bin.gz');
  return new Uint8Array(await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}
(async () => {
  const snap = snapshotOn ? snapshot() : null;
  importScripts('pyodide/pyodide.js');
  const options = { indexURL: new URL('pyodide/', location.href).href };
  const py = await loadPyodide(snap ? { ...options, _loadSnapshot: await snap } : options);
  postMessage('runtime');
  await py.loadPackage(['numpy'], { messageCallback: () => {} });
  postMessage('numpy');
  py.runPython('import numpy');
  postMessage('ready');
})().catch((err) => postMessage(`error ${err}`));
"""


def floor_site(site, folder):
    """Write floor.html and its scripts into `folder`, beside links to site's Pyodide files."""
    folder = Path(folder)
    (folder / "floor.html").write_text(PAGE)
    (folder / "floor.js").write_text(PAGE_JS)
    (folder / "floor-worker.js").write_text(WORKER_JS)
    for name in ("pyodide", "generated"):
        (folder / name).symlink_to(Path(site).resolve() / name, target_is_directory=True)
    return folder
