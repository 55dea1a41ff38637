"""The layer rules of docs/architecture.md, checked on whatever modules exist.

1. livetui.core, and every module under it, imports with textual blocked; nor
   does it import livetui.ui, livetui.sim or livetui.cli.
2. No module under livetui/ui imports livetui.sim or livetui.cli: the UI never knows
   which backend it got. Only livetui/cli/backend.py starts the simulator, as a child
   process; no module of the console imports it or names it.
3. No module under livetui/sim imports livetui.core or livetui.ui: the simulator
   shares no code path with the client that it tests.

Each check is also run here on synthetic code that breaks its rule, so a check
that silently stopped catching anything would fail too.
"""

from __future__ import annotations

import ast
import os
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


# --- rules 2 and 3: static import checks --------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module that `source` (the code of `module`) may import, with its line.

    `from a import b` yields both `a` and `a.b` (b may be a submodule); relative
    imports are resolved; `importlib.import_module("x")` and `__import__("x")`
    with a literal name count too.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def forbidden_imports(source: str, module: str, is_package: bool, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"line {line}: {name}"
        for line, name in imported_modules(source, module, is_package)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def violations(layer: str, forbidden: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    found = []
    for path in files:
        for v in forbidden_imports(path.read_text(), module_name(path), path.name == "__init__.py", forbidden):
            found.append(f"{path.relative_to(ROOT)} {v}")
    return files, found


def test_ui_never_imports_the_simulator_or_the_cli() -> None:
    files, found = violations("ui", ("livetui.sim", "livetui.cli"))
    assert files, "livetui/ui has no modules: the check looks in the wrong place"
    assert not found, "livetui/ui imports the simulator or the start-up code (only livetui/cli/backend.py starts the simulator):\n" + "\n".join(found)


def sim_mentions(source: str, module: str, is_package: bool) -> list[str]:
    """Where `source` imports livetui.sim or names it in a string (`python -m livetui.sim.cli`)."""
    found = forbidden_imports(source, module, is_package, ("livetui.sim",))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("livetui.sim"):
            found.append(f"line {node.lineno}: {node.value!r}")
    return found


def test_only_the_backend_starts_the_simulator() -> None:
    console = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in ("sim", "testing")]
    starters = {
        str(path.relative_to(ROOT))
        for path in console
        if sim_mentions(path.read_text(), module_name(path), path.name == "__init__.py")
    }
    assert starters == {"livetui/cli/backend.py"}


def test_the_simulator_check_sees_a_command_line() -> None:
    assert sim_mentions('cmd = [sys.executable, "-m", "livetui.sim.cli"]', "livetui.cli.run", False)
    assert sim_mentions("from ..sim import Simulator", "livetui.cli.run", False)
    assert not sim_mentions('name = "livetui-sim"', "livetui.cli.run", False)


def test_core_imports_neither_ui_nor_sim_nor_cli() -> None:
    files, found = violations("core", ("livetui.ui", "livetui.sim", "livetui.cli"))
    assert files, "livetui/core has no modules: the check looks in the wrong place"
    assert not found, "livetui/core imports another layer:\n" + "\n".join(found)


def test_sim_shares_no_code_with_the_client() -> None:
    files, found = violations("sim", ("livetui.core", "livetui.ui"))
    assert files, "livetui/sim has no modules: the check looks in the wrong place"
    assert not found, "livetui/sim imports client code:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "module", "is_package"),
    [
        ("import livetui.sim", "livetui.ui.app", False),
        ("import livetui.sim.server as s", "livetui.ui.app", False),
        ("from livetui.sim import Simulator", "livetui.ui.app", False),
        ("from livetui import sim", "livetui.ui.app", False),
        ("from ..sim import Simulator", "livetui.ui.app", False),
        ("from .. import sim", "livetui.ui", True),
        ("from ...sim.wire import encode", "livetui.ui.widgets.levels", False),
        ("def f():\n    from livetui.sim import Simulator", "livetui.ui.app", False),
        ("import importlib\nimportlib.import_module('livetui.sim')", "livetui.ui.app", False),
    ],
)
def test_static_check_catches(source: str, module: str, is_package: bool) -> None:
    assert forbidden_imports(source, module, is_package, ("livetui.sim",))


@pytest.mark.parametrize(
    ("source", "module", "is_package"),
    [
        ("import livetui.simple", "livetui.ui.app", False),
        ("from livetui.core import events", "livetui.ui.app", False),
        ("from . import sim", "livetui.ui.app", False),  # livetui.ui.sim, not the simulator
        ("from .sim import x", "livetui.ui", True),
        ("import textual", "livetui.ui.app", False),
    ],
)
def test_static_check_allows(source: str, module: str, is_package: bool) -> None:
    assert not forbidden_imports(source, module, is_package, ("livetui.sim",))


def test_static_check_catches_sim_importing_core() -> None:
    assert forbidden_imports("from ..core.events import TextDelta", "livetui.sim.wire", False, ("livetui.core", "livetui.ui"))
    assert forbidden_imports("from livetui.ui import app", "livetui.sim", True, ("livetui.core", "livetui.ui"))
