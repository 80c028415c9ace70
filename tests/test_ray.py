"""`--executor ray` on a local Ray instance the test starts (ray.init(num_cpus=2)): the same
dataset as the local executor, and the same handling of what a document does to its worker."""

import os
import shutil
import signal
import sys
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from extract.cli.main import app
from extract.dataset.schema import TABLES
from extract.executor import ExecutorConfig, Job
from extract.records import DocumentResult
from extract.settings import DEFAULT_SETTINGS

ray = pytest.importorskip("ray", reason="the ray extra is not installed")
pytestmark = pytest.mark.ray
runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    from ray import cloudpickle

    # The workers import extract as this process does; this module goes to them by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(sys.path)}})
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, fixtures_dir):
    """Text fixtures, broken files and a zip of two PDFs (its members travel as bytes)."""
    root = tmp_path_factory.mktemp("ray") / "in"
    shutil.copytree(fixtures_dir / "text", root / "text", ignore=shutil.ignore_patterns("*.json"))
    shutil.copytree(fixtures_dir / "bad", root / "bad", ignore=shutil.ignore_patterns("*.json"))
    with zipfile.ZipFile(root / "two.zip", "w") as z:
        for name in ("seed_hongqiao.pdf", "two_forms_one_page.pdf"):
            z.write(fixtures_dir / "text" / name, f"inner/{name}")
    return root


def _tables(out: Path) -> dict[str, pl.DataFrame]:
    tables = {}
    for name in TABLES:
        frame = pl.read_parquet(out / f"{name}.parquet")
        if name == "documents":
            frame = frame.drop("seconds", "source")
        tables[name] = frame.sort(frame.columns[:4], nulls_last=True)
    return tables


def test_the_dataset_from_ray_actors_equals_the_local_one(inputs, tmp_path):
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    for out, extra in ((local, []), (on_ray, ["--executor", "ray"])):
        result = runner.invoke(app, ["ingest", str(inputs), "--out", str(out), "--workers", "2", "--quiet", *extra])
        assert result.exit_code == 0, result.output
    a, b = _tables(local), _tables(on_ray)
    for name in TABLES:
        assert a[name].equals(b[name]), name
    assert a["documents"].filter(pl.col("status") == "failed").height >= 3  # the broken files, failed alike
    assert pl.read_parquet(on_ray / "findings.parquet").sort("form_id", "check", "subject").equals(
        pl.read_parquet(local / "findings.parquet").sort("form_id", "check", "subject"))


def misbehave(job: Job, settings) -> DocumentResult:
    if job.shown == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if job.shown == "hang":
        time.sleep(600)
    return DocumentResult(doc_id=job.doc_id, path=job.shown, status="ok", seconds=float(os.getpid()))


def test_a_dead_actor_and_a_hang_fail_their_documents_once_and_the_batch_goes_on():
    from extract.ray_executor import RayExecutor

    ex = RayExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=2, timeout_s=20), cpus_per_actor=1, work=misbehave)
    names = ["a", "crash", "b", "hang", "c", "d"]
    results = list(ex.run([Job(Path(n), n, f"id-{n}") for n in names]))
    assert sorted(r.path for r in results) == sorted(names)  # each once: no retry counted twice
    by = {r.path: r for r in results}
    assert by["crash"].status == "failed" and by["crash"].error.startswith("worker died")
    assert by["hang"].status == "failed" and by["hang"].error == "timed out after 20 s"
    assert all(by[n].status == "ok" for n in "abcd"), {n: (by[n].status, by[n].error) for n in "abcd"}


def test_ray_address_without_the_ray_executor_is_a_usage_error(tmp_path, fixtures_dir):
    result = runner.invoke(app, ["ingest", str(fixtures_dir / "text" / "seed_hongqiao.pdf"), "--out", str(tmp_path / "o"),
                                 "--ray-address", "auto"])
    assert result.exit_code == 2 and "--ray-address needs --executor ray" in result.output
