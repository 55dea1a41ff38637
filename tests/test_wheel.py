"""`pipx install .` / `uv tool install .`, offline: the wheel builds from a copy of the
checkout, carries the package's data and no test harness, and its commands run from a
fresh venv where the checkout is not on the path.

Nothing is downloaded: the wheel is built with this venv's setuptools (--no-build-isolation),
installed with --no-deps, and the fresh venv reaches the dependencies through a .pth naming
this interpreter's import folders less the checkout (path lines only: the editable
checkout's own .pth finder in them is not run, so `livetui` can only come from the wheel).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from livetui import __version__

REPO = Path(__file__).resolve().parents[1]


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy (setuptools writes build/ and *.egg-info beside the sources)."""
    from importlib.metadata import version

    have = version("setuptools")
    assert int(have.split(".")[0]) >= 77, f"setuptools {have} here; the test extra brings >=77 (make test installs it)"
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "livetui", source / "livetui", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", out, source, cwd=source)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = out.glob("livetui-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed in it; its bin/ folder."""
    target = tmp_path_factory.mktemp("venv")
    venv.create(target, with_pip=False, symlinks=True)
    python = target / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=target).stdout.strip())
    # What this interpreter imports from, less any folder the checkout's livetui is found in (PYTHONPATH,
    # pytest's rootdir); .venv's site-packages stays, though it lies inside the checkout.
    theirs = [p for p in dict.fromkeys(sys.path) if p and Path(p).is_dir() and not (Path(p) / "livetui" / "__init__.py").exists()]
    (site / "zz-dependencies.pth").write_text("".join(f"{path}\n" for path in theirs))
    done = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel, cwd=target)
    assert done.returncode == 0, done.stdout + done.stderr
    return target / "bin"


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith(("GOOGLE_", "GEMINI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))
    return env


def test_the_wheel_carries_the_package_and_its_data_but_no_harness(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "livetui/ui/livetui.tcss" in names and "livetui/sim/cli.py" in names and "livetui/launch.py" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "livetui/testing/"))]
    # Every data file the package has in the checkout is in the wheel.
    data = {p.relative_to(REPO).as_posix() for p in (REPO / "livetui").rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "testing" not in p.parts}
    assert data <= set(names), data - set(names)


def test_the_installed_commands_run(installed: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    where = run(installed / "python", "-c", "import livetui, importlib.util as u; print(livetui.__file__, u.find_spec('livetui.testing'))", cwd=tmp_path, env=env)
    assert where.stdout.startswith(str(installed.parent)) and where.stdout.split()[-1] == "None", where  # the wheel's copy; no harness
    version = run(installed / "livetui", "--version", cwd=tmp_path, env=env)
    assert version.returncode == 0 and version.stdout.startswith(f"livetui {__version__} (google-genai "), version
    helped = run(installed / "livetui", "--help", cwd=tmp_path, env=env)
    assert helped.returncode == 0 and "--data-dir" in helped.stdout and "livetui paths" in helped.stdout, helped
    sim = run(installed / "livetui-sim", "--help", cwd=tmp_path, env=env)
    assert sim.returncode == 0 and "usage: livetui-sim" in sim.stdout, sim
    paths = run(installed / "livetui", "paths", "transcripts", cwd=tmp_path, env=env)
    assert paths.stdout == f"{tmp_path}/data/livetui/conversations\n", paths
