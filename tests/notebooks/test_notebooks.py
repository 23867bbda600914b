"""The course notebooks: each .ipynb is up to date with its source and runs top to bottom.

Every notebook ends with assert cells about its own results (the hinge mean is 5.27, gradcheck
catches the bug, ...), so executing it is the test. One test per notebook (pytest -n 2 runs them
in parallel), each in its own temporary working directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))
import _build  # noqa: E402

SOURCES = sorted((NOTEBOOKS / "sources").glob("[0-9]*.py"))


def test_there_are_notebooks():
    assert SOURCES, "no notebook sources in notebooks/sources"


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_ipynb_is_built_from_source(source):
    target = NOTEBOOKS / (source.stem + ".ipynb")
    assert target.exists(), f"{target.name} missing: run python notebooks/_build.py"
    assert target.read_text() == _build.build(source), (
        f"{target.name} is out of date with sources/{source.name}: run python notebooks/_build.py")


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_notebook_runs(source, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    nb = nbformat.reads(_build.build(source), as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(cwd=str(tmp_path))
