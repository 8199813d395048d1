"""The Playground's network diagram, drawn on one canvas: thumbnails in their frames,
links highlighted under the pointer, inactive inputs faded."""

import pytest

from test_playground import open_playground, point_on_last_link

pytestmark = pytest.mark.e2e
NETWORK = "dataset=circle&seed=3&networkShape=3,2"

# The sheet's pixel under page point (x, y), as [r, g, b].
PIXEL_AT = """([x, y]) => {
    const c = document.querySelector('.net canvas.sheet');
    const box = c.getBoundingClientRect();
    const px = Math.floor((x - box.left) * c.width / box.width);
    const py = Math.floor((y - box.top) * c.height / box.height);
    return Array.from(c.getContext('2d').getImageData(px, py, 1, 1).data.slice(0, 3));
}"""


def node_centre(page, node_id):
    box = page.locator(f'.net .node[data-node="{node_id}"]').bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def pixel(page, x, y):
    return page.evaluate(PIXEL_AT, [x, y])


def wait_pixel(page, x, y, *, equal=None, unequal=None):
    """Wait until the sheet's pixel at (x, y) is `equal`, or is not `unequal` (an [r, g, b])."""
    page.wait_for_function("""([at, want, other]) => {
        const px = (%s)(at);
        return want ? px.join() === want.join() : px.join() !== other.join();
    }""" % PIXEL_AT, arg=[[x, y], equal, unequal])


def test_thumbnails_are_drawn_in_their_nodes(page, site_url):
    open_playground(page, site_url, NETWORK)
    wait_pixel(page, *node_centre(page, "out-0"), unequal=[255, 255, 255])  # the first snapshot's maps land
    # X1 is orange on the left, blue on the right; a hidden neuron's map is some shade, never blank white.
    x, y = node_centre(page, "in-x")
    left, right = pixel(page, x - 12, y), pixel(page, x + 12, y)
    assert left[2] < left[0], left  # orange: more red than blue
    assert right[2] > right[0], right  # blue
    for node in ("h0-0", "h1-1", "out-0"):
        assert pixel(page, *node_centre(page, node)) != [255, 255, 255], node
    # An input that is switched off is drawn faded: paler than the same shade switched on.
    x, y = node_centre(page, "in-xSquared")
    assert min(pixel(page, x - 15, y)) > min(left)


def test_hovered_link_is_highlighted_and_shows_its_weight(page, site_url):
    open_playground(page, site_url, NETWORK)
    x, y = point_on_last_link(page)
    before = pixel(page, x, y)
    page.mouse.move(x, y)
    card = page.locator('[data-testid="weight-card"]')
    card.wait_for(state="visible")
    assert "Weight is" in card.text_content()
    wait_pixel(page, x, y, unequal=before)  # drawn opaque, over a halo
    page.mouse.move(5, 5)
    page.wait_for_function("() => document.querySelector('[data-testid=\"weight-card\"]').hidden")
    wait_pixel(page, x, y, equal=before)
