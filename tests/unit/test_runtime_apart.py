"""The runtime package `tiemnang` never depends on the tools package `tiemnang_tools` (generator, benchmarks, peers)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tiemnang

PACKAGE = Path(tiemnang.__file__).parent
TOOLS = "tiemnang_tools"


def _names_tools(name: str | None) -> bool:
    return name is not None and (name == TOOLS or name.startswith(TOOLS + "."))


def _offences(path: Path) -> list[str]:
    """Imports of the tools package, and module names of it handed to a call (import_module, `python -m`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # `tiemnang generate|eval|bench` load their module lazily through cli._tool, the one sanctioned door.
    sanctioned = {id(node) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)
                  and path.name == "cli.py" and path.parent == PACKAGE and fn.name == "_tool"
                  for node in ast.walk(fn)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if _names_tools(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _names_tools(node.module):
            found.append(f"line {node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Call) and id(node) not in sanctioned:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                found += [f"line {c.lineno}: call with {c.value!r}" for c in ast.walk(arg)
                          if isinstance(c, ast.Constant) and isinstance(c.value, str)
                          and _names_tools(c.value.split()[0] if c.value.strip() else None)]
    return found


def test_no_runtime_module_imports_the_tools():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 30 and PACKAGE / "cli.py" in modules
    offences = {str(p.relative_to(PACKAGE)): o for p in modules if (o := _offences(p))}
    assert offences == {}, f"tiemnang must not depend on {TOOLS}: {offences}"


def test_the_checker_sees_each_way_of_reaching_the_tools(tmp_path):
    for source in ("import tiemnang_tools.generate", "from tiemnang_tools.bench import run",
                   "import importlib\nimportlib.import_module('tiemnang_tools.evaluate')",
                   "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'tiemnang_tools.peers.pandas_chain'])"):
        path = tmp_path / "module.py"
        path.write_text(source + "\n", encoding="utf-8")
        assert _offences(path), source
    path.write_text("import tiemnang.matching\n'''Scored by tiemnang_tools, never imported.'''\n", encoding="utf-8")
    assert _offences(path) == []


def test_every_runtime_module_imports_without_the_tools(tmp_path):
    """With tiemnang_tools made unimportable, every module of tiemnang imports; the tool commands say why they stop."""
    script = f"""
import importlib, pkgutil, sys
sys.modules[{TOOLS!r}] = None  # any `import {TOOLS}` now raises ModuleNotFoundError
import tiemnang
names = [m.name for m in pkgutil.walk_packages(tiemnang.__path__, "tiemnang.")]
for name in names:
    importlib.import_module(name)
from tiemnang import cli
try:
    cli.main(["generate", "--out", {str(tmp_path)!r}])
except SystemExit as exc:
    print("RESULT", len(names), exc.code)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _, count, message = proc.stdout.strip().splitlines()[-1].split(" ", 2)
    assert int(count) > 30
    assert "needs the tools package tiemnang_tools" in message and "docs/deploy.md" in message
    assert not any(tmp_path.iterdir())
