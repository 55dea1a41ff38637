"""The layer rules of docs/architecture.md, checked on whatever modules exist.

1. The import rules (core < ui < cli; the client never imports the simulator; the
   simulator imports no client code; bench never reaches into the simulator) are
   import-linter contracts in pyproject.toml, run by `make lint` and here.
2. livetui.core, and every module under it, imports with textual blocked: this also
   catches what a static graph cannot see (an import made through a third-party
   package, or by a computed name).
3. Only the CLI (with its start-up code) and livetui.testing start the simulator:
   no other client module names its module (`python -m livetui.sim...`), not even in
   a string handed to importlib or subprocess.

Each check is also run here on synthetic code that breaks its rule, so a check
that silently stopped catching anything would fail too.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "livetui"

# --- rule 1: core imports without textual ------------------------------------

# Run in a fresh interpreter, so nothing imported by pytest or other tests
# (textual included) is already in sys.modules.
_IMPORT_WITHOUT_TEXTUAL = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys

    class BlockTextual(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "textual" or name.startswith("textual."):
                raise ImportError(f"{name} is blocked: this layer must not import textual")
            return None

    sys.meta_path.insert(0, BlockTextual())
    try:
        import textual
    except ImportError:
        pass
    else:
        sys.exit("the textual blocker does not work")

    def fail(name):
        raise  # walk_packages calls this inside its except block

    package = importlib.import_module(sys.argv[1])
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".", onerror=fail):
        importlib.import_module(info.name)
        names.append(info.name)
    print("\\n".join(names))
    """
)


def import_without_textual(package: str, path: Path) -> subprocess.CompletedProcess[str]:
    """Import `package` and every module under it, found on `path`, with textual blocked."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", _IMPORT_WITHOUT_TEXTUAL, package],
        cwd=path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_core_imports_without_textual() -> None:
    result = import_without_textual("livetui.core", ROOT)
    assert result.returncode == 0, result.stderr
    imported = result.stdout.split()
    expected = {module_name(p) for p in (PACKAGE / "core").rglob("*.py")}
    assert expected <= set(imported), f"not walked: {sorted(expected - set(imported))}"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))


def test_textual_check_catches_a_deep_import(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "fake/__init__.py": "",
            "fake/core/__init__.py": "",
            "fake/core/clean.py": "import json\n",
            "fake/core/deep/__init__.py": "",
            "fake/core/deep/bad.py": "from textual.widgets import Static\n",
        },
    )
    result = import_without_textual("fake.core", tmp_path)
    assert result.returncode != 0
    assert "textual is blocked" in result.stderr
    assert "fake.core.deep.bad" in result.stderr or "bad.py" in result.stderr


def test_textual_check_passes_clean_code(tmp_path: Path) -> None:
    _write(tmp_path, {"fake/__init__.py": "", "fake/core/__init__.py": "", "fake/core/ok.py": "import json\n"})
    result = import_without_textual("fake.core", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["fake.core", "fake.core.ok"]


# --- rule 1: the import contracts ----------------------------------------------

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold() -> None:
    result = lint_imports(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# A tree with the packages the contracts name, where only the given edge is added:
# the contracts (the real ones, from pyproject.toml) must catch each.
_FAKE_TREE = ["livetui/__init__.py", "livetui/core/__init__.py", "livetui/ui/__init__.py", "livetui/sim/__init__.py",
              "livetui/cli/__init__.py", "livetui/testing/__init__.py", "bench/__init__.py"]


def _fake_tree(root: Path, extra: dict[str, str]) -> Path:
    _write(root, {name: "" for name in _FAKE_TREE} | extra)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root / "pyproject.toml"


def test_contracts_pass_a_clean_tree(tmp_path: Path) -> None:
    clean = {
        "livetui/cli/args.py": "from livetui.ui import app\nfrom livetui.core import x\n",
        "livetui/ui/app.py": "import textual\nfrom ..core import x\n",
        "livetui/core/x.py": "import json\n",
        "livetui/sim/server.py": "import websockets\n",
        "livetui/testing/simproc.py": "from livetui.core import x\n",
        "bench/run.py": "from livetui.testing import simproc\nfrom livetui.core import x\n",
    }
    result = lint_imports(tmp_path, _fake_tree(tmp_path, clean))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("livetui/core/x.py", "from textual.widgets import Static\n", "The core never imports textual"),
        ("livetui/core/x.py", "def f():\n    from ..ui import y\n", "Layers"),
        ("livetui/core/x.py", "from livetui.cli import z\n", "Layers"),
        ("livetui/ui/y.py", "from livetui.cli import z\n", "Layers"),
        ("livetui/ui/y.py", "from ..sim import server\n", "The client never imports the simulator"),
        ("livetui/core/x.py", "import livetui.sim.server\n", "The client never imports the simulator"),
        ("livetui/cli/z.py", "from livetui import sim\n", "The client never imports the simulator"),
        ("livetui/sim/server.py", "from livetui.core.x import thing\n", "The simulator shares no code"),
        ("livetui/sim/server.py", "from ..testing import simproc\n", "The simulator shares no code"),
        ("bench/run.py", "from livetui.sim.answer import text_parts\n", "Benchmarks run the simulator"),
    ],
)
def test_contracts_catch(tmp_path: Path, module: str, source: str, contract: str) -> None:
    extra = {"livetui/core/x.py": "", "livetui/ui/y.py": "", "livetui/cli/z.py": "", "livetui/sim/server.py": "",
             "livetui/sim/answer.py": "", "livetui/testing/simproc.py": ""}
    result = lint_imports(tmp_path, _fake_tree(tmp_path, extra | {module: source}))
    assert result.returncode != 0, result.stdout
    broken = result.stdout.partition("Broken contracts")[2]
    assert contract in broken, result.stdout + result.stderr


# --- rule 3: who starts the simulator ------------------------------------------

# The CLI package (and, until it moves there, its start-up code), the test kit, and the
# simulator itself.
MAY_START_THE_SIMULATOR = ("livetui/cli.py", "livetui/cli/", "livetui/backend.py", "livetui/testing/", "livetui/sim/")


def names_the_simulator(source: str) -> list[str]:
    """Lines of `source` with a string (not a docstring) that names the simulator's module
    (`livetui.sim`, `livetui.sim.cli`) or is its command (`livetui-sim`)."""
    tree = ast.parse(source)
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and (node.value in ("livetui.sim", "livetui-sim") or node.value.startswith("livetui.sim."))
    ]


def test_only_the_cli_starts_the_simulator() -> None:
    files = [p for p in sorted(PACKAGE.rglob("*.py")) if not str(p.relative_to(ROOT)).startswith(MAY_START_THE_SIMULATOR)]
    assert any(p.is_relative_to(PACKAGE / "ui") for p in files), "the check looks in the wrong place"
    found = [f"{p.relative_to(ROOT)} {hit}" for p in files for hit in names_the_simulator(p.read_text())]
    assert not found, "only the CLI and livetui.testing start the simulator:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'subprocess.Popen([sys.executable, "-m", "livetui.sim.cli", "--port", "0"])',
        'importlib.import_module("livetui.sim")',
        'cmd = ["livetui-sim", "--speed", "max"]',
        'def f():\n    return ("-m", "livetui.sim")',
    ],
)
def test_simulator_check_catches(source: str) -> None:
    assert names_the_simulator(source)


@pytest.mark.parametrize(
    "source",
    [
        '"""Kept apart from the simulator (`livetui.sim.models`)."""',
        'def f():\n    """Run `livetui-sim` first."""',
        'msg = "nothing is listening — is livetui-sim running?"',
        'name = "livetui.simple"',
    ],
)
def test_simulator_check_allows(source: str) -> None:
    assert not names_the_simulator(source)
