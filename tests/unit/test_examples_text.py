"""word2vec's TF-free pieces: reading a zip, the vocabulary with UNK, generate_batch, pairs."""

import collections
import zipfile

import numpy as np
import pytest

from nnlab.examples import text


def test_read_data_reads_the_first_member_of_a_zip(tmp_path):
    path = tmp_path / "corpus.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("text8", " anarchism originated as  a\nterm of abuse ")
    assert text.read_data(path) == ["anarchism", "originated", "as", "a", "term", "of", "abuse"]


def test_build_dataset_counts_and_unk():
    words = "the cat sat on the mat the cat ran".split()
    ds = text.build_dataset(words, n_words=3)
    # UNK first, then the n_words - 1 most frequent words, most frequent first.
    assert ds.count == [["UNK", 4], ["the", 3], ["cat", 2]]
    assert ds.dictionary == {"UNK": 0, "the": 1, "cat": 2}
    assert ds.reversed_dictionary == {0: "UNK", 1: "the", 2: "cat"}
    assert ds.data.tolist() == [1, 2, 0, 0, 1, 0, 1, 2, 0]
    assert sum(c for _, c in ds.count) == len(words)


def test_build_dataset_keeps_every_word_when_the_vocabulary_is_large_enough():
    words = "a b c a".split()
    ds = text.build_dataset(words, n_words=50000)
    assert ds.count[0] == ["UNK", 0]
    assert [w for w, _ in ds.count[1:]] == ["a", "b", "c"]
    assert [ds.reversed_dictionary[i] for i in ds.data] == words


@pytest.mark.parametrize("batch_size,num_skips,skip_window", [(8, 2, 1), (12, 4, 2), (16, 2, 3)])
def test_generate_batch_labels_lie_in_the_window(batch_size, num_skips, skip_window):
    data = np.arange(1000, dtype=np.int32)  # word id = position, so distances are visible
    batcher = text.SkipGramBatcher(data, seed=1)
    for _ in range(20):
        batch, labels = batcher.generate_batch(batch_size, num_skips, skip_window)
        assert batch.shape == (batch_size,) and labels.shape == (batch_size, 1)
        distance = labels[:, 0] - batch
        assert np.all(np.abs(distance) <= skip_window) and np.all(distance != 0)
        # Each centre appears num_skips times in a row, with distinct context words.
        groups = batch.reshape(-1, num_skips)
        assert np.all(groups == groups[:, :1])
        for row in labels[:, 0].reshape(-1, num_skips):
            assert len(set(row.tolist())) == num_skips
        # Consecutive groups move one word along the corpus.
        assert np.all(np.diff(groups[:, 0]) == 1)


def test_generate_batch_follows_the_tutorial_sequence():
    data = np.arange(10, dtype=np.int32)
    batcher = text.SkipGramBatcher(data, seed=0)
    batch, _ = batcher.generate_batch(8, 2, 1)
    assert batch.tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    # The index steps back by the window's span, so the next batch carries on.
    assert batcher.data_index == 4
    batch, _ = batcher.generate_batch(8, 2, 1)
    assert batch.tolist() == [5, 5, 6, 6, 7, 7, 8, 8]


def test_generate_batch_wraps_at_the_end_of_the_corpus():
    data = np.arange(10, dtype=np.int32)
    batcher = text.SkipGramBatcher(data, seed=0)
    centres = []
    for _ in range(6):
        batch, labels = batcher.generate_batch(4, 2, 1)
        assert 0 <= batcher.data_index < len(data)
        assert np.all(np.abs(labels[:, 0] - batch) == 1)  # never pairs across the wrap
        centres += batch[::2].tolist()
    # Centres run 1..8, then start again at 1: every word with a full window is used.
    assert centres[:8] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert centres[8:12] == [1, 2, 3, 4]
    assert collections.Counter(centres)[1] == 2


def test_generate_batch_is_seeded():
    data = np.arange(500, dtype=np.int32)
    a, b = text.SkipGramBatcher(data, seed=7), text.SkipGramBatcher(data, seed=7)
    for _ in range(5):
        (ba, la), (bb, lb) = a.generate_batch(16, 2, 2), b.generate_batch(16, 2, 2)
        assert np.array_equal(ba, bb) and np.array_equal(la, lb)


def test_skipgram_pairs_stay_within_the_window_and_favour_near_words():
    data = np.arange(20000, dtype=np.int32)
    centres, contexts = text.skipgram_pairs(data, window=5, rng=np.random.default_rng(0))
    distance = np.abs(contexts - centres)
    assert distance.min() == 1 and distance.max() == 5
    per_distance = np.bincount(distance)[1:]
    assert np.all(np.diff(per_distance) < 0)  # shrunk windows: near words more often
    # Every word is a centre with at least its two neighbours at distance 1.
    assert per_distance[0] == 2 * (len(data) - 1)


def test_subsample_drops_frequent_words_only():
    rng = np.random.default_rng(0)
    data = np.concatenate([np.zeros(50000, np.int32), np.arange(1, 1001, dtype=np.int32)])
    counts = np.bincount(data)
    kept = text.subsample(data, counts, 1e-3, rng)
    assert np.count_nonzero(kept == 0) < 0.2 * 50000
    assert np.array_equal(np.unique(kept[kept > 0]), np.arange(1, 1001))


def test_unigram_table_follows_the_three_quarter_power():
    table = text.unigram_table([0, 16, 1], power=0.75, size=9000)
    share = np.array([np.count_nonzero(table == k) for k in range(3)]) / len(table)
    assert share[0] == 0
    assert share[1] / share[2] == pytest.approx(8.0, rel=0.01)  # 16 ** 0.75
