"""The Projector in Chromium: a test TSV through the file picker, PCA, a bad TSV's line number,
live t-SNE, regex search against nnlab.projector.search, neighbours and isolate, 2-D/3-D."""

import json

import numpy as np
import pytest

from conftest import wait_ready
from nnlab.projector import io, search

# The page would open the site's word2vec_optimized example by itself: these tests bring their own data.
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_site_examples")]
N, CLUSTERS, DIM = 300, 5, 16
HOSTILE = "<img src=x onerror=\"window.__pwned = 1\">"


def tid(name):
    return f'[data-testid="{name}"]'


@pytest.fixture
def dataset(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(CLUSTERS), N // CLUSTERS)
    X = rng.normal(size=(CLUSTERS, DIM))[labels] * 4 + rng.normal(size=(N, DIM))
    words = [f"{'abcde'[c]}word{i}" for i, c in enumerate(labels)]
    words[7] = HOSTILE
    vectors = tmp_path / "vectors.tsv"
    vectors.write_text("\n".join("\t".join(f"{v:.5f}" for v in row) for row in X) + "\n")
    meta = tmp_path / "metadata.tsv"
    coins = rng.integers(0, 2, N)  # a label unrelated to the vectors: only supervision can separate it
    meta.write_text("word\tcluster\tcoin\n"
                    + "".join(f"{w}\tc{c}\t{'ht'[k]}\n" for w, c, k in zip(words, labels, coins)))
    return {"vectors": vectors, "metadata": meta, "words": words, "coins": coins}


def open_projector(page, site_url, files):
    page.goto(f"{site_url}projector.html")
    wait_ready(page)
    page.set_input_files(tid("pick-files"), [str(f) for f in files])
    page.wait_for_selector('main.pj[data-projector="ready"], main.pj[data-projector="error"]', timeout=60_000)


def visible(page):
    return int(page.text_content(tid("points-visible")))


def paused(page):
    """Pause the running t-SNE and wait until the step in flight, if any, has been shown."""
    page.click(tid("tsne-pause"))
    page.wait_for_selector(f'{tid("tsne-pause")}[data-inflight="0"]')


def frames(page, n):
    """Let the page run n animation frames (the t-SNE loop asks again within each)."""
    page.evaluate("""(n) => new Promise((done) => {
        const tick = () => (--n <= 0 ? done() : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
    })""", n)


def drawn(page):
    """Wait until the plot has drawn every change made so far."""
    page.wait_for_selector(f'{tid("plot")}[data-pending="0"]')


def checksum(page):
    return page.get_attribute(tid("plot"), "data-checksum")


def test_load_pca_and_bad_tsv(page, site_url, dataset, tmp_path):
    open_projector(page, site_url, [dataset["vectors"], dataset["metadata"]])
    assert page.get_attribute("main.pj", "data-projector") == "ready"
    page.wait_for_function(f"() => document.querySelector('{tid('points-visible')}').textContent === '{N}'")
    assert visible(page) == N
    assert page.get_attribute(tid("tab-pca"), "aria-selected") == "true"
    assert "%" in page.text_content(tid("pca-variance"))
    assert page.get_attribute(tid("plot"), "data-dims") == "2"
    assert page.evaluate("window.__pwned") is None
    bad = tmp_path / "bad.tsv"
    bad.write_text("1\t2\t3\n4\t5\t6\n7\tx\t9\n")
    page.set_input_files(tid("pick-files"), [str(bad)])
    page.wait_for_function(f"() => document.querySelector('{tid('pj-status')}').classList.contains('error')")
    message = page.text_content(tid("pj-status"))
    assert "bad.tsv" in message and "3" in message, message
    assert visible(page) == N  # the earlier dataset stays; nothing half-loaded


@pytest.mark.parametrize("header", [True, False])
def test_metadata_with_a_blank_line_labels_points_as_python_does(page, site_url, dataset, tmp_path, header):
    """A blank line inside metadata (with and without a header) shifts no label or colour."""
    rows = dataset["metadata"].read_text().splitlines()
    rows = rows if header else [r.split("\t")[0] for r in rows[1:]]
    meta = tmp_path / "blank-line-metadata.tsv"
    meta.write_text("\n".join(rows[:6] + [""] + rows[6:]) + "\n")
    expected = io.parse_metadata_tsv(meta.read_text(), meta.name, n_rows=N).columns[0]
    open_projector(page, site_url, [dataset["vectors"], meta])
    assert page.get_attribute("main.pj", "data-projector") == "ready"
    labels = page.evaluate(f"Array.from({{ length: {N} }}, (_, i) => window.nnlabProjector.app.label(i))")
    assert labels == expected and labels[0] == dataset["words"][0] and labels[-1] == dataset["words"][-1]
    for i in (0, N - 1):
        page.evaluate(f"window.nnlabProjector.app.select({i})")
        page.wait_for_function(f"() => document.querySelector('{tid('selected')}').textContent === {json.dumps(expected[i])}")


def test_tsne_runs_live(page, site_url, dataset):
    open_projector(page, site_url, [dataset["vectors"], dataset["metadata"]])
    page.click(tid("tab-tsne"))
    page.wait_for_function(f"() => Number(document.querySelector('{tid('tsne-iteration')}').textContent) > 5",
                           timeout=120_000)
    first = checksum(page)
    it1 = int(page.text_content(tid("tsne-iteration")))
    page.wait_for_function(f"() => Number(document.querySelector('{tid('tsne-iteration')}').textContent) > {it1 + 10}",
                           timeout=60_000)
    assert checksum(page) != first
    paused(page)
    held = page.text_content(tid("tsne-iteration"))
    frames(page, 30)
    assert page.text_content(tid("tsne-iteration")) == held
    assert page.get_attribute(tid("tsne-pause"), "data-inflight") == "0"
    assert visible(page) == N
    page.click('[data-testid="lang-zh"]')  # the buttons keep saying what they do now, in Chinese
    assert page.text_content(tid("tsne-pause")) == "继续" and page.text_content(tid("tsne-run")) == "重新运行"


def test_search_neighbors_isolate(page, site_url, dataset):
    open_projector(page, site_url, [dataset["vectors"], dataset["metadata"]])
    query = r"^b.*[13]$"
    expected = len(search.search(dataset["words"], query, True))
    assert expected > 0
    page.check(tid("search-regex"))
    page.fill(tid("search"), query)
    page.wait_for_function(f"() => document.querySelector('{tid('search-count')}').textContent === '{expected}'")
    page.evaluate("window.nnlabProjector.app.select(3)")
    page.wait_for_selector(f"{tid('neighbors')} li >> nth=99")
    assert page.locator(f"{tid('neighbors')} li").count() == 100
    assert "101" in page.text_content(tid("isolate"))
    page.click(tid("isolate"))
    assert visible(page) == 101
    page.click(tid("show-all"))
    assert visible(page) == N
    page.click(tid("clear-selection"))
    assert page.locator(f"{tid('neighbors')} li").count() == 0


def test_click_selects_and_3d(page, site_url, dataset):
    open_projector(page, site_url, [dataset["vectors"], dataset["metadata"]])
    drawn(page)
    target = page.evaluate("""() => {
        const s = window.nnlabProjector.app.scatter, r = s.host.getBoundingClientRect();
        const p = s.toScreen(0, r.width, r.height);
        return [r.left + p[0], r.top + p[1]];
    }""")
    page.mouse.click(*target)
    page.wait_for_selector(f"{tid('neighbors')} li >> nth=4")
    assert page.text_content(tid("selected")) == dataset["words"][0]
    before = checksum(page)
    page.check(tid("dims-3"))
    page.wait_for_function(f"() => document.querySelector('{tid('plot')}').dataset.dims === '3'")
    assert checksum(page) != before
    page.check(tid("dims-2"))
    page.wait_for_function(f"() => document.querySelector('{tid('plot')}').dataset.dims === '2'")
    page.click(tid("tab-custom"))
    page.check(tid("custom-regex"))
    page.fill(tid("custom-left"), "^a")
    page.fill(tid("custom-right"), "^b")
    page.fill(tid("custom-up"), "^c")
    page.fill(tid("custom-down"), "^d")
    before = checksum(page)
    page.click(tid("custom-apply"))
    page.wait_for_function(f"() => document.querySelector('{tid('plot')}').dataset.checksum !== '{before}'")
    assert "60" in page.text_content(tid("custom-counts"))
    assert visible(page) == N


def positions(page):
    return np.array(page.evaluate("Array.from(window.nnlabProjector.app.state.positions.data)"))


def test_bookmark_round_trip_and_coordinates_tsv(page, site_url, dataset, tmp_path):
    open_projector(page, site_url, [dataset["vectors"], dataset["metadata"]])
    page.evaluate("window.nnlabProjector.app.select(3)")
    page.wait_for_selector(f"{tid('neighbors')} li >> nth=99")
    page.click(tid("isolate"))
    assert visible(page) == 101
    with page.expect_download() as tsv:
        page.click(tid("export-tsv"))
    lines = open(tsv.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0] == "index\tlabel\tx\ty" and len(lines) == 102
    xy = positions(page).reshape(-1, 2)
    for line in lines[1:]:
        i, label, x, y = line.split("\t")
        assert label == dataset["words"][int(i)].replace("\t", " ")
        assert np.allclose([float(x), float(y)], xy[int(i)], rtol=1e-6)
    saved_sum = checksum(page)
    page.select_option(tid("color-by"), "-1")
    page.fill(tid("neighbor-k"), "40")
    with page.expect_download() as bookmark:
        page.click(tid("bookmark-save"))
    state = json.loads(open(bookmark.value.path()).read())
    assert state["n"] == N and len(state["isolated"]) == 101 and state["selected"] == 3
    assert (state["colorBy"], state["neighborK"], state["projection"]) == (-1, 40, "pca")  # what the controls show
    page.click(tid("show-all"))
    page.select_option(tid("color-by"), "0")
    page.fill(tid("neighbor-k"), "7")
    page.check(tid("dims-3"))
    page.wait_for_function(f"() => document.querySelector('{tid('plot')}').dataset.dims === '3'")
    assert visible(page) == N
    page.set_input_files(tid("bookmark-load"), bookmark.value.path())
    page.wait_for_function(f"() => document.querySelector('{tid('points-visible')}').textContent === '101'")
    assert checksum(page) == saved_sum and page.get_attribute(tid("plot"), "data-dims") == "2"
    assert page.is_checked(tid("dims-2")) and page.input_value(tid("color-by")) == "-1"
    assert page.input_value(tid("neighbor-k")) == "40"
    assert page.text_content(tid("selected")) == dataset["words"][3]
    junk = tmp_path / "junk.json"
    junk.write_text('{"hello": 1}')
    page.set_input_files(tid("bookmark-load"), str(junk))
    page.wait_for_function(f"() => document.querySelector('{tid('pj-status')}').classList.contains('error')")
    assert "junk.json" in page.text_content(tid("pj-status")) and visible(page) == 101


def knn_agreement(xy, labels, k=5):
    d = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, axis=1)[:, :k]
    return float((labels[nearest] == labels[:, None]).mean())


def test_supervision_separates_a_label_the_vectors_do_not_know(page, site_url, dataset):
    open_projector(page, site_url, [dataset["vectors"], dataset["metadata"]])
    page.click(tid("tab-tsne"))  # starts unsupervised; the slider then supervises the running t-SNE
    page.wait_for_function(f"() => Number(document.querySelector('{tid('tsne-iteration')}').textContent) > 0",
                           timeout=120_000)
    page.select_option(tid("supervise-column"), "coin")
    page.eval_on_selector(tid("supervise-weight"), "e => { e.value = 100; e.dispatchEvent(new Event('change')); }")
    start = int(page.text_content(tid("tsne-iteration")))
    page.wait_for_function(f"() => Number(document.querySelector('{tid('tsne-iteration')}').textContent) > {start + 400}",
                           timeout=120_000)
    paused(page)
    supervised = knn_agreement(positions(page).reshape(-1, 2), dataset["coins"])
    assert supervised > 0.75, supervised  # chance is 0.5: without supervision the coin is invisible
