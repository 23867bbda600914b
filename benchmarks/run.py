"""Side-by-side timings of gategrad against PyTorch CPU and micrograd, as ratios.

    python -m benchmarks.run [--only mlp,lenet] [--repeats 7] [--threads 1] [--show]

Each workload runs through gategrad and its reference in this one process, with the same float32
data and the same thread count, alternating the two; the median of ``--repeats`` timings of each
is reported with the ratio gategrad / reference (lower is better; 1.0 is parity). Results go to
``benchmarks/results.json`` and a table; ``--show`` prints the last results without running.
A missing reference (PyTorch, micrograd: ``pip install -e '.[bench]'``) skips its rows.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json")
WORKLOADS = ("mlp", "lenet", "conv", "chain", "scalar", "linear", "rss")


def parse_args(argv: list | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(WORKLOADS),
                        help="comma-separated workloads among " + ", ".join(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats (median is kept)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--rss-steps", type=int, default=1000)
    parser.add_argument("--show", action="store_true", help="print the last results and exit")
    parser.add_argument("--output", default=RESULTS)
    parser.add_argument("--rss-child", choices=("gategrad", "torch"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else None


def _set_threads(threads: int) -> None:
    # numpy's BLAS reads its thread count when first loaded: set it before importing numpy
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(threads)


def _clock():
    return time.process_time if ARGS.clock == "cpu" else time.perf_counter


def _time(fn, inner: int) -> float:
    clock = _clock()
    start = clock()
    for _ in range(inner):
        fn()
    return (clock() - start) / inner


def _inner_count(fn, budget: float = 0.05) -> int:
    """How many calls make one timing of about ``budget`` seconds (at least 1)."""
    elapsed = _time(fn, 1)
    return max(1, min(1000, int(budget / max(elapsed, 1e-7))))


def compare(ours, reference, *, gc_off: bool = False, release=None) -> dict:
    """Median seconds per call of each, timed alternately (order swapped every repeat).

    ``gc_off``: the cyclic garbage collector is disabled while either one is timed.
    ``release``: called after each timing, off the clock (frees what the calls kept).
    """
    for _ in range(2):  # warm up both
        ours()
        reference()
    inner = min(_inner_count(ours), _inner_count(reference))
    ours_times, ref_times = [], []
    for r in range(ARGS.repeats):
        pair = [(ours, ours_times), (reference, ref_times)]
        for fn, times in (pair if r % 2 == 0 else pair[::-1]):
            gc.collect()
            if gc_off:
                gc.disable()
            try:
                times.append(_time(fn, inner))
            finally:
                gc.enable()
                if release is not None:
                    release()
    ours_s, ref_s = statistics.median(ours_times), statistics.median(ref_times)
    return {"ours_s": ours_s, "reference_s": ref_s, "ratio": ours_s / ref_s}


def _row(workload: str, reference: str, target: float, result: dict | None,
         note: str = "") -> dict:
    row = {"workload": workload, "reference": reference, "target": target, "note": note}
    if result is not None:
        row.update(result)
        row["met"] = None if target is None else result["ratio"] <= target
    return row


def run_mlp(w) -> list:
    note = w.missing_reference("torch")
    name = "MLP 784-256-128-10, batch 128, train step"
    if note:
        return [_row(name, "PyTorch", 1.0, None, note)]
    rows = [_row(name, "PyTorch", 1.0, compare(*w.make_mlp()))]
    for batch in (1, 16):  # small batches: the BLAS calls' shapes matter most (ops/gemm.py)
        rows.append(_row(f"MLP 784-256-128-10, batch {batch}, train step", "PyTorch", None,
                         compare(*w.make_mlp(batch=batch)), "informative: small batch"))
    rows.append(_row("MLP 20-32-32-10, batch 16, train step", "PyTorch", None,
                     compare(*w.make_mlp(batch=16, sizes=(20, 32, 32, 10))),
                     "informative: a small model, where per-op overhead dominates"))
    return rows


def run_lenet(w) -> list:
    note = w.missing_reference("torch")
    name = "LeNet-5, batch 64, 1x28x28, train step"
    if note:
        return [_row(name, "PyTorch", 1.5, None, note)]
    return [_row(name, "PyTorch", 1.5, compare(*w.make_lenet()), "goal 1.0")]


def run_conv(w) -> list:
    note = w.missing_reference("torch")
    name = "conv2d 64->64, 3x3, 56x56, batch 8, fwd+bwd"
    if note:
        return [_row(name, "PyTorch", 1.5, None, note)]
    return [_row(name, "PyTorch", 1.5, compare(*w.make_conv()))]


def run_chain(w) -> list:
    note = w.missing_reference("torch")
    name = "1000 elementwise ops on a (4,) tensor, fwd+bwd, per op"
    if note:
        return [_row(name, "PyTorch", 0.33, None, note)]
    result = compare(*w.make_chain(1000))
    result["ours_s"] /= 1000
    result["reference_s"] /= 1000
    return [_row(name, "PyTorch", 0.33, result)]


def run_scalar(w) -> list:
    note = w.missing_reference("micrograd")
    name = "Scalar MLP 2-16-16-1, 100 points, micrograd demo loss, fwd+bwd"
    if note:
        return [_row(name, "micrograd (gc on)", 0.1, None, note),
                _row(name, "micrograd (gc off)", 0.5, None, note)]
    ours, reference = w.make_scalar_mlp()
    # With gc off, micrograd's graphs (reference cycles) are never freed while the clock runs,
    # while gategrad's (no cycles) are freed as each step returns. The gc-off row therefore
    # keeps both frameworks' graphs until the clock stops, so that it compares the forward and
    # backward passes; the row after it shows the same with gategrad's freeing on the clock.
    graphs: list = []
    ours_kept, reference_kept = w.make_scalar_mlp(keep=graphs)
    return [_row(name, "micrograd (gc on)", 0.1, compare(ours, reference)),
            _row(name, "micrograd (gc off)", 0.5,
                 compare(ours_kept, reference_kept, gc_off=True, release=graphs.clear),
                 "gc disabled for both; both graphs freed after the clock stops"),
            _row(name, "micrograd (gc off), informative", None,
                 compare(ours, reference, gc_off=True),
                 "the same with gategrad's graph freed on the clock (micrograd's is not)")]


def run_linear(w) -> list:
    """Backward time per gate of a 1,000,000-gate Scalar chain vs 1,000 and 100,000 gates."""
    clock = _clock()
    per_gate = {}
    for gates in (1_000, 100_000, 1_000_000):
        times = []
        for _ in range(max(1, ARGS.repeats if gates < 1_000_000 else min(3, ARGS.repeats))):
            gc.collect()
            times.append(w.chain_backward_time(gates, clock)[0] / gates)
        per_gate[gates] = statistics.median(times)
    rows = []
    for small in (1_000, 100_000):
        result = {"ours_s": per_gate[1_000_000], "reference_s": per_gate[small],
                  "ratio": per_gate[1_000_000] / per_gate[small]}
        # "constant" time per gate: within 1.5x of the shorter chain's (timings are noisy)
        rows.append(_row("1,000,000-gate chain backward, per gate", f"itself at {small:,} gates",
                         1.5, result, "linear: per-gate time within 1.5x"))
    return rows


def run_rss(w) -> list:
    note = w.missing_reference("torch")
    name = f"peak RSS increment over {ARGS.rss_steps} MLP train steps"
    if note:
        return [_row(name, "PyTorch", 1.0, None, note)]
    measured = {}
    for framework in ("gategrad", "torch"):  # each in a fresh process
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--rss-child", framework,
             "--threads", str(ARGS.threads), "--rss-steps", str(ARGS.rss_steps)],
            capture_output=True, text=True, check=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        measured[framework] = json.loads(out.stdout.strip().splitlines()[-1])
    ours, ref = measured["gategrad"], measured["torch"]
    # ratio of increments; a floor of one page keeps 0 / 0 finite
    ratio = max(ours["increment"], 4096) / max(ref["increment"], 4096)
    result = {"ours_s": None, "reference_s": None, "ratio": ratio,
              "ours_increment_bytes": ours["increment"], "ours_growth_bytes": ours["growth"],
              "reference_increment_bytes": ref["increment"],
              "reference_growth_bytes": ref["growth"]}
    row = _row(name, "PyTorch", 1.0, result,
               f"increment {ours['increment'] / 2**20:.1f} MiB vs {ref['increment'] / 2**20:.1f}"
               f" MiB; growth over the last 90% {ours['growth'] / 2**20:.1f} MiB vs "
               f"{ref['growth'] / 2**20:.1f} MiB")
    row["met"] = ratio <= 1.0 and ours["growth"] <= max(ref["growth"], 1 << 20)
    return [row]


def machine() -> dict:
    import numpy as np

    info = {"python": platform.python_version(), "numpy": np.__version__,
            "platform": platform.platform(), "threads": ARGS.threads, "clock": ARGS.clock,
            "repeats": ARGS.repeats}
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in cpu.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001  (older numpy: no dict mode)
        pass
    for name in ("torch", "micrograd"):
        try:
            from importlib.metadata import version

            info[name] = version(name)
        except Exception:  # noqa: BLE001
            info[name] = None
    return info


def print_table(results: dict) -> None:
    m = results["machine"]
    print(f"gategrad / reference, float32, {m['threads']} thread(s), median of {m['repeats']}; "
          f"python {m['python']}, numpy {m['numpy']}, torch {m.get('torch')}, "
          f"micrograd {m.get('micrograd')}")
    header = f"{'workload':<64} {'reference':<32} {'target':>7} {'ratio':>7}  met"
    print(header)
    print("-" * len(header))
    for row in results["rows"]:
        if "ratio" in row:
            ratio = f"{row['ratio']:7.3f}"
            met = "-" if row["met"] is None else "yes" if row["met"] else "NO"
        else:
            ratio, met = "      -", "skipped"
        target = "-" if row["target"] is None else row["target"]
        print(f"{row['workload']:<64} {row['reference']:<32} {target:>7} {ratio}  {met}")
        if row.get("note"):
            print(f"    {row['note']}")


def _previous_rows(path: str) -> list:
    """The rows of an earlier results file (none when there is no readable one)."""
    try:
        with open(path) as f:
            return json.load(f).get("rows", [])
    except (OSError, ValueError):
        return []


def main() -> None:
    if ARGS.show:
        with open(ARGS.output) as f:
            print_table(json.load(f))
        return
    _set_threads(ARGS.threads)
    from benchmarks import workloads as w

    if ARGS.rss_child:
        if ARGS.rss_child == "torch":
            import torch

            torch.set_num_threads(ARGS.threads)
        print(json.dumps(w.rss_over_steps(ARGS.rss_child, ARGS.rss_steps)))
        return
    if w.missing_reference("torch") is None:
        import torch

        torch.set_num_threads(ARGS.threads)
    chosen = [name.strip() for name in ARGS.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(WORKLOADS))
    if unknown:
        sys.exit(f"benchmarks.run: unknown workload(s) {', '.join(unknown)}; "
                 f"choose among {', '.join(WORKLOADS)}")
    kept = _previous_rows(ARGS.output)  # rows of workloads not run this time stay as they were
    results = {"machine": machine(), "rows": []}
    for name in WORKLOADS:
        if name not in chosen:
            results["rows"].extend(row for row in kept if row.get("key") == name)
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        for row in globals()["run_" + name](w):
            results["rows"].append({"key": name, **row})
    with open(ARGS.output, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print_table(results)


if __name__ == "__main__":
    main()
