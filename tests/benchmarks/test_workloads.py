"""Each benchmark workload computes the same thing in gategrad and in its reference.

Correctness only, on tiny sizes: no timing here (speed is measured by ``make bench``).
A reference that is not installed skips its tests.
"""

import math

import pytest

from benchmarks import workloads as w

needs_torch = pytest.mark.skipif(w.missing_reference("torch") is not None,
                                 reason="PyTorch is not installed")
needs_micrograd = pytest.mark.skipif(w.missing_reference("micrograd") is not None,
                                     reason="micrograd is not installed")


def assert_same_steps(ours, reference, steps=3, rel=1e-4):
    for _ in range(steps):  # the later steps see the SGD updates (or the zeroed grads) too
        a, b = ours(), reference()
        assert a == pytest.approx(b, rel=rel, abs=1e-5)


@needs_torch
def test_mlp_step_matches_torch():
    assert_same_steps(*w.make_mlp(batch=8, sizes=(20, 16, 12, 10)))


@needs_torch
def test_lenet_step_matches_torch():
    assert_same_steps(*w.make_lenet(batch=3))


@needs_torch
def test_conv_matches_torch():
    assert_same_steps(*w.make_conv(batch=2, channels=3, size=7), rel=1e-3)


@needs_torch
def test_elementwise_chain_matches_torch():
    assert_same_steps(*w.make_chain(ops=31, size=4))


@needs_micrograd
def test_scalar_mlp_matches_micrograd():
    ours, reference = w.make_scalar_mlp(points=10, sizes=(2, 4, 4, 1))
    assert_same_steps(ours, reference, rel=1e-9)


def test_chain_backward_gradient_is_exact():
    _, grad = w.chain_backward_time(1001, clock=lambda: 0.0)
    assert grad == pytest.approx(1.000001 ** 501, rel=1e-12)
    assert math.isfinite(grad)


def test_moons_is_two_labelled_halves():
    xs, ys = w._moons(10)
    assert len(xs) == 10 and all(len(row) == 2 for row in xs)
    assert sorted(set(ys)) == [-1.0, 1.0]


@needs_torch
@pytest.mark.parametrize("framework", ["gategrad", "torch"])
def test_rss_measure_reports_increment_and_growth(framework):
    result = w.rss_over_steps(framework, steps=3)
    assert set(result) == {"increment", "growth"}
    assert result["increment"] >= 0


@needs_torch
def test_a_partial_run_keeps_the_rows_of_the_workloads_it_did_not_run(tmp_path):
    import json
    import subprocess
    import sys

    out = tmp_path / "results.json"
    earlier = {"key": "mlp", "workload": "MLP (earlier run)", "reference": "PyTorch",
               "target": 1.0, "note": "", "ratio": 0.5, "met": True}
    out.write_text(json.dumps({"machine": {}, "rows": [earlier]}))
    subprocess.run([sys.executable, "-m", "benchmarks.run", "--only", "chain", "--repeats", "1",
                    "--output", str(out)], check=True, capture_output=True)
    rows = json.loads(out.read_text())["rows"]
    assert [row["key"] for row in rows] == ["mlp", "chain"]
    assert rows[0] == earlier and rows[1]["ratio"] > 0


@needs_micrograd
def test_scalar_step_keeps_its_graph_until_the_caller_frees_it():
    import weakref

    graphs = []
    ours, _ = w.make_scalar_mlp(points=4, sizes=(2, 3, 1), keep=graphs)
    ours()
    assert len(graphs) == 1 and graphs[0]._fn is not None
    probe = weakref.ref(graphs[0])
    graphs.clear()
    assert probe() is None  # freed at once: a gategrad graph holds no reference cycle


def test_a_row_without_target_is_informative(capsys):
    from benchmarks import run

    row = run._row("w", "r", None, {"ours_s": 1.0, "reference_s": 2.0, "ratio": 0.5})
    assert row["met"] is None
    run.print_table({"machine": {"threads": 1, "repeats": 1, "python": "", "numpy": ""},
                     "rows": [row]})
    assert capsys.readouterr().out.splitlines()[-1].split()[-3:] == ["-", "0.500", "-"]
