"""The built-in examples: classic TensorFlow tutorials trained offline by the build.

Each example is a script a learner can run alone, for instance::

    PYTHONPATH=py python3 -m nnlab.examples.mnist_with_summaries --out /tmp/mnist

=======================  =====================================================
module                   what it writes
=======================  =====================================================
mnist_with_summaries     TF1-style logs: scalars, images, histograms, the
                         graph and per-node run metadata (train and test runs)
word2vec_basic           skip-gram with NCE loss: loss scalars, embeddings for
                         the Projector, a t-SNE picture
word2vec_optimized       skip-gram with negative sampling, many steps per
                         ``tf.function`` call: the same outputs
audio                    a tone classifier: audio, text and scalar summaries
=======================  =====================================================

The scripts import TensorFlow, so they run in the examples' own venv (see
``requirements-examples.txt``), never in the browser. The build makes that
venv in the per-user cache (``~/.cache/nnlab/venv-examples-*``); use its
``bin/python``, or any Python with those packages, to run an example alone.
Real MNIST IDX files in ``~/.cache/nnlab/data/mnist/`` and ``text8.zip`` in
``~/.cache/nnlab/data/`` replace the built-in data (see ``data.py``).

The TF-free pieces (``data``, ``text``, ``embeddings``, ``cli``) also import
in nnlab's main environment, which is how the unit tests check them. This
file imports nothing, so importing the package never pulls in TensorFlow.
"""

# The order the build runs them in (first the two the Board and the Projector open on first
# sight); each is ``nnlab.examples.<name>``.
EXAMPLES = ("mnist_with_summaries", "word2vec_optimized", "word2vec_basic", "audio")
