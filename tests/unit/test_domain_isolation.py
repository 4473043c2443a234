"""The domain tests pass with Qt, the database layer and pyserial made unimportable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_TESTS = ["tests/unit/test_flow.py", "tests/unit/test_scan.py", "tests/unit/test_weight.py"]

RUNNER = """
import importlib.abc, sys
BLOCKED = ("PySide6", "shiboken6", "sqlalchemy", "alembic", "serial", "psycopg")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked in domain tests")
sys.meta_path.insert(0, Block())
import pytest
sys.exit(pytest.main(["-q", "-c", "/dev/null", "--rootdir", ".", "--noconftest",
                      "-p", "no:pytest-qt", "-p", "no:cacheprovider", "-W", "error",
                      *sys.argv[1:]]))
"""


def test_domain_needs_no_qt_database_or_serial():
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *DOMAIN_TESTS], cwd=ROOT, capture_output=True,
        text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
