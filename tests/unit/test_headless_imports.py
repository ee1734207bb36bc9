"""The headless paths never import Textual, in a real subprocess."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import aisync_tui

#: Every module outside the app (tui/), found by walking the package: a new one is checked too.
CORE_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(aisync_tui.__path__, "aisync_tui.")
    if not info.name.startswith("aisync_tui.tui") and info.name != "aisync_tui.__main__"
)


def test_no_core_module_imports_textual():
    # One process imports them all: whichever pulls Textual in is named. A module that needs an
    # optional extra which is not installed here is passed over.
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        if (exc.name or '').startswith('aisync_tui'):\n"
        "            raise\n"
        "    assert 'textual' not in sys.modules, f'{name} imported textual'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert len(CORE_MODULES) > 50


def test_sync_all_never_imports_textual(sandbox):
    # Offline pricing: the bundled snapshot only, so the run never reaches for the network.
    sandbox.write_config("[pricing]\nremote = false\n")
    code = (
        "import sys, runpy\n"
        "sys.argv = ['aisync', '--sync-all', '--quiet']\n"
        "try:\n    runpy.run_module('aisync_tui', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
        "print('clean')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=sandbox.env, cwd=sandbox.root)
    assert r.returncode == 0, r.stderr
    assert "clean" in r.stdout
