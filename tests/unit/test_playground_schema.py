"""The Playground's state schema is defined once (nnlab.playground.schema): the page reads URL
hashes with the module the build generates from it, and every config the page then sends is
one Python accepts unchanged, for TensorFlow Playground links, odd hashes and random ones."""

import json
import random
import shutil

import pytest

from nnlab.playground import schema
from nnlab.playground.config import normalize_config
from nnlab.playground.datasets import DATASETS
from nnlab.playground.features import FEATURE_FUNCTIONS
from nnlab.playground.activations import HIDDEN_ACTIVATIONS
from nnlab.playground.network import REGULARIZATIONS
from tests.conftest import ROOT
from tests.nodejs import node_json

# Links as TensorFlow Playground writes them (its share URL), plus odd and hostile hashes.
ANCHOR_LINKS = [
    "#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=4,2&seed=0.49213&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false",
    "#activation=relu&batchSize=3&dataset=spiral&regDataset=reg-plane&learningRate=0.01&regularizationRate=0.003"
    "&noise=25&networkShape=8,8,5&seed=0.91012&showTestData=true&discretize=true&percTrainData=70&x=true&y=true"
    "&xTimesY=true&xSquared=true&ySquared=true&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false"
    "&problem=classification&initZero=false&hideText=false&regularization=L2",
    "#activation=linear&batchSize=30&dataset=gauss&regDataset=reg-gauss&learningRate=0.3&regularizationRate=0"
    "&noise=5&networkShape=&seed=0.1&showTestData=false&discretize=false&percTrainData=10&x=true&y=false"
    "&problem=regression&initZero=true",
]
ODD_HASHES = [
    "", "#", "#noise=200&percTrainData=3&batchSize=0", "#learningRate=0.5&regularizationRate=7",
    "#learningRate=0.030&regularizationRate=1e-3", "#networkShape=9,9,9,9,9,9,9,9&seed=abc",
    "#networkShape=4,0", "#networkShape=2.5", "#seed=%3Cscript%3E&activation=mish", "#problem=multiclass",
    "#problem=multiclass&mcDataset=spiral3&loss=square", "#problem=regression&loss=cross_entropy",
    "#x=false&y=false&sinX=true", "#batchSize=12.6&noise=-4&percTrainData=nan", "#showTestData=yes&initZero=1",
    "#toString=1&__proto__=x&constructor=y",
]


def random_hashes(n, seed=7):
    """Hashes with every schema key, each a valid value, an edge or garbage."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for key, spec in schema.PARAMS.items():
            if spec["type"] == "enum":
                value = rng.choice([*map(str, spec["values"]), "bogus", ""])
            elif spec["type"] == "int":
                value = str(rng.choice([spec["min"], spec["max"], rng.uniform(-10, 120), "x"]))
            elif spec["type"] == "bool":
                value = rng.choice(["true", "false", "1"])
            elif spec["type"] == "shape":
                value = ",".join(str(rng.randint(0, 10)) for _ in range(rng.randint(0, 8)))
            else:
                value = rng.choice(["0", "123456789", "0.5", "x" * 50, "a b"])
            parts.append(f"{key}={value}")
        rng.shuffle(parts)
        out.append("#" + "&".join(parts))
    return out


def test_python_tables_agree_with_the_schema():
    assert tuple(FEATURE_FUNCTIONS) == schema.FEATURES
    assert set(schema.PARAMS["activation"]["values"]) == set(HIDDEN_ACTIVATIONS)
    assert set(schema.PARAMS["regularization"]["values"]) == set(REGULARIZATIONS)
    for problem, key in schema.DATASET_KEY.items():
        assert schema.PARAMS[key]["values"] == [n for n, d in DATASETS.items() if d.problem == problem]
    c = normalize_config({})
    for key in ("activation", "regularization", "batchSize", "dataset", "learningRate", "regularizationRate",
                "noise", "networkShape", "percTrainData", "problem", "loss", "initZero"):
        assert c[key] == schema.PARAMS[key]["default"], key
    assert c["features"] == [f for f in schema.FEATURES if schema.PARAMS[f]["default"]]


@pytest.mark.parametrize("key, bad, message", [
    ("learningRate", 0.5, r"learningRate must be in \{1e-05, 0.0001"),
    ("learningRate", 100, r"learningRate must be in \[1e-05, 10\]"),
    ("noise", 81, r"noise must be in \[0, 80\]"),
    ("noise", 12.5, "whole number"),
    ("networkShape", [9], "at most 6 hidden layers of 1 to 8 neurons"),
    ("networkShape", [1] * 7, "at most 6 hidden layers"),
    ("problem", "ranking", "problem must be one of classification, regression, multiclass"),
])
def test_python_rejects_what_the_schema_does_not_allow(key, bad, message):
    with pytest.raises(ValueError, match=message):
        normalize_config({key: bad})


def page_configs(hashes, tmp_path):
    """What the page makes of each hash: (state, trainerConfig, state after a toHash round trip),
    from site/js/playground/state.js and the schema module the build generates."""
    (tmp_path / "js" / "playground").mkdir(parents=True)
    (tmp_path / "generated").mkdir()
    shutil.copy(ROOT / "site" / "js" / "playground" / "state.js", tmp_path / "js" / "playground")
    (tmp_path / "generated" / "playground-schema.js").write_text(schema.schema_module())
    (tmp_path / "hashes.json").write_text(json.dumps(hashes))
    script = (
        "import { readFileSync } from 'node:fs';"
        f"const s = await import({json.dumps((tmp_path / 'js/playground/state.js').as_uri())});"
        f"const hashes = JSON.parse(readFileSync({json.dumps(str(tmp_path / 'hashes.json'))}, 'utf8'));"
        "console.log(JSON.stringify(hashes.map((h) => { const st = s.parseHash(h);"
        " return [st, s.trainerConfig(st), s.parseHash(s.toHash(st))]; })));")
    return node_json(script)


def test_every_hash_the_page_reads_gives_a_config_python_accepts_unchanged(tmp_path):
    hashes = ANCHOR_LINKS + ODD_HASHES + random_hashes(300)
    results = page_configs(hashes, tmp_path)
    for h, (state, config, round_trip) in zip(hashes, results):
        assert round_trip == state, h
        assert set(state) == set(schema.PARAMS), h
        normalized = normalize_config(config)  # raises if the page would send something Python rejects
        for key, value in config.items():
            assert normalized[key] == value, (h, key)
    first = results[0][1]  # TF Playground's default link: its experiment, the seed text hashed
    assert (first["dataset"], first["networkShape"], first["features"], first["learningRate"]) == \
        ("circle", [4, 2], ["x", "y"], 0.03)
    assert results[2][1]["initZero"] is True and results[2][1]["networkShape"] == []
    clamped = results[len(ANCHOR_LINKS) + 2][0]
    assert (clamped["noise"], clamped["percTrainData"], clamped["batchSize"]) == (80, 10, 1)
    shape = results[len(ANCHOR_LINKS) + 5][0]
    assert shape["networkShape"] == [8] * 6 and shape["seed"] == "abc"
