"""Two `kokeilu log` processes and a Python process write to one tracker file at the same time:
every row lands exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call, child_env  # noqa: E402

import kokeilu  # noqa: E402

# Writes one row per transaction until told to stop, so that the command's writes meet its own.
_WRITER = textwrap.dedent(
    """
    import os, sys
    import kokeilu

    db, key, stop = sys.argv[1:4]
    written = 0
    with kokeilu.open(db) as tracker:
        while True:
            tracker.log(key, 3.0, arm="kontrolli", subject=f"python-{written}")
            written += 1
            if written == 1:
                print("writing", flush=True)
            if os.path.exists(stop) and written >= 20:
                break
    print(written, flush=True)
    """
)


def test_two_log_commands_and_a_python_writer(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    key = json.loads(call(["new", *HOME_CARE, "--json"], db=db).out)["key"]
    assert call(["start", key], db=db).code == 0
    stop = tmp_path / "stop"

    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db), key, str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(db),
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        commands = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kokeilu",
                    "log",
                    key,
                    str(value),
                    "--arm",
                    "video",
                    "--subject",
                    f"cli-{value}",
                ],
                env=child_env(db),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for value in (4, 5)
        ]
        results = [command.communicate(timeout=60) for command in commands]
        for command, (out, err) in zip(commands, results, strict=True):
            assert command.returncode == 0, err
            assert "Logged" in out
        stop.touch()
        python_rows = int(writer.communicate(timeout=60)[0].strip())
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0

    with kokeilu.open(db, read_only=True) as tracker:
        frame = tracker.observations(key)
    subjects = frame["subject"].tolist()
    assert len(subjects) == python_rows + 2
    assert len(set(subjects)) == len(subjects)  # nothing twice
    assert set(subjects) == {f"python-{i}" for i in range(python_rows)} | {"cli-4", "cli-5"}
    by_subject = dict(zip(frame["subject"], zip(frame["arm"].astype(str), frame["value"], strict=True), strict=True))
    assert by_subject["cli-4"] == ("video", 4.0) and by_subject["cli-5"] == ("video", 5.0)
