"""The headless paths never import Textual, in a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "aisync_tui.cli", "aisync_tui.config", "aisync_tui.store.db", "aisync_tui.store.queries",
    "aisync_tui.sync.runner", "aisync_tui.sync.cleanup", "aisync_tui.providers.registry",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; assert 'textual' not in sys.modules, sorted(m for m in sys.modules if m.startswith('textual'))[:3]"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


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
