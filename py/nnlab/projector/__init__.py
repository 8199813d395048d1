"""The Embedding Projector's math: readers, PCA, t-SNE, neighbours, custom projections.

Modules (numpy everywhere; scipy is imported on first use, for BLAS products,
LAPACK eigh and pocketfft, and has numpy fallbacks):

- `io` (+ `jsonconfig`, `pbtxt`, `errors`): vectors TSV / ``.bytes``, metadata TSV, JSON and
  pbtxt configs; bad input raises `errors.ParseError` naming file and line.
- `pca`: top 10 principal components from the d x d covariance (or N x N Gram matrix when d > N).
- `tsne`: the stepped `tsne.TSNE` (`prepare`, `step`, `perturb`, supervision),
  built on `neighbors`, `affinity`, `attraction` and `repulsion`.
- `neighbors`: exact k nearest neighbours, cosine or euclidean.
- `search`, `custom`: metadata queries and centroid-direction projections.
- `service`: the worker handlers, ``service.HANDLERS``.

Nothing is imported here, so ``import nnlab.projector.service`` loads only what
the worker needs.
"""
