"""The Projector page's state object (site/js/projector/state.js), run in Node.js: a bookmark is
the state as JSON and reads back equal; old (version 1) bookmarks still open; hostile or
mismatched values fall back to defaults or are refused with a reason, never half-applied."""

import json

from tests.conftest import ROOT
from tests.nodejs import node_json

STATE_JS = (ROOT / "site" / "js" / "projector" / "state.js").as_uri()


def run(body):
    """Evaluate `body` (JS statements ending in `return value`) with state.js as `s`; the value as JSON."""
    return node_json(f"const s = await import({json.dumps(STATE_JS)});"
                     f"const out = (() => {{ {body} }})();"
                     "console.log(JSON.stringify(out));")


def test_a_bookmark_is_the_state_and_reads_back_equal():
    out = run("""
      const st = s.defaults();
      Object.assign(st, { projection: 'tsne', dims: 3, perplexity: 12, learningRate: '100', colorBy: 2, labelBy: 1,
        searchQuery: 'ab.*', searchRegex: true, searchColumn: 'word', selected: 4, neighborK: 20,
        customLeft: 'a', customRegex: true, sphereize: true, pcaX: 3,
        isolated: Uint32Array.from([4, 1, 2]), sample: null, camera: { yaw: 0.5, pitch: -0.2, zoom: 2 },
        positions: { dims: 3, data: Float32Array.from({ length: 30 }, (_, i) => i / 7) } });
      const text = JSON.stringify(s.toJSON(st, { name: 'words', n: 10 }));
      const back = s.fromJSON(JSON.parse(text), 10);
      return { saved: JSON.parse(text), again: s.toJSON(back, { name: 'words', n: 10 }),
               typed: [back.isolated.constructor.name, back.positions.data.constructor.name] };
    """)
    assert out["again"] == out["saved"]
    assert out["saved"]["format"] == "nnlab-projector-bookmark" and out["saved"]["version"] == 2
    assert out["saved"]["isolated"] == [4, 1, 2] and out["saved"]["selected"] == 4
    assert out["typed"] == ["Uint32Array", "Float32Array"]


def test_a_version_1_bookmark_still_opens():
    out = run("""
      const v1 = { format: 'nnlab-projector-bookmark', version: 1, dataset: 'w', n: 3, projection: 'pca', dims: 2,
        positions: [0, 1, 2, 3, 4, 5], sample: null, isolated: [0, 2], selected: 1, search: 'x',
        camera: { zoom: 1 }, colorBy: '0', labelBy: '-1' };
      const st = s.fromJSON(v1, 3);
      return { dims: st.positions.dims, data: Array.from(st.positions.data), q: st.searchQuery,
               colorBy: st.colorBy, labelBy: st.labelBy, isolated: Array.from(st.isolated), selected: st.selected };
    """)
    assert out == {"dims": 2, "data": [0, 1, 2, 3, 4, 5], "q": "x", "colorBy": 0, "labelBy": -1,
                   "isolated": [0, 2], "selected": 1}


def test_hostile_values_take_defaults_and_wrong_bookmarks_are_refused():
    out = run("""
      const bad = { format: 'nnlab-projector-bookmark', version: 2, n: 4, projection: '<img onerror=x>',
        dims: 7, perplexity: 1e9, selected: 99, isolated: [0, 4], sample: [1, -1], colorBy: 'x',
        positions: { dims: 2, data: [0, 1, NaN] }, camera: { zoom: 'big' }, searchQuery: 5,
        __proto__: { polluted: true } };
      const st = s.fromJSON(JSON.parse(JSON.stringify(bad)), 4);
      const reasons = [[{ hello: 1 }, 4], [null, 4], [{ ...bad, n: 5 }, 4]].map(([b, n]) => {
        try { s.fromJSON(b, n); return 'accepted'; } catch (err) { return err.reason; }
      });
      return { st: s.toJSON(st, { name: 'x', n: 4 }), defaults: s.toJSON(s.defaults(), { name: 'x', n: 4 }),
               reasons, polluted: {}.polluted ?? null };
    """)
    assert out["st"] == out["defaults"]
    assert out["reasons"] == ["format", "format", "size"] and out["polluted"] is None
