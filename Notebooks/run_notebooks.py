#!/usr/bin/env python3
"""Execute the teaching notebooks headless and check them.

    python Notebooks/run_notebooks.py --output-dir /tmp/nb     # CI: execute copies, leave the committed ones alone
    python Notebooks/run_notebooks.py --in-place               # refresh the committed outputs after an edit
    python Notebooks/run_notebooks.py --output-dir out 02-analgesia-vs-dissociation.ipynb   # some notebooks only

Every notebook runs top to bottom in a fresh Python kernel whose working directory is Notebooks/ (as when it is
opened in Jupyter). A notebook fails when a cell raises, or when it produces no figure (no image/png output).
Prints one line per notebook and a closing 'notebooks: N passed, M failed' line; exits 1 if any failed.
Run it with the Python of Notebooks/.venv (``bash Notebooks/jupyter --setup-only`` makes it); set KETASIM to
choose the ketasim binary.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

HERE = Path(__file__).resolve().parent


def figures(notebook: nbformat.NotebookNode) -> int:
    """How many PNG images the notebook's outputs hold."""
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )


def execute(path: Path, destination: Path, timeout: int) -> tuple[bool, str]:
    """Execute one notebook, write the executed copy to ``destination``; return (passed, message)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # quiet the kernel's start-up notices on stderr
        resources={"metadata": {"path": str(HERE)}},
        record_timing=False,
    )
    try:
        client.execute()
    except CellExecutionError as error:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # tracebacks carry terminal colour codes
        lines = [line for line in plain.splitlines() if line.strip()]
        return False, "a cell raised: " + (lines[-1] if lines else "unknown error")
    except (CellTimeoutError, DeadKernelError) as error:
        return False, f"{type(error).__name__}: {error}"
    finally:
        nbformat.write(notebook, destination)
    count = figures(notebook)
    if count == 0:
        return False, "produced no figure (no image/png output)"
    return True, f"{count} figures"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--output-dir", type=Path, help="write the executed notebooks here")
    where.add_argument("--in-place", action="store_true", help="overwrite the notebooks with their executed versions")
    parser.add_argument("--timeout", type=int, default=300, help="seconds allowed per cell (default 300)")
    parser.add_argument("notebooks", nargs="*", help="notebook files (default: every Notebooks/[0-9]*.ipynb)")
    options = parser.parse_args()

    paths = [Path(name) if Path(name).exists() else HERE / name for name in options.notebooks]
    # Lesson before its answers: 01-x.ipynb, 01-x-answers.ipynb, 02-...
    paths = paths or sorted(
        HERE.glob("[0-9]*.ipynb"), key=lambda p: (p.name.replace("-answers", ""), "-answers" in p.name)
    )
    if not paths:
        print("notebooks: none found", file=sys.stderr)
        return 1
    if options.output_dir:
        options.output_dir.mkdir(parents=True, exist_ok=True)

    passed = failed = 0
    for path in paths:
        destination = path if options.in_place else options.output_dir / path.name
        started = time.monotonic()
        ok, message = execute(path.resolve(), destination, options.timeout)
        print(f"{'ok  ' if ok else 'FAIL'} {path.name}: {message} ({time.monotonic() - started:.1f} s)", flush=True)
        passed += ok
        failed += not ok
    print(f"notebooks: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
