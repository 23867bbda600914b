"""Every python example in README.md runs (so the README stays true)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), namespace)


def test_quickstart_prints_the_lecture_numbers(capsys):
    exec(compile(BLOCKS[0], "README.md quickstart", "exec"), {})
    assert capsys.readouterr().out.splitlines()[0] == "-12.0 -4.0 -4.0 3.0"
