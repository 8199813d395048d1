"""`build.py serve` on a first run: the site is served at once and the examples train behind it.

The real command runs with its own build folder (NNLAB_BUILD) and an empty examples cache
(NNLAB_EXAMPLES_CACHE; the TensorFlow venv and the data sets stay in the user's cache), in
quick mode. The examples' TensorFlow venv is made on first use, as `serve` makes it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request

import pytest

from conftest import ROOT, wait_ready

pytestmark = pytest.mark.e2e
SERVED_WITHIN_S = 120  # the site alone: seconds when the caches are warm
TRAINED_WITHIN_MS = 300_000  # the TensorFlow venv made once, then MNIST in quick mode


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as res:
        return res.status, res.read()


@pytest.fixture
def first_serve(tmp_path):
    """`build.py serve --quick-examples` with nothing trained; yields (url, lines printed so far)."""
    port = free_port()
    env = dict(os.environ, NNLAB_BUILD=str(tmp_path / "build"), NNLAB_EXAMPLES_CACHE=str(tmp_path / "examples"))
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--quick-examples"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # its own group: the examples' TensorFlow is stopped with it
    lines, served = [], threading.Event()

    def relay():
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith("Serving nnlab at"):
                served.set()
    threading.Thread(target=relay, daemon=True).start()
    try:
        assert served.wait(SERVED_WITHIN_S), "serve printed no URL:\n" + "\n".join(lines[-30:])
        yield f"http://127.0.0.1:{port}/", lines, tmp_path / "build" / "site" / "data"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_serve_answers_before_the_examples_train_and_the_board_offers_them_when_ready(first_serve, page):
    url, lines, data = first_serve
    status, body = get(url + "index.html")
    assert status == 200 and b"nnlab" in body
    state = json.loads(get(url + "data/examples-status.json")[1])
    assert state["state"] in ("preparing", "training") and state["ready"] == 0, state  # not trained yet
    assert json.loads(get(url + "data/manifest.json")[1])["examples"] == []

    page.goto(url + "board.html")
    wait_ready(page)
    note = page.locator("[data-testid=examples-status]")
    note.wait_for(state="visible")
    assert "Built-in examples:" in note.text_content()
    # No reload: the page offers MNIST when the background training publishes it, and opens it (first sight).
    page.wait_for_selector("[data-testid=example]", timeout=TRAINED_WITHIN_MS)
    assert "MNIST" in page.locator("[data-testid=example]").first.text_content()
    page.wait_for_selector('main.bd[data-board="ready"]')
    page.screenshot(path="/tmp/shots/serve-first-run.png")
    assert page.locator("[data-testid=board-status]").text_content().startswith("Showing the built-in example")
    printed = "\n".join(lines)
    assert "[examples] mnist_with_summaries: training (quick)" in printed
    assert lines.index(next(x for x in lines if x.startswith("Serving nnlab at"))) < \
        lines.index("[examples] mnist_with_summaries: training (quick)")
    assert (data / "mnist_with_summaries" / "example.json").is_file()

    # The Projector, opened meanwhile, shows word2vec_optimized (its first sight) once it is trained.
    page.goto(url + "projector.html")
    wait_ready(page)
    page.wait_for_selector("[data-example=word2vec_optimized]", timeout=TRAINED_WITHIN_MS)
    page.wait_for_selector('main.pj[data-projector="ready"]')
    shown = page.evaluate("() => window.nnlabProjector.app.ds.n")
    manifest = json.loads(get(url + "data/manifest.json")[1])
    entry = next(e for e in manifest["examples"] if e["name"] == "word2vec_optimized")
    config = json.loads(get(url + "data/" + entry["projector"])[1])
    assert shown == config["embeddings"][0]["tensorShape"][0] == 10_000  # every point of what was published
    assert page.text_content("[data-testid=points-visible]") == "10000"
    page.screenshot(path="/tmp/shots/serve-first-run-projector.png")
