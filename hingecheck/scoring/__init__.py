"""Many clips at once: labels, cache, runner, metrics, tuning.

Label and source CSVs, video discovery, the per-clip result cache, the batch
runner (crash-isolated local worker processes or Dask), accuracy metrics,
the batch report and plots, threshold tuning by leave-one-source-out
cross-validation.

May import: ``hingecheck.core``, ``hingecheck.io`` and ``hingecheck.outputs``.
"""
