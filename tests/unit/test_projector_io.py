"""Projector file readers: vectors (TSV, .bytes), metadata, JSON and pbtxt configs.

Every bad file must raise a ParseError naming the file and the 1-based line.
"""

import numpy as np
import pytest

from nnlab.projector import io
from nnlab.projector.errors import ParseError


def test_vectors_tsv_good_file_with_crlf_blank_lines_and_bom():
    text = "\ufeff1\t2.5\t-3e2\r\n\n4\t5\t6\r\n\n"
    X = io.parse_vectors_tsv(text)
    assert X.dtype == np.float32 and X.shape == (2, 3)
    np.testing.assert_array_equal(X, [[1, 2.5, -300], [4, 5, 6]])


def test_vectors_tsv_bytes_and_chunks_agree():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((57, 4)).astype(np.float32)
    text = "\n".join("\t".join(repr(float(v)) for v in row) for row in X)
    gen = io.iter_parse_vectors_tsv(text.encode(), "v.tsv", lines_per_chunk=10)
    progress = []
    while True:
        try:
            progress.append(next(gen))
        except StopIteration as stop:
            out = stop.value
            break
    assert progress[-1] == (57, 57) and len(progress) == 6
    np.testing.assert_array_equal(out, X)


@pytest.mark.parametrize("text, line, words", [
    ("1\t2\t3\n4\t5\n", 2, "2 values"),                       # ragged row
    ("1\t2\n\n3\tabc\n", 3, "not a number"),                   # non-number, after a blank line
    ("1\t2\n3\tNaN\n", 2, "not finite"),
    ("1\t2\n3\t-inf\n", 2, "not finite"),
    ("1\t1e39\n", 1, "float32 range"),
    ("1\t\t2\n", 1, "not a number"),                           # an empty field
    ("", 1, "empty"),
    ("\n \n", 1, "empty"),
    ("1 2 3\n", 1, "separated by tabs"),
])
def test_vectors_tsv_bad_files_name_file_and_line(text, line, words):
    with pytest.raises(ParseError) as info:
        io.parse_vectors_tsv(text, "vecs.tsv")
    msg = str(info.value)
    assert msg.startswith(f"vecs.tsv, line {line}:") and words in msg
    assert info.value.line == line and info.value.name == "vecs.tsv"


def test_vectors_tsv_not_utf8_names_line():
    with pytest.raises(ParseError, match=r"v.tsv, line 2: not UTF-8"):
        io.parse_vectors_tsv(b"1\t2\n\xff\t3\n", "v.tsv")


def test_vectors_bytes_round_trip_little_endian():
    X = np.arange(12, dtype="<f4").reshape(3, 4) / 3
    out = io.parse_vectors_bytes(X.tobytes(), [3, 4])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, X)
    np.testing.assert_array_equal(io.parse_vectors_bytes(memoryview(X.tobytes()), (3, 4)), X)


def test_vectors_bytes_bad_count_shape_and_nan():
    with pytest.raises(ParseError, match=r"^t.bytes: 44 bytes, but shape \[3, 4\] of float32 needs 48"):
        io.parse_vectors_bytes(b"\0" * 44, [3, 4], "t.bytes")
    with pytest.raises(ParseError, match=r"^t.bytes: tensor shape must be"):
        io.parse_vectors_bytes(b"\0" * 48, [12], "t.bytes")
    bad = np.zeros((3, 2), "<f4")
    bad[2, 1] = np.inf
    with pytest.raises(ParseError, match=r"^t.bytes, row 3: column 2 is not finite"):
        io.parse_vectors_bytes(bad.tobytes(), [3, 2], "t.bytes")


def test_metadata_one_column_has_no_header():
    meta = io.parse_metadata_tsv("cat\n\ndog\r\nbig cat\n", n_rows=3)
    assert meta.names == ["label"] and meta.columns == [["cat", "dog", "big cat"]]
    assert meta.lines == [1, 3, 4]


def test_metadata_several_columns_have_a_header():
    meta = io.parse_metadata_tsv("word\tcount\nthe\t10\nof\t\n", n_rows=2)
    assert meta.names == ["word", "count"]
    assert meta.columns == [["the", "of"], ["10", ""]]


@pytest.mark.parametrize("text, n_rows, line, words", [
    ("w\tc\na\t1\nb\n", None, 3, "1 fields"),
    ("w\tc\na\t1\t2\n", None, 2, "3 fields"),
    ("a\nb\n", 3, 3, "ends after 2 rows"),
    ("a\nb\nc\nd\n", 2, 3, "more metadata rows than vectors"),
    ("label\na\nb\n", 2, 1, "if line 1 is a header, remove it"),
    ("", None, 1, "empty"),
    ("w\tc\n", None, 2, "no data rows"),
    ("w\tw\na\tb\n", None, 1, "appears twice"),
])
def test_metadata_bad_files_name_file_and_line(text, n_rows, line, words):
    with pytest.raises(ParseError) as info:
        io.parse_metadata_tsv(text, "meta.tsv", n_rows=n_rows)
    assert str(info.value).startswith(f"meta.tsv, line {line}:") and words in str(info.value)


JSON_CONFIG = """{
  "embeddings": [
    {
      "tensorName": "Word2Vec 10K",
      "tensorShape": [10000, 200],
      "tensorPath": "oss_data/word2vec_10000_200d_tensors.bytes",
      "metadataPath": "oss_data/word2vec_10000_200d_labels.tsv"
    },
    {
      "tensorName": "Mnist as images",
      "tensorShape": [10000, 784],
      "tensorPath": "mnist.bytes",
      "sprite": {"imagePath": "mnist_sprite.png", "singleImageDim": [28, 28]}
    }
  ],
  "modelCheckpointPath": "Demo datasets"
}"""


def test_config_json_standalone_format():
    emb = io.parse_config(JSON_CONFIG, "oss_demo_projector_config.json")
    assert [e["tensor_name"] for e in emb] == ["Word2Vec 10K", "Mnist as images"]
    assert emb[0]["tensor_shape"] == [10000, 200] and emb[0]["metadata_path"].endswith("labels.tsv")
    assert emb[0]["sprite"] is None and emb[0]["line"] == 3
    assert emb[1]["sprite"] == {"image_path": "mnist_sprite.png", "single_image_dim": [28, 28]}
    assert emb[1]["line"] == 9 and emb[1]["metadata_path"] is None


@pytest.mark.parametrize("text, line, words", [
    ('{"embeddings": [\n  {"tensorPath": "a.tsv"},\n  {"tensorName": "b"}\n]}', 3, "no tensorPath"),
    ('{"embeddings": [\n  {"tensorPath": "a", "tensorShape": [10]}]}', 2, "2 entries"),
    ('{"embeddings": [\n  {"tensorPath": "a", "sprite": {"imagePath": "s.png"}}]}', 2, "single_image_dim"),
    ('{\n  "embeddings": [\n  }', 3, "not valid JSON"),
    ('{"embeddings": []}', 1, "non-empty"),
])
def test_config_json_bad_files_name_file_and_line(text, line, words):
    with pytest.raises(ParseError) as info:
        io.parse_config_json(text, "c.json")
    assert str(info.value).startswith(f"c.json, line {line}:") and words in str(info.value)


PBTXT = """# written by tf.contrib.tensorboard.plugins.projector
model_checkpoint_path: "model.ckpt-1000"
embeddings {
  tensor_name: "embedding/word_embedding:0"
  metadata_path: 'metadata.tsv'
  tensor_path: "vec" "tors.bytes"
  tensor_shape: [5000, 128]
  sprite {
    image_path: "sprite.png"
    single_image_dim: 28
    single_image_dim: 28
  }
}
embeddings: < tensor_name: "b\\tx"; tensor_path: "b.tsv", tensor_shape: 4 tensor_shape: 2 >
"""


def test_config_pbtxt_text_format():
    emb = io.parse_config(PBTXT, "projector_config.pbtxt")
    assert len(emb) == 2
    assert emb[0] == {"tensor_name": "embedding/word_embedding:0", "tensor_shape": [5000, 128],
                      "tensor_path": "vectors.bytes", "metadata_path": "metadata.tsv", "bookmarks_path": None,
                      "sprite": {"image_path": "sprite.png", "single_image_dim": [28, 28]}, "line": 3}
    assert emb[1]["tensor_name"] == "b\tx" and emb[1]["tensor_shape"] == [4, 2] and emb[1]["line"] == 14


@pytest.mark.parametrize("text, line, words", [
    ('embeddings {\n  tensor_name: "a"\n', 3, "end of file"),
    ('embeddings {\n  tensor_name "a" }', 2, "expected ':'"),
    ('embeddings {\n  tensor_shape: -3 }', 2, "positive integers"),
    ('embeddings {\n  tensor_name: "a"\n  tensor_name: "b" }', 3, "given twice"),
    ('embeddings {\n  tensor_path: "a" }\n  $', 3, "unexpected character"),
    ('embeddings {\n  sprite { image_path: "s.png" }\n}', 2, "single_image_dim"),
    ('model_checkpoint_path: "x"\n', 1, "no 'embeddings"),
])
def test_config_pbtxt_bad_files_name_file_and_line(text, line, words):
    with pytest.raises(ParseError) as info:
        io.parse_config_pbtxt(text, "p.pbtxt")
    assert str(info.value).startswith(f"p.pbtxt, line {line}:") and words in str(info.value)
