"""word2vec's text pipeline without TensorFlow: read the corpus, count words, make skip-gram pairs.

``read_data``, ``build_dataset`` and ``generate_batch`` follow the tutorial
(word2vec_basic.py); the tutorial kept the read position in a global
``data_index``, here it is explicit state of a ``SkipGramBatcher`` object.
``subsample`` and ``skipgram_pairs`` are the vectorised pieces of the
optimised variant.
"""

import collections
import random
import zipfile

import numpy as np

UNK = "UNK"


def read_data(filename):
    """Read the first file of a zip archive as a list of words (split on whitespace)."""
    with zipfile.ZipFile(filename) as z:
        return z.read(z.namelist()[0]).decode("utf-8").split()


Dataset = collections.namedtuple("Dataset", "data count dictionary reversed_dictionary")


def build_dataset(words, n_words):
    """Replace words by ids: the ``n_words - 1`` most frequent words get their own id, others UNK.

    Parameters
    ----------
    words : list of str
        The corpus.
    n_words : int
        Vocabulary size including UNK (the tutorial uses 50,000).

    Returns
    -------
    Dataset
        ``data``: the corpus as int32 ids; ``count``: [word, count] pairs by
        id, most frequent first after ``UNK`` (id 0) whose count is the number
        of replaced words; ``dictionary``: word -> id;
        ``reversed_dictionary``: id -> word.
    """
    count = [[UNK, 0]]
    # most_common breaks ties by first appearance, so the ids are reproducible.
    count.extend([w, c] for w, c in collections.Counter(words).most_common(n_words - 1))
    dictionary = {word: i for i, (word, _) in enumerate(count)}
    data = np.fromiter((dictionary.get(w, 0) for w in words), dtype=np.int32, count=len(words))
    count[0][1] = int(np.count_nonzero(data == 0))
    reversed_dictionary = {i: word for word, i in dictionary.items()}
    return Dataset(data, count, dictionary, reversed_dictionary)


class SkipGramBatcher:
    """The tutorial's ``generate_batch`` with its read position kept in the object.

    A window of ``span = 2 * skip_window + 1`` words slides over the corpus;
    for each centre word, ``num_skips`` distinct context words of its window
    become labels. At the end of the corpus the window wraps to the start.

    Parameters
    ----------
    data : sequence of int
        The corpus as word ids.
    seed : int
        Seed of the choice of context words.
    """

    def __init__(self, data, seed=0):
        self.data = data
        self.data_index = 0  # where the next word to enter the window is read
        self.rng = random.Random(seed)

    def generate_batch(self, batch_size, num_skips, skip_window):
        """Return ``batch`` (batch_size,) centre ids and ``labels`` (batch_size, 1) context ids."""
        assert batch_size % num_skips == 0 and num_skips <= 2 * skip_window
        data, span = self.data, 2 * skip_window + 1
        batch = np.empty(batch_size, dtype=np.int32)
        labels = np.empty((batch_size, 1), dtype=np.int32)
        if self.data_index + span > len(data):
            self.data_index = 0
        window = collections.deque(data[self.data_index:self.data_index + span], maxlen=span)
        self.data_index += span
        for i in range(batch_size // num_skips):
            context = [w for w in range(span) if w != skip_window]
            for j, word in enumerate(self.rng.sample(context, num_skips)):
                batch[i * num_skips + j] = window[skip_window]
                labels[i * num_skips + j, 0] = window[word]
            if self.data_index == len(data):  # wrap: refill the window from the start
                window.extend(data[0:span])
                self.data_index = span
            else:
                window.append(data[self.data_index])
                self.data_index += 1
        # Step back so the next batch starts with the words still in the window.
        self.data_index = (self.data_index + len(data) - span) % len(data)
        return batch, labels


def subsample(data, counts, threshold, rng):
    """Drop frequent words at random, as word2vec does (Mikolov et al. 2013).

    A word of corpus frequency ``f`` is kept with probability
    ``(sqrt(f / t) + 1) * t / f``: rare words always stay, "the" mostly goes,
    which speeds training and improves the vectors of rarer words.
    """
    freq = np.asarray(counts, dtype=np.float64) / len(data)
    keep = np.minimum(1.0, (np.sqrt(freq / threshold) + 1) * threshold / np.maximum(freq, 1e-12))
    return data[rng.random(len(data)) < keep[data]]


def unigram_table(counts, power=0.75, size=1_000_000):
    """Word ids repeated in proportion to ``count ** power``: a uniform draw from it is a noise word.

    word2vec's trick: the 3/4 power gives rare words more chances than their
    raw frequency would. Words with a zero count never appear.
    """
    weights = np.asarray(counts, dtype=np.float64) ** power
    repeats = np.rint(weights / weights.sum() * size).astype(np.intp)  # np.repeat wants intp (int32 in wasm)
    return np.repeat(np.arange(len(weights), dtype=np.int64), repeats)


def skipgram_pairs(data, window, rng):
    """All (centre, context) pairs of `data` with word2vec's shrunk windows, vectorised.

    Each centre draws a window size ``b`` in 1..`window`, so near words are
    paired more often than far ones.

    Returns
    -------
    (ndarray, ndarray)
        Centre ids and context ids, int32, in corpus order.
    """
    reach = rng.integers(1, window + 1, size=len(data))
    centres, contexts = [], []
    for d in range(1, window + 1):
        left = np.nonzero(reach[d:] >= d)[0] + d  # centres with a context d words back
        right = np.nonzero(reach[:-d] >= d)[0]   # centres with a context d words ahead
        centres += [data[left], data[right]]
        contexts += [data[left - d], data[right + d]]
    return np.concatenate(centres).astype(np.int32), np.concatenate(contexts).astype(np.int32)
