"""Build notebooks/NN_name.ipynb from notebooks/sources/NN_name.py (no outputs).

Sources are plain Python with ``# %%`` (code) and ``# %% [markdown]`` (markdown, every line
starting with ``# ``) cell markers. ``python notebooks/_build.py`` rewrites the .ipynb files;
``python notebooks/_build.py --check`` exits 1 when one is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"


def cells(text: str) -> list:
    out, kind, lines = [], None, []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if kind is not None and body:
            if kind == "markdown":
                body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                                 for line in body.splitlines())
                out.append(nbformat.v4.new_markdown_cell(body))
            else:
                out.append(nbformat.v4.new_code_cell(body))

    for line in text.splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        else:
            lines.append(line)
    flush()
    return out


def build(source: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells(source.read_text())
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{source.stem[:2]}-{i:03d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nbformat.writes(nb) + "\n"


def targets() -> dict:
    return {HERE / (src.stem + ".ipynb"): src for src in sorted(SOURCES.glob("[0-9]*.py"))}


def main(argv: list) -> int:
    stale = []
    for target, source in targets().items():
        text = build(source)
        if target.exists() and target.read_text() == text:
            continue
        if "--check" in argv:
            stale.append(target.name)
        else:
            target.write_text(text)
            print("wrote", target.relative_to(HERE.parent))
    if stale:
        print("out of date (run python notebooks/_build.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
