"""Many clips at once: labels, cache, runner, metrics, tuning.

Label and source CSVs, video discovery (``labels``), the per-clip cache (``layout``:
its paths; ``cache``: keys and entries), planning (``plan``), the worker function
(``clipworker``), the batch loop given that function (``runner``, on the crash-isolated
local ``workers`` or Dask: ``daskrun``), ``batch`` and ``review``, the outputs
(``results``), accuracy ``metrics``, threshold tuning by leave-one-source-out
cross-validation. A clip's record is :class:`hingecheck.outputs.records.ClipRecord`.
The modules' imports form no cycle (``tests/test_import_graph.py``).

May import: ``hingecheck.core``, ``hingecheck.io`` and ``hingecheck.outputs``.
"""
