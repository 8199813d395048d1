"""The Projector's data sources in Chromium: `?config=URL` with two tensors and a sprite
sheet, a sprite too small for its points, a config picked with its files, drag and drop."""

import json

import numpy as np
import pytest

from conftest import wait_ready
from nnlab.examples.embeddings import png_bytes, sprite_sheet

# The page would open the site's word2vec_optimized example by itself: these tests bring their own data.
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_site_examples")]
N_SPRITE, N_PLAIN, PIC = 40, 30, 16


def tid(name):
    return f'[data-testid="{name}"]'


def files_for(sprite_side=PIC):
    """The bytes a config server would hold: two embeddings, the first with sprites."""
    rng = np.random.default_rng(3)
    first = (rng.normal(size=(4, 8))[np.arange(N_SPRITE) % 4] * 3 + rng.normal(size=(N_SPRITE, 8))).astype("<f4")
    plain = rng.normal(size=(N_PLAIN, 4))
    pictures = np.zeros((N_SPRITE, sprite_side, sprite_side), dtype=np.uint8)  # black squares
    config = {"embeddings": [
        {"tensorName": "digits", "tensorShape": [N_SPRITE, 8], "tensorPath": "first.bytes",
         "metadataPath": "first.tsv", "sprite": {"imagePath": "sheet.png", "singleImageDim": [PIC, PIC]}},
        {"tensorName": "plain", "tensorPath": "plain.tsv", "metadataPath": "plain_meta.tsv"},
    ]}
    return {
        "config.json": json.dumps(config).encode(),
        "first.bytes": first.tobytes(),
        "first.tsv": ("label\tgroup\n" + "".join(f"p{i}\tg{i % 4}\n" for i in range(N_SPRITE))).encode(),
        "sheet.png": png_bytes(sprite_sheet(pictures)),
        "plain.tsv": "".join("\t".join(f"{v:.4f}" for v in row) + "\n" for row in plain).encode(),
        "plain_meta.tsv": "".join(f"w{i}\n" for i in range(N_PLAIN)).encode(),
    }


def serve_files(page, site_url, files):
    """Answer {site_url}testdata/<name> from `files` (a static host holding a config and its files)."""
    def handle(route):
        name = route.request.url.split("/testdata/")[1]
        if name in files:
            route.fulfill(status=200, body=files[name])
        else:
            route.fulfill(status=404, body=b"not found")
    page.route(f"{site_url}testdata/**", handle)


def wait_loaded(page, n):
    page.wait_for_selector('main.pj[data-projector="ready"]', timeout=60_000)
    page.wait_for_function(f"() => document.querySelector('{tid('points-visible')}').textContent === '{n}'")


def dark_pixels(page):
    """Near-black pixels in the WebGL canvas (sprites here are black squares; dots never are)."""
    page.wait_for_selector(f'{tid("plot")}[data-pending="0"]')  # every change drawn
    return page.evaluate("""() => {
      const src = document.querySelector('[data-testid="plot"] canvas');
      const c = document.createElement('canvas');
      c.width = src.width; c.height = src.height;
      const g = c.getContext('2d');
      g.drawImage(src, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] < 60 && px[i + 1] < 60 && px[i + 2] < 60) dark++;
      return dark;
    }""")


def test_config_url_with_two_tensors_and_sprites(page, site_url):
    serve_files(page, site_url, files_for())
    page.goto(f"{site_url}projector.html?config=testdata/config.json")
    wait_ready(page)
    wait_loaded(page, N_SPRITE)
    page.wait_for_selector(f'{tid("plot")}[data-sprites="on"]')
    assert page.is_visible(tid("tensor"))
    assert page.eval_on_selector(tid("tensor"), "s => [...s.options].map(o => o.text)") == ["digits", "plain"]
    with_sprites = dark_pixels(page)
    assert with_sprites > N_SPRITE * 40, with_sprites  # each point a 22-px picture, some overlap
    page.select_option(tid("tensor"), "1")
    wait_loaded(page, N_PLAIN)
    assert page.get_attribute(tid("plot"), "data-sprites") == "off"
    assert dark_pixels(page) < N_PLAIN * 4
    assert page.eval_on_selector(tid("label-by"), "s => [...s.options].map(o => o.text)")[1:] == ["label"]


def test_a_sprite_too_small_is_reported_and_the_points_stay(page, site_url):
    files = files_for(sprite_side=PIC // 2)  # half-size pictures: the sheet cannot hold 40 of 16x16
    serve_files(page, site_url, files)
    page.goto(f"{site_url}projector.html?config=testdata/config.json")
    wait_ready(page)
    wait_loaded(page, N_SPRITE)
    page.wait_for_function(f"() => document.querySelector('{tid('pj-status')}').classList.contains('error')")
    status = page.text_content(tid("pj-status"))
    assert "sheet.png" in status and "16×16" in status, status
    assert page.get_attribute(tid("plot"), "data-sprites") == "off"


def test_a_missing_config_url_says_so(page, site_url):
    serve_files(page, site_url, {})
    page.goto(f"{site_url}projector.html?config=testdata/nothing.json")
    wait_ready(page)
    page.wait_for_selector('main.pj[data-projector="error"]', timeout=60_000)
    assert "404" in page.text_content(tid("pj-status"))


def test_config_picked_with_its_files_and_dropped_files(page, site_url, tmp_path):
    files = files_for()
    for name, blob in files.items():
        (tmp_path / name).write_bytes(blob)
    page.goto(f"{site_url}projector.html")
    wait_ready(page)
    picked = ["config.json", "first.bytes", "first.tsv", "sheet.png", "plain.tsv", "plain_meta.tsv"]
    page.set_input_files(tid("pick-files"), [str(tmp_path / n) for n in picked])
    wait_loaded(page, N_SPRITE)
    page.wait_for_selector(f'{tid("plot")}[data-sprites="on"]')
    # Drag and drop of a vectors TSV and its metadata: the drop replaces the dataset.
    page.evaluate("""([vectors, meta]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([vectors], 'dropped.tsv'));
      dt.items.add(new File([meta], 'dropped_meta.tsv'));
      document.querySelector('main.pj').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", [files["plain.tsv"].decode(), files["plain_meta.tsv"].decode()])
    wait_loaded(page, N_PLAIN)
    assert page.get_attribute(tid("plot"), "data-sprites") == "off"
    assert not page.is_visible(tid("tensor"))
    assert "dropped.tsv" in page.text_content(tid("pj-status"))


def test_a_slow_full_draw_drags_a_subset_and_redraws_all_on_release(page, site_url, tmp_path):
    n = 100_000
    X = np.random.default_rng(5).normal(size=(n, 4)).astype("<f4")
    (tmp_path / "big.bytes").write_bytes(X.tobytes())
    config = {"embeddings": [{"tensorName": "big", "tensorShape": [n, 4], "tensorPath": "big.bytes"}]}
    (tmp_path / "big.json").write_text(json.dumps(config))
    page.goto(f"{site_url}projector.html")
    wait_ready(page)
    page.set_input_files(tid("pick-files"), [str(tmp_path / "big.json"), str(tmp_path / "big.bytes")])
    wait_loaded(page, n)
    page.check(tid("dims-3"))
    page.wait_for_function(f"() => document.querySelector('{tid('plot')}').dataset.dims === '3'")
    box = page.locator(tid("plot")).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x + 12 * k, y + 5 * k)
        page.wait_for_selector(f'{tid("plot")}[data-pending="0"]')  # this move's frame is drawn
    cost = float(page.get_attribute(tid("plot"), "data-full-draw-ms"))
    drawn = int(page.get_attribute(tid("plot"), "data-drawn"))
    assert drawn == (20_000 if cost > 30 else n), (cost, drawn)
    page.mouse.up()
    page.wait_for_function(f"() => document.querySelector('{tid('plot')}').dataset.drawn === '{n}'")


def test_a_picked_log_folder_opens_its_checkpoint_variable(page, site_url, tmp_path):
    """A run folder written by TensorFlow (tests/fixtures/checkpoints/tf1: a Saver checkpoint whose
    `checkpoint` file names an absolute path, a config naming the variable `emb`, metadata)."""
    from conftest import ROOT
    import shutil
    folder = tmp_path / "run"
    shutil.copytree(ROOT / "tests/fixtures/checkpoints/tf1", folder)
    expected = json.loads((ROOT / "tests/fixtures/checkpoints/expected.json").read_text())["tf1"]["emb"]
    page.goto(f"{site_url}projector.html")
    wait_ready(page)
    page.set_input_files(tid("pick-folder"), str(folder))
    wait_loaded(page, 25)
    got = page.evaluate("() => { const a = window.nnlabProjector.app; return [a.ds.name, a.ds.dim, a.label(0), a.label(24)]; }")
    assert got == ["emb", 4, "w0", "w24"]
    assert len(expected["values"]) == 25


def test_first_sight_opens_word2vec_optimized_filling_the_window(page, site_url):
    """Opened on nothing, the Projector shows word2vec_optimized with PCA, no click needed, and its
    view takes at least 60% of a 1440 x 900 window's width beside the panels."""
    files = files_for()
    manifest = {"format": 1, "examples": [
        {"name": "mnist_with_summaries", "projector": "mnist/config.json", "logdir": None},
        {"name": "word2vec_optimized", "projector": "w2v/config.json", "logdir": None}]}

    def handle(route):
        path = route.request.url.split("/data/", 1)[1]
        if path == "manifest.json":
            route.fulfill(status=200, body=json.dumps(manifest), content_type="application/json")
        elif path.startswith("w2v/") and path[4:] in files:
            route.fulfill(status=200, body=files[path[4:]])
        else:
            route.fulfill(status=404, body=b"")
    page.unroute(f"{site_url}data/manifest.json")
    page.route(f"{site_url}data/**", handle)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{site_url}projector.html")
    wait_ready(page)
    wait_loaded(page, N_SPRITE)
    assert page.evaluate("() => window.nnlabProjector.app.state.projection") == "pca"
    page.wait_for_selector(f'{tid("plot")}[data-checksum]')
    width = page.locator(tid("plot")).bounding_box()["width"]
    assert width >= 0.6 * 1440, width
