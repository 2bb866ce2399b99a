"""Batch scoring on a Dask cluster: :func:`score_batch` for more than one machine.

``score_on_dask`` takes the same jobs (from :func:`~hingecheck.score.read_labels`
or :func:`~hingecheck.score.find_videos`) and writes the same outputs into
``OUT`` as ``score_batch`` -- ``scores.json``, ``scores.csv``, ``metrics.json``
(with labels), ``report.html`` and the per-clip cache ``OUT/cache/<key>.json``
-- with the same cache keys, so the two can take turns on one output folder.
Each uncached clip is one task, ``process_clip`` from :mod:`hingecheck.score`,
run on a Dask worker; its cache entry is written *here*, on the client, the
moment it comes back, so an interrupted run resumes where it stopped and
``OUT`` need not be visible to the workers.

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

import dataclasses
import os
import time
import warnings
from pathlib import Path

from . import __version__
from .atomic import write_text_atomic
from .config import Config
from .errors import HingecheckError
from .metrics import compute_metrics
from .score import (ClipJob, _dump, _prediction, cache_key, file_sha256, html_report, process_clip,
                    read_cache, scores_csv)

DASK_MISSING = "the dask extra is not installed: pip install 'hingecheck[dask]'"
LOCAL = "local"


def _import_distributed():
    try:
        import distributed
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


def score_on_dask(jobs: list[ClipJob], out_dir: str | os.PathLike, *, client_or_address,
                  model: str = "full", config: Config | None = None, workers: int | None = None,
                  progress: bool = True, labelled: bool = True, source: str | None = None) -> dict:
    """Score ``jobs`` on Dask; write every output into ``out_dir``; return the scores document.

    ``client_or_address`` is a ``distributed.Client`` (used, not closed), a
    scheduler address such as ``tcp://host:8786`` (connected for this run), or
    ``"local"``: a LocalCluster of ``workers`` (default 2) worker processes,
    one thread each, started for this run and closed after. ``workers`` means
    nothing else here: a cluster's size is the cluster's. The other arguments
    and the returned document are those of :func:`hingecheck.score.score_batch`.
    Raises HingecheckError when dask is not installed (only if a clip has to
    run), the scheduler cannot be reached, or a worker cannot see the model.
    """
    from tqdm import tqdm

    from .models import resolve_model

    if workers is not None and workers < 1:
        raise HingecheckError(f"workers must be at least 1, got {workers}")
    config = config or Config()
    out = Path(out_dir)
    cache = out / "cache"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HingecheckError(f"cannot create {cache}: {exc.strerror}") from None
    model_path = resolve_model(model, progress=progress)
    model_hash = file_sha256(model_path)
    t_start = time.perf_counter()

    # -- what is cached, what must run: as in score_batch
    records: dict[int, dict] = {}
    todo: list[tuple[int, str, str]] = []   # (job index, key, cache file)
    for i, job in enumerate(jobs):
        th = config.for_exercise(job.exercise)
        base = {"clip": job.clip, "path": str(job.path), "exercise": job.exercise}
        if not job.path.is_file():
            records[i] = {**base, "cached": False, "error": f"clip file not found: {job.path}"}
            continue
        try:
            key = cache_key(file_sha256(job.path), model_hash, th, job.exercise)
        except OSError as exc:
            records[i] = {**base, "cached": False, "error": f"cannot read clip {job.path}: {exc.strerror}"}
            continue
        hit = read_cache(cache / f"{key}.json")
        if hit is not None:
            records[i] = {**base, "key": key, "cached": True, "result": hit["result"], "timing": hit["timing"]}
        else:
            todo.append((i, key, str(cache / f"{key}.json")))

    # -- run the rest on the cluster, one task a clip; cache each result as it lands
    if todo:
        distributed = _import_distributed()
        client, close = _connect(client_or_address, workers)
        bar = tqdm(total=len(jobs), initial=len(records), unit="clip", desc="scoring (dask)",
                   disable=None if progress else True, dynamic_ncols=True)
        futs = {}
        try:
            _check_workers_see(client, str(model_path))
            for i, key, cfile in todo:
                job = jobs[i]
                th = dataclasses.asdict(config.for_exercise(job.exercise))
                meta = {"clip": job.clip, "exercise": job.exercise, "key": key}
                # cache_file=None: the worker may not see OUT; the client writes the entry
                fut = client.submit(process_clip, str(job.path), job.exercise, th, str(model_path), None, meta,
                                    pure=False)
                futs[fut] = (i, key, cfile)
            for fut in distributed.as_completed(list(futs)):
                i, key, cfile = futs.pop(fut)
                job = jobs[i]
                base = {"clip": job.clip, "path": str(job.path), "exercise": job.exercise,
                        "key": key, "cached": False}
                try:
                    rec = fut.result()
                except Exception as exc:  # the task was lost: a worker died (killed, out of memory)
                    rec = {"error": " ".join(f"worker failed: {type(exc).__name__}: {exc}".split())}
                finally:
                    fut.release()
                if rec.get("error"):
                    records[i] = {**base, "error": rec["error"]}
                else:
                    write_text_atomic(cfile, _dump(rec))  # the same entry process_clip would write
                    records[i] = {**base, "result": rec["result"], "timing": rec["timing"]}
                bar.update(1)
        finally:
            bar.close()
            for fut in futs:
                fut.cancel()
            close()

    # -- the outputs: as in score_batch
    wall = time.perf_counter() - t_start
    return _write_outputs(jobs, records, out, model_path, model_hash, wall, labelled, source)


def _write_outputs(jobs: list[ClipJob], records: dict[int, dict], out: Path, model_path, model_hash: str,
                   wall: float, labelled: bool, source: str | None) -> dict:
    """scores.json, scores.csv, metrics.json, report.html: score_batch's tail, verbatim."""
    clips = []
    for i, job in enumerate(jobs):
        rec = records[i]
        entry = {k: v for k, v in rec.items() if k != "result"}
        entry["error"] = rec.get("error")
        if "result" in rec:
            entry["result"] = {k: v for k, v in rec["result"].items() if k != "signals"}
        if job.label is not None:
            lab = job.label
            entry["label"] = {"reps": lab.reps,
                              "faults": None if lab.faults is None else ("any" if lab.any_fault else sorted(lab.faults)),
                              "optional_faults": sorted(lab.optional), "view": lab.view}
        clips.append(entry)
    doc = {"tool": "hingecheck", "version": __version__, "source": source, "model": str(model_path),
           "model_sha256": model_hash, "wall_s": round(wall, 3),
           "clips_total": len(jobs), "clips_cached": sum(1 for r in records.values() if r.get("cached")),
           "clips_failed": sum(1 for r in records.values() if r.get("error")), "clips": clips}
    metrics = None
    if labelled:
        preds = {jobs[i].clip: _prediction(jobs[i], records[i]) for i in range(len(jobs))}
        metrics = compute_metrics(preds, [j.label for j in jobs if j.label is not None])
        doc["metrics"] = metrics
    write_text_atomic(out / "scores.json", _dump(doc))
    write_text_atomic(out / "scores.csv", scores_csv(jobs, records))
    if metrics is not None:
        write_text_atomic(out / "metrics.json", _dump({"tool": "hingecheck", "version": __version__,
                                                       "source": source, "model": str(model_path),
                                                       **metrics}))
    write_text_atomic(out / "report.html", html_report(jobs, records, metrics, source, str(model_path)))
    return doc


__all__ = ["score_on_dask", "DASK_MISSING"]
