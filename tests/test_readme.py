"""Every python example in README.md runs, in order, like cells of one notebook (so the
README stays true)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_examples_run_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for index, block in enumerate(BLOCKS):
        exec(compile(block, f"README.md python block {index}", "exec"), namespace)
    assert len(BLOCKS) >= 3


def test_quickstart_prints_the_lecture_numbers(capsys):
    exec(compile(BLOCKS[0], "README.md quickstart", "exec"), {})
    assert capsys.readouterr().out.splitlines()[0] == "-12.0 -4.0 -4.0 3.0"
