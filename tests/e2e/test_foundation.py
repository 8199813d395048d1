"""End to end in Chromium: the worker answers, errors are shown, languages switch and carry."""

import numpy as np
import pytest

from conftest import wait_ready

pytestmark = pytest.mark.e2e
OUT = '[data-testid="check-output"]'


def run_check(page, n, rounds, seed):
    page.fill('[data-testid="check-n"]', str(n))
    page.fill('[data-testid="check-rounds"]', str(rounds))
    page.fill('[data-testid="check-seed"]', str(seed))
    page.click('[data-testid="check-run"]')
    page.wait_for_selector(f'{OUT}[data-kind="result"], {OUT}[data-kind="error"]')
    return page.get_attribute(OUT, "data-kind"), page.text_content(OUT)


def expected_trace(n, seed):
    a = np.random.default_rng(seed).standard_normal((n, n), dtype=np.float32)
    return float(np.trace(a @ a.T, dtype=np.float64))


def test_numpy_in_the_worker_gives_cpythons_answer(page, site_url):
    page.goto(site_url)
    wait_ready(page)
    assert "numpy 2.0.2" in page.text_content('[data-testid="loader"]')
    assert page.evaluate("window.nnlab.versions.started") == "snapshot"
    kind, text = run_check(page, 150, 3, 7)
    assert kind == "result", text
    shown = float(text.split("=")[1].split(",")[0])
    assert shown == pytest.approx(expected_trace(150, 7), abs=0.001)


def test_python_started_afresh_gives_the_same_answer(page, site_url):
    page.goto(site_url + "?snapshot=off")
    wait_ready(page)
    assert page.evaluate("window.nnlab.versions.started") == "fresh"
    kind, text = run_check(page, 150, 3, 7)
    assert kind == "result", text
    assert float(text.split("=")[1].split(",")[0]) == pytest.approx(expected_trace(150, 7), abs=0.001)


def test_python_error_is_shown_and_next_request_works(page, site_url):
    page.goto(site_url)
    wait_ready(page)
    kind, text = run_check(page, -5, 2, 0)
    assert kind == "error"
    assert text.startswith("Python raised ValueError: n must be between 1 and")
    kind, text = run_check(page, 20, 2, 1)
    assert kind == "result"
    assert float(text.split("=")[1].split(",")[0]) == pytest.approx(expected_trace(20, 1), abs=0.001)


def test_typed_arrays_progress_and_cancel_through_the_client(page, site_url):
    page.goto(site_url)
    wait_ready(page)
    out = page.evaluate("""async () => {
        const py = window.nnlab.client;
        const x = new Float32Array([1.5, -2, 3e-3]);
        const scaled = await py.call('diag.scale', {x, factor: 2});
        const progress = [];
        await py.call('diag.matmul', {n: 10, rounds: 4}, {onProgress: (p) => progress.push(p.round)});
        const long = py.call('diag.matmul', {n: 300, rounds: 100}, {onProgress: () => py.cancel(long.id)});
        const cancelled = await long.then(() => 'finished', (e) => e.type);
        const after = await py.call('diag.scale', {x: new Int32Array([3]), factor: 3});
        return {ctor: scaled.data.constructor.name, values: Array.from(scaled.data), shape: scaled.shape,
                sent: Array.from(x), progress, cancelled, after: Array.from(after.data), afterType: after.dtype};
    }""")
    assert out["ctor"] == "Float32Array" and out["shape"] == [3]
    assert out["values"] == pytest.approx([3.0, -4.0, 6e-3], rel=1e-6)
    assert out["sent"] == pytest.approx([1.5, -2, 3e-3], rel=1e-6)  # the caller's array is untouched
    assert out["progress"] == [1, 2, 3, 4]
    assert out["cancelled"] == "Cancelled"
    assert out["after"] == [9] and out["afterType"] == "int32"


def test_language_switch_changes_text_and_persists(page, site_url):
    page.goto(site_url)
    assert page.text_content("h1") == "Watch neural networks learn"
    page.click('[data-testid="lang-zh"]')
    assert page.text_content("h1") == "看神经网络如何学习"
    assert page.get_attribute("html", "lang") == "zh-Hans"
    wait_ready(page)
    assert "已就绪" in page.text_content('[data-testid="loader"]')
    page.reload()
    assert page.text_content("h1") == "看神经网络如何学习"
    page.click('[data-testid="tool-board"]')
    page.wait_for_url("**/board.html?lang=zh")  # the link carries the language
    assert page.text_content('nav a[aria-current="page"]') == "训练看板"
    wait_ready(page)
    page.click('[data-testid="lang-en"]')
    assert page.text_content('nav a[aria-current="page"]') == "Board"


@pytest.mark.parametrize("name", ["playground.html", "board.html", "projector.html"])
def test_tool_pages_start_python(page, site_url, name):
    page.goto(site_url + name)
    wait_ready(page)
    assert page.evaluate("window.nnlab.versions.started") == "snapshot"  # the build's memory snapshot


def test_scikit_learn_is_fetched_only_when_a_page_asks(page, site_url):
    fetched = []
    page.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
    page.goto(site_url)
    wait_ready(page)
    assert any(n.startswith("numpy-2.0.2") for n in fetched)
    assert not any(n.startswith(("scikit_learn", "scipy")) for n in fetched)
    loaded = page.evaluate("window.nnlab.client.load(['scikit-learn'])")
    assert loaded == {"loaded": ["scikit-learn"]}
    assert any(n.startswith("scikit_learn-1.6.1") for n in fetched)
    assert any(n.startswith("scipy-1.14.1") for n in fetched)
    # Our extra pure-Python wheel (not in Pyodide's lock) loads the same way and imports.
    assert page.evaluate("window.nnlab.client.load(['protobuf'])") == {"loaded": ["protobuf"]}
    assert any(n == "protobuf-6.33.6-py3-none-any.whl" for n in fetched)
