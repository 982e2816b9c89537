"""matplotlib is optional: without it, importing kokeilu.plots says how to install it, in the
user's language, and the rest of kokeilu works."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Runs in a fresh interpreter in which matplotlib cannot be imported (None in sys.modules is how
# Python itself marks a module as unavailable).
SCRIPT = """
import sys
sys.modules["matplotlib"] = None
import kokeilu
kokeilu.set_language({lang!r})
try:
    import kokeilu.plots
except ModuleNotFoundError as error:
    print(error.name)
    print(error)
with kokeilu.open(":memory:") as tracker:
    print(len(tracker.experiments()))
"""


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", 'kokeilu.plots draws with matplotlib, which is not installed: pip install "kokeilu[plots]"'),
        ("fi", 'kokeilu.plots piirtää matplotlibillä, jota ei ole asennettu: pip install "kokeilu[plots]"'),
    ],
)
def test_plots_without_matplotlib_say_how_to_install_it(lang: str, text: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(lang=lang)], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.splitlines() == ["matplotlib", text, "0"]
