"""The reliability tests import their helpers (writer.py, ledger.py) from this directory."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
