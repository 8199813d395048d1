"""The Board page's math: smoothing, histogram compression and re-binning, and
the worker handlers (`service.HANDLERS`) that serve a `nnlab.events.LogdirReader`."""
