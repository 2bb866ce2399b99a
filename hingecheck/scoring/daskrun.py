"""Batch scoring on a Dask cluster: :func:`score_batch` for more than one machine.

``score_on_dask`` takes the same jobs (from :func:`~hingecheck.scoring.labels.read_labels`
or :func:`~hingecheck.scoring.labels.find_videos`) and writes the same outputs into
``OUT`` as ``score_batch`` -- ``scores.json``, ``scores.csv``, ``metrics.json``
(with labels), ``report.html`` and the per-clip cache ``OUT/cache/<key>.json``
-- with the same cache keys, so the two can take turns on one output folder.
Each uncached clip is one task, ``process_clip`` from :mod:`hingecheck.scoring.clipworker`,
run on a Dask worker through ``Client.get_executor()`` by the same loop as a
local run (:func:`hingecheck.scoring.runner.run_batch`); its cache entry is
written *here*, on the client, the moment it comes back, so an interrupted
run resumes where it stopped and ``OUT`` need not be visible to the workers.

What the workers must have:

* hingecheck (same version) and its dependencies installed;
* every clip at the path the client uses (absolute paths in the labels CSV,
  or a shared filesystem mounted at the same place);
* the model bundle at the path the client resolved (``--model lite`` resolves
  to ``$HINGECHECK_MODEL_DIR/pose_landmarker_lite.task`` on the client: set
  ``HINGECHECK_MODEL_DIR`` to the same folder on every machine, or pass
  ``--model /shared/path/model.task``). Workers never download a model; a
  worker without it fails fast, before any clip is submitted.

Dask is an optional extra (``pip install 'hingecheck[dask]'``), imported only
when a clip actually has to run: a fully cached rerun starts no cluster.
"""

from __future__ import annotations

import contextlib
import os
import warnings

from hingecheck.core.config import Config
from hingecheck.core.errors import HingecheckError
from hingecheck.scoring.batch import finish_outputs
from hingecheck.scoring.clipworker import process_clip
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.plan import DEFAULT_ANALYSIS, plan_batch
from hingecheck.scoring.runner import Worker, run_plan

DASK_MISSING = "the dask extra is not installed: pip install 'hingecheck[dask]'"
LOCAL = "local"


def _import_distributed():
    try:
        import distributed  # lazy: an optional extra (and ~1 s to import), needed only when a clip runs on Dask
    except ImportError:
        raise HingecheckError(DASK_MISSING) from None
    return distributed


def _connect(client_or_address, workers: int | None):
    """Return ``(client, close)``: a Client for ``client_or_address`` and what closes what we opened.

    ``"local"`` starts a LocalCluster of ``workers`` (default 2) single-threaded
    worker processes for this run; any other string is a scheduler address;
    a Client is used as is and left open.
    """
    distributed = _import_distributed()
    if isinstance(client_or_address, distributed.Client):
        return client_or_address, lambda: None
    if not isinstance(client_or_address, str) or not client_or_address.strip():
        raise HingecheckError(f"dask: expected a scheduler address (tcp://host:8786), 'local' or a "
                              f"distributed.Client, got {client_or_address!r}")
    address = client_or_address.strip()
    if address == LOCAL:
        with warnings.catch_warnings():  # its small HTTP server takes another port if 8787 is busy: fine
            warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")
            cluster = distributed.LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                                               dashboard_address=None)
        try:
            client = distributed.Client(cluster)
        except BaseException:
            cluster.close()
            raise
        return client, lambda: (client.close(), cluster.close())
    try:
        client = distributed.Client(address, timeout="30s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise HingecheckError(f"cannot connect to the dask scheduler at {address}: "
                              f"{' '.join(str(exc).split())}") from None
    return client, client.close


def _check_workers_see(client, path: str) -> None:
    """Fail fast, naming the workers, if some cannot see ``path`` (the model bundle)."""
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        raise HingecheckError("dask: the scheduler has no workers (waited 60 s)") from None
    seen = client.run(os.path.isfile, path)
    blind = sorted(w for w, ok in seen.items() if not ok)
    if blind:
        raise HingecheckError(f"dask worker(s) {', '.join(blind)} cannot see the model {path}: put the bundle "
                              "at the same path on every worker (shared folder, or the same "
                              "HINGECHECK_MODEL_DIR) or pass --model with a path they all see")


@contextlib.contextmanager
def cluster_executor(client_or_address, workers: int | None, model_path):
    """Connect (see :func:`_connect`), check that the workers see the model, and yield the client's
    ``concurrent.futures`` executor; on leaving, cancel what is left on the cluster and close what
    was opened.

    ``pure=False``: every submitted clip runs as its own task, never merged with
    an identical call. Its futures are plain ``concurrent.futures.Future`` objects
    whose ``cancel()`` cancels the Dask task; a task lost with its worker
    (Dask reruns it elsewhere first) fails with the scheduler's exception.
    """
    client, close = _connect(client_or_address, workers)
    try:
        _check_workers_see(client, str(model_path))
        executor = client.get_executor(pure=False)
        try:
            yield executor
        finally:
            executor.shutdown(wait=False)  # a ClientExecutor has no cancel_futures: wait=False cancels
    finally:
        close()


def score_on_dask(jobs: list[ClipJob], out_dir: str | os.PathLike, *, client_or_address,
                  model: str = "full", config: Config | None = None, workers: int | None = None,
                  progress: bool = True, labelled: bool = True, source: str | None = None,
                  sources: dict[str, str] | None = None, retry_failed: bool = False,
                  analysis: tuple[float, int] = DEFAULT_ANALYSIS, worker: Worker = process_clip) -> dict:
    """Score ``jobs`` on Dask; write every output into ``out_dir``; return the scores document.

    ``client_or_address`` is a ``distributed.Client`` (used, not closed), a
    scheduler address such as ``tcp://host:8786`` (connected for this run), or
    ``"local"``: a LocalCluster of ``workers`` (default 2) worker processes,
    one thread each, started for this run and closed after. ``workers`` means
    nothing else here: a cluster's size is the cluster's. The other arguments
    and the returned document are those of :func:`hingecheck.scoring.batch.score_batch`.
    Raises HingecheckError when dask is not installed (only if a clip has to
    run), the scheduler cannot be reached, or a worker cannot see the model.

    Planning (cache scan) and the outputs are :func:`~hingecheck.scoring.plan.plan_batch`
    and :func:`~hingecheck.scoring.batch.finish_outputs`, shared with ``score_batch``; so are the
    failures kept in the cache (a lost task -- Dask retries a task whose worker died
    -- is recorded as failed) and ``retry_failed``. Ctrl-C or SIGTERM cancel what
    is left and write the clips that finished (raising ``Interrupted`` with them).
    """
    plan = plan_batch(jobs, out_dir, model, config, progress, retry_failed, analysis)  # what is cached, what must run
    # the rest on the cluster, one task a clip; the client caches each result as it lands (OUT may be
    # out of the workers' sight)
    records, stopped = run_plan(plan, lambda: cluster_executor(client_or_address, workers, plan.model_path),
                                worker=worker, progress=progress, desc="scoring (dask)", worker_writes_cache=False)
    return finish_outputs(plan, records, stopped, labelled=labelled, source=source, sources=sources)


__all__ = ["score_on_dask", "cluster_executor", "DASK_MISSING"]
