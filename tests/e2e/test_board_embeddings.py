"""The Board's EMBEDDINGS tab in Chromium: runs with a projector config and a TensorFlow
checkpoint (tests/fixtures/checkpoints, written by TensorFlow), served and picked, open in
the full Projector with the checkpoint's rows and the metadata's labels."""

import json
import shutil

import pytest

from conftest import ROOT, logdir_served, wait_ready

pytestmark = pytest.mark.e2e
CHECKPOINTS = ROOT / "tests/fixtures/checkpoints"
EVENTS = ROOT / "tests/fixtures/events"
EXPECTED = json.loads((CHECKPOINTS / "expected.json").read_text())
TF2_VAR = "embedding/.ATTRIBUTES/VARIABLE_VALUE"
# (run, tensor, shape) in the order the tab lists them (by config path)
LISTED = [("tf1/bare", "emb", "25 × 4"), ("tf1/bare", "nce_w", "25 × 4"), ("tf1", "emb", "25 × 4"),
          ("tf2", TF2_VAR, "40 × 6")]


@pytest.fixture
def logdir(tmp_path):
    root = tmp_path / "logs"
    shutil.copytree(EVENTS / "tf2", root / "train")
    for name in ("tf1", "tf2"):
        shutil.copytree(CHECKPOINTS / name, root / name)
    return root


@pytest.fixture
def served(site_server, logdir):
    with logdir_served(site_server, logdir) as url:
        yield url


def listed(page):
    page.wait_for_selector('[data-testid="embeddings-list"]')
    return page.eval_on_selector_all('[data-testid="embedding"]', """rows => rows.map(r => [r.dataset.run, r.dataset.tag,
        r.children[2].textContent])""")


def frame_shows(page, n):
    """The Projector frame once it shows `n` points: {n, first, last label, checksum}."""
    frame = page.frame_locator('[data-testid="projector-frame"]')
    frame.locator(f'main.pj[data-projector="ready"] [data-testid="points-visible"]:text-is("{n}")').wait_for(timeout=120_000)
    handle = page.locator('[data-testid="projector-frame"]').element_handle().content_frame()
    handle.wait_for_function("() => document.querySelector('[data-testid=\"plot\"]').dataset.checksum")
    return handle.evaluate("""() => { const app = window.nnlabProjector.app;
        return { n: app.ds.n, dim: app.ds.dim, first: app.label(0), last: app.label(app.ds.n - 1),
                 name: app.ds.name, checksum: document.querySelector('[data-testid="plot"]').dataset.checksum }; }""")


def test_served_logdir_lists_checkpoint_embeddings_and_opens_them(page, served):
    page.goto(f"{served}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=90_000)
    runs = page.eval_on_selector_all('[data-testid="run-item"]', "els => els.map(e => e.dataset.run)")
    assert set(runs) == {"train/train", "train/eval", "tf1", "tf1/bare", "tf2"}  # folders with embeddings only are runs too
    assert "(3)" in page.text_content('[data-testid="tab-embeddings"]')
    page.click('[data-testid="tab-embeddings"]')
    assert [tuple(r) for r in listed(page)] == LISTED
    first = frame_shows(page, 25)  # the first embedding opens by itself, as in TensorBoard
    assert first["name"] == "emb" and first["dim"] == 4
    page.click(f'[data-testid="embedding"][data-run="tf2"] [data-testid="embedding-open"]')
    shown = frame_shows(page, 40)
    assert (shown["dim"], shown["first"], shown["last"]) == (6, "word0", "word39")
    assert len(EXPECTED["tf2"][TF2_VAR]["values"]) == 40
    page.click(f'[data-testid="embedding"][data-run="tf1"] [data-testid="embedding-open"]')
    tf1 = frame_shows(page, 25)
    assert (tf1["first"], tf1["last"]) == ("w0", "w24")  # a header row: the name column labels


def test_picked_run_folder_opens_its_checkpoint_embedding(page, site_url, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(CHECKPOINTS / "tf2", folder)
    page.goto(f"{site_url}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="waiting"], main.bd[data-board="ready"]', timeout=90_000)
    page.set_input_files('[data-testid="pick-folder"]', str(folder))
    page.wait_for_function("() => !document.querySelector('[data-testid=\"open-own\"]') || document.querySelector('[data-testid=\"open-own\"]').hidden")
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=90_000)
    page.click('[data-testid="tab-embeddings"]')
    assert [tuple(r) for r in listed(page)] == [(".", TF2_VAR, "40 × 6")]
    shown = frame_shows(page, 40)
    assert (shown["first"], shown["last"]) == ("word0", "word39")


def test_a_broken_config_is_reported_and_the_rest_still_listed(page, served, logdir):
    (logdir / "broken").mkdir()
    (logdir / "broken" / "projector_config.pbtxt").write_text('embeddings { tensor_name: "x" ')
    page.goto(f"{served}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="ready"]', timeout=90_000)
    page.click('[data-testid="tab-embeddings"]')
    assert len(listed(page)) == len(LISTED)
    error = page.text_content('[data-testid="embedding-error"]')
    assert "broken/projector_config.pbtxt" in error


def pick_folder(page, site_url, folder):
    """Open the Board, pick `folder` (one run) and show its EMBEDDINGS tab."""
    page.goto(f"{site_url}board.html")
    wait_ready(page)
    page.wait_for_selector('main.bd[data-board="waiting"], main.bd[data-board="ready"]', timeout=90_000)
    page.set_input_files('[data-testid="pick-folder"]', str(folder))
    page.locator('[data-testid="board-status"]', has_text="1 run").wait_for()
    page.click('[data-testid="tab-embeddings"]')


def test_tensorboardx_add_embedding_folder_lists_both_tensors_with_their_metadata(page, site_url):
    """tensorboardX's add_embedding (fixtures/embeddings/tbx): the config at the folder's root,
    tensors and metadata under <step>/<tag>/, a header row in one of them."""
    pick_folder(page, site_url, ROOT / "tests/fixtures/embeddings/tbx")
    assert [tuple(r) for r in listed(page)] == [(".", "points:00003", ""), (".", "table:00000", "")]
    first = frame_shows(page, 30)
    assert (first["first"], first["last"], first["dim"]) == ("p0", "p29", 5)
    page.click('[data-testid="embedding"][data-tag="table:00000"] [data-testid="embedding-open"]')
    table = frame_shows(page, 12)
    assert (table["first"], table["last"], table["dim"]) == ("a0", "a11", 3)


def test_a_run_with_a_sprite_sheet_draws_its_pictures_in_the_frame(page, site_url, tmp_path):
    """A projector_config.pbtxt with a .bytes tensor, metadata and a sprite sheet (the standalone
    test files of test_projector_config), picked as a folder: the Projector frame draws the sprites."""
    from test_projector_config import N_SPRITE, PIC, dark_pixels, files_for
    run = tmp_path / "logs" / "sprites"
    run.mkdir(parents=True)
    for name, body in files_for().items():
        (run / name).write_bytes(body)
    (run / "projector_config.pbtxt").write_text(
        f'embeddings {{ tensor_name: "digits" tensor_path: "first.bytes" tensor_shape: [{N_SPRITE}, 8]\n'
        f'  metadata_path: "first.tsv" sprite {{ image_path: "sheet.png" single_image_dim: [{PIC}, {PIC}] }} }}\n')
    pick_folder(page, site_url, tmp_path / "logs")
    assert [tuple(r) for r in listed(page)] == [("sprites", "digits", f"{N_SPRITE} × 8")]
    shown = frame_shows(page, N_SPRITE)
    assert (shown["first"], shown["last"]) == ("p0", f"p{N_SPRITE - 1}")
    frame = page.locator('[data-testid="projector-frame"]').element_handle().content_frame()
    frame.wait_for_selector('[data-testid="plot"][data-sprites="on"]')
    assert dark_pixels(frame) > N_SPRITE * 40
