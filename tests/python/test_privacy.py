"""What a bundle may say about people (kokeilu._privacy): the privacy levels, pseudonyms under the
organisation's secret and that secret's file, and the suppression of small cells, within one export
and across exports to the same recipient (the differencing attack).

The attacks are checked independently of the rules that prevent them: a brute-force enumeration of
every table the recipient could not tell apart from the true one, and linear programmes (scipy) over
many seeded random tables, give the range each suppressed cell could take.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import stat
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import kokeilu
from kokeilu import _privacy as privacy
from kokeilu._privacy import Cell, LedgerCell, SuppressionResult

# ---------------------------------------------------------------------------------------------
# Privacy levels


def test_the_three_levels_and_nothing_else() -> None:
    assert [level.value for level in privacy.PrivacyLevel] == ["cards", "aggregate", "units"]
    assert privacy.DEFAULT_LEVEL is privacy.PrivacyLevel.AGGREGATE
    assert privacy.parse_privacy_level("units") is privacy.PrivacyLevel.UNITS
    assert privacy.parse_privacy_level(privacy.PrivacyLevel.CARDS) is privacy.PrivacyLevel.CARDS
    for bad in ("Units", "aggregated", "", None, 2):
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            privacy.parse_privacy_level(bad, "--privacy")
        assert raised.value.code == "privacy.unknown_level"
        assert raised.value.field == "--privacy"
        assert "choose cards, aggregate or units" in str(raised.value)


# ---------------------------------------------------------------------------------------------
# Pseudonyms


def reference_pseudonym(secret: bytes, subject: str) -> str:
    """The documented construction, written out again."""
    data = b"kokeilu-subject/1\x00" + unicodedata.normalize("NFC", subject).encode("utf-8")
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def test_a_pseudonym_is_the_keyed_hash_of_the_subject() -> None:
    secret = bytes(range(32))
    for subject in ("010101-123A", "asiakas 17", "Åsa Ärlig", "😀"):
        shown = privacy.pseudonym(secret, subject)
        assert shown == reference_pseudonym(secret, subject)
        assert re.fullmatch(r"[0-9a-f]{64}", shown)
        assert privacy.pseudonym(secret, subject) == shown  # stable
    assert privacy.pseudonym(secret, "") == ""
    # Canonically equal texts are one subject; a plain unkeyed hash is not what is written.
    assert privacy.pseudonym(secret, "Mäki") == privacy.pseudonym(secret, "Ma\u0308ki")
    assert privacy.pseudonym(secret, "a") != privacy.pseudonym(secret, "b")
    assert privacy.pseudonym(secret, "a") != hashlib.sha256(b"a").hexdigest()


def test_pseudonyms_are_stable_per_organisation_and_differ_across(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    kuusamo = privacy.organisation_secret("Kuusamo", folder)
    salla = privacy.organisation_secret("Salla", folder)
    assert kuusamo != salla
    subjects = [f"asiakas-{i}" for i in range(200)]
    first = [privacy.pseudonym(kuusamo, s) for s in subjects]
    again = [privacy.pseudonym(privacy.organisation_secret("Kuusamo", folder), s) for s in subjects]
    other = [privacy.pseudonym(salla, s) for s in subjects]
    assert first == again
    assert len(set(first)) == len(subjects)
    assert set(first).isdisjoint(other)


def test_the_secret_id_is_public_and_tells_secrets_apart() -> None:
    one, two = bytes(32), bytes([1] * 32)
    assert privacy.secret_id(one) == privacy.secret_id(bytes(32))
    assert privacy.secret_id(one) != privacy.secret_id(two)
    assert re.fullmatch(r"[0-9a-f]{16}", privacy.secret_id(one))
    expected = hmac.new(one, b"kokeilu-secret-id/1", hashlib.sha256).hexdigest()[:16]
    assert privacy.secret_id(one) == expected
    assert privacy.secret_id(two) not in two.hex()


def test_a_secret_of_another_length_is_refused() -> None:
    for bad in (b"", bytes(31), bytes(33)):
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            privacy.pseudonym(bad, "x")
        assert raised.value.code == "privacy.secret_length"
        assert raised.value.params == {"expected": 32, "got": len(bad)}
    with pytest.raises(TypeError):
        privacy.secret_id("0" * 32)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The organisation's secret file

SECRET_LINE = re.compile(rb"kokeilu-secret/1 [0-9a-f]{64}\n")


def secret_path(folder: Path, organisation: str) -> Path:
    return folder / privacy.secret_file_name(organisation)


def test_the_secret_is_made_once_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "secrets"
    secret = privacy.organisation_secret("Kuusamo", folder)
    assert len(secret) == 32
    path = secret_path(folder, "Kuusamo")
    assert SECRET_LINE.fullmatch(path.read_bytes())
    assert bytes.fromhex(path.read_bytes().split()[1].decode()) == secret
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # Read ever after, under any spelling of the same name.
    assert privacy.organisation_secret("Kuusamo", folder) == secret
    assert privacy.organisation_secret("KUUSAMO", folder) == secret
    assert privacy.organisation_secret("kuusamo", str(folder)) == secret
    assert sorted(p.name for p in folder.iterdir()) == [path.name]


def test_equal_names_in_another_unicode_form_share_a_secret(tmp_path: Path) -> None:
    composed = privacy.organisation_secret("Hämeenlinna", tmp_path / "s")
    assert privacy.organisation_secret("Ha\u0308meenlinna", tmp_path / "s") == composed
    assert privacy.organisation_secret("Hameenlinna", tmp_path / "s") != composed


def test_where_the_secrets_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOKEILU_SECRETS_DIR", str(tmp_path / "chosen"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert privacy.secrets_directory(tmp_path / "given") == tmp_path / "given"
    assert privacy.secrets_directory() == tmp_path / "chosen"
    privacy.organisation_secret("Kemi")
    assert secret_path(tmp_path / "chosen", "Kemi").is_file()
    monkeypatch.delenv("KOKEILU_SECRETS_DIR")
    assert privacy.secrets_directory() == tmp_path / "xdg" / "kokeilu" / "secrets"
    monkeypatch.setenv("XDG_CONFIG_HOME", "")
    assert privacy.secrets_directory() == tmp_path / "home" / ".config" / "kokeilu" / "secrets"


@pytest.mark.parametrize(
    "organisation",
    ["../x", "a/b", "..", ".", "/etc/passwd", "C:\\Windows\\x", "~root", "x" * 10_000, "\u202egnp.exe", "日本市"],
)
def test_no_organisation_name_leaves_the_folder(tmp_path: Path, organisation: str) -> None:
    folder = tmp_path / "box" / "secrets"
    secret = privacy.organisation_secret(organisation, folder)
    name = privacy.secret_file_name(organisation)
    assert re.fullmatch(r"[a-z0-9-]{1,32}-[0-9a-f]{32}\.secret", name), name
    everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert everything == ["box", "box/secrets", f"box/secrets/{name}"]
    assert privacy.organisation_secret(organisation, folder) == secret


def test_names_alike_for_people_keep_their_own_secrets(tmp_path: Path) -> None:
    names = ["a/b", "a-b", "a b", "a.b", "A/B "]
    files = {privacy.secret_file_name(n) for n in names}
    assert len(files) == 4  # "A/B " is "a/b" folded and stripped
    assert all(f.startswith("a-b-") for f in files)
    assert len({privacy.organisation_secret(n, tmp_path / "s") for n in names}) == 4


def test_names_that_hold_nothing_or_a_nul_are_refused(tmp_path: Path) -> None:
    for bad, code in (("", "input.required"), ("   ", "input.required"), ("a\x00b", "input.text_nul")):
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            privacy.organisation_secret(bad, tmp_path / "s")
        assert (raised.value.field, raised.value.code) == ("organisation", code)
    assert not (tmp_path / "s").exists() or list((tmp_path / "s").iterdir()) == []


def test_two_creators_at_once_end_with_one_secret(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    for round_ in range(15):
        organisation = f"Kunta {round_}"
        start = threading.Barrier(6)
        got: list[bytes] = []

        def create() -> None:
            start.wait()
            got.append(privacy.organisation_secret(organisation, folder))

        threads = [threading.Thread(target=create) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(got) == 6 and len(set(got)) == 1
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 15 and all(n.endswith(".secret") and not n.startswith(".") for n in names)


def test_the_loser_of_the_race_reads_the_winners_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another process links its secret between this one's look and its own link.
    folder = tmp_path / "secrets"
    real_link = os.link
    winner: list[bytes] = []

    def link_after_the_other(source: str | Path, target: str | Path) -> None:
        monkeypatch.setattr(privacy.os, "link", real_link)
        winner.append(privacy.organisation_secret("Oulu", folder))  # the other process, first
        real_link(source, target)

    monkeypatch.setattr(privacy.os, "link", link_after_the_other)
    secret = privacy.organisation_secret("Oulu", folder)
    assert winner == [secret]
    assert [p.name for p in folder.iterdir()] == [privacy.secret_file_name("Oulu")]


def refused(organisation: str, folder: Path) -> kokeilu.InvalidArgumentError:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        privacy.organisation_secret(organisation, folder)
    return raised.value


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o620, 0o602])
def test_a_secret_others_can_read_or_write_is_refused_untouched(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "secrets"
    privacy.organisation_secret("Inari", folder)
    path = secret_path(folder, "Inari")
    before = path.read_bytes()
    os.chmod(path, mode)
    error = refused("Inari", folder)
    assert error.code == "privacy.secret_unsafe"
    assert error.field == str(path)
    assert error.params == {"mode": format(mode, "03o"), "wanted": "600"}
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_others_can_write_to_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir()
    os.chmod(folder, 0o777)
    error = refused("Inari", folder)
    assert (error.code, error.params["wanted"]) == ("privacy.secret_unsafe", "700")
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="only root can give a file away")
def test_a_secret_of_another_user_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    privacy.organisation_secret("Ii", folder)
    os.chown(secret_path(folder, "Ii"), 65534, 65534)
    assert refused("Ii", folder).code == "privacy.secret_owner"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"kokeilu-secret/1 " + b"0" * 63 + b"\n",
        b"kokeilu-secret/1 " + b"0" * 64,
        b"kokeilu-secret/1 " + b"0" * 64 + b"\nmore\n",
        b"kokeilu-secret/2 " + b"0" * 64 + b"\n",
        b"kokeilu-secret/1 " + b"A" * 64 + b"\n",
        bytes(32),
    ],
)
def test_a_malformed_secret_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir(mode=0o700)
    path = secret_path(folder, "Kittilä")
    path.write_bytes(content)
    os.chmod(path, 0o600)
    error = refused("Kittilä", folder)
    assert error.code == "privacy.secret_malformed"
    assert "left as it is" in str(error)
    assert path.read_bytes() == content


def test_a_link_or_a_folder_in_the_secrets_place_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    elsewhere = tmp_path / "elsewhere"
    privacy.organisation_secret("Muonio", elsewhere)
    folder.mkdir(mode=0o700)
    secret_path(folder, "Muonio").symlink_to(secret_path(elsewhere, "Muonio"))
    assert refused("Muonio", folder).code == "privacy.secret_not_file"
    secret_path(folder, "Enontekiö").mkdir()
    assert refused("Enontekiö", folder).code == "privacy.secret_not_file"
    secret_path(folder, "Pello").symlink_to(tmp_path / "nowhere")
    assert refused("Pello", folder).code == "privacy.secret_not_file"
    assert not (tmp_path / "nowhere").exists()


# ---------------------------------------------------------------------------------------------
# The attacker: what the recipient of an export can work out


Place = tuple[str, str]  # (arm, period)
TotalKey = tuple[str | None, str | None]  # (arm, None) or (None, period)


def published_lines(cells: Iterable[Place]) -> list[tuple[TotalKey, list[Place]]]:
    """Each row (a period's cells, whose total is published) and column (an arm's), with the key
    of its total."""
    cells = list(cells)
    periods = sorted({p for _, p in cells})
    arms = sorted({a for a, _ in cells})
    rows = [((None, p), [c for c in cells if c[1] == p]) for p in periods]
    columns = [((a, None), [c for c in cells if c[0] == a]) for a in arms]
    return rows + columns


def lines_of(cells: Iterable[Place]) -> list[list[Place]]:
    return [line for _, line in published_lines(cells)]


def table(metric: str, rows: Mapping[str, Iterable[int]], arms: Iterable[str] = ("control", "treatment")) -> list[Cell]:
    """Cells from {period: [n of each arm]}."""
    names = list(arms)
    return [Cell(metric, arm, period, n, {"sum": 0.5 * n}) for period, ns in rows.items() for arm, n in zip(names, ns)]


def view(result: SuppressionResult, metric: str) -> tuple[dict[Place, int | None], dict[TotalKey, int]]:
    """What the recipient sees of a metric: the cells (None when suppressed) and the totals."""
    cells = {(c.arm, c.period): c.n for c in result.cells if c.metric == metric}
    totals = {(arm, period): n for (m, arm, period), n in result.totals.items() if m == metric}
    return cells, totals


def brute_force_ranges(result: SuppressionResult, metric: str) -> dict[Place, set[int]]:
    """Every value each suppressed cell takes in the tables of non-negative whole numbers that
    agree with everything published, by enumeration (small tables only)."""
    cells, totals = view(result, metric)
    unknown = [c for c, n in cells.items() if n is None]
    constraints = []  # (indices of the unknown cells of a line, the units they hold together)
    for key, line in published_lines(cells):
        known = sum(cells[c] or 0 for c in line if cells[c] is not None)
        constraints.append(([unknown.index(c) for c in line if c in unknown], totals[key] - known))
    seen: dict[Place, set[int]] = {c: set() for c in unknown}
    values = [0] * len(unknown)
    limit = totals[(None, None)]

    def placed(members: list[int], upto: int) -> int:
        return sum(values[j] for j in members if j <= upto)

    def assign(i: int) -> None:
        if i == len(unknown):
            for cell, value in zip(unknown, values):
                seen[cell].add(value)
            return
        for value in range(limit + 1):
            values[i] = value
            if any(placed(members, i) > rest for members, rest in constraints):
                break  # a larger value only overfills the line more
            if any(members and max(members) == i and placed(members, i) != rest for members, rest in constraints):
                continue  # a line whose cells are all placed must hold exactly its units
            assign(i + 1)
        values[i] = 0

    assign(0)
    return seen


def lp_ranges(
    result: SuppressionResult, metric: str, at_least: Mapping[Place, int] | None = None
) -> dict[Place, tuple[float, float]]:
    """The least and greatest value of each suppressed cell over every non-negative table that agrees
    with everything published (and with `at_least`: what the recipient knows a cell held before,
    as units are only added), by linear programming. The constraints are those of a transportation
    problem (totally unimodular), so the bounds are whole numbers."""
    from scipy.optimize import linprog

    cells, totals = view(result, metric)
    unknown = [c for c, n in cells.items() if n is None]
    if not unknown:
        return {}
    rows_eq, rhs = [], []
    for key, members in published_lines(cells):
        rows_eq.append([1.0 if c in members else 0.0 for c in unknown])
        rhs.append(totals[key] - sum(cells[c] or 0 for c in members if cells[c] is not None))
    floors = at_least or {}
    bounds = [(floors.get(c, 0), None) for c in unknown]
    ranges = {}
    for index, cell in enumerate(unknown):
        objective = [0.0] * len(unknown)
        objective[index] = 1.0
        low = linprog(objective, A_eq=rows_eq, b_eq=rhs, bounds=bounds, method="highs")
        objective[index] = -1.0
        high = linprog(objective, A_eq=rows_eq, b_eq=rhs, bounds=bounds, method="highs")
        assert low.status == 0 and high.status == 0, (cell, low.message, high.message)
        ranges[cell] = (round(low.fun), round(-high.fun))
    return ranges


def hidden_units_per_line(result: SuppressionResult, cells: Iterable[Cell], metric: str) -> list[int]:
    truth = {(c.arm, c.period): c.n for c in cells if c.metric == metric}
    shown, _ = view(result, metric)
    return [sum(truth[c] for c in line if shown[c] is None) for line in lines_of(truth)]


# ---------------------------------------------------------------------------------------------
# One export


def test_nothing_small_nothing_suppressed() -> None:
    cells = table("visits", {"w1": [12, 9], "w2": [5, 30], "w3": [0, 7]})
    result = privacy.suppress(cells)
    assert not result.data_removed and result.withheld_metrics == {}
    assert [(c.n, c.statistics) for c in result.cells] == [(c.n, c.statistics) for c in cells]
    # The totals the verdict is made of are the sums of every cell, exactly.
    assert result.totals[("visits", "control", None)] == 17 and result.totals[("visits", "treatment", None)] == 46
    assert result.totals[("visits", None, "w3")] == 7 and result.totals[("visits", None, None)] == 63


def test_a_small_cell_is_suppressed_with_a_rectangle_that_hides_it() -> None:
    cells = table("visits", {"w1": [20, 3], "w2": [15, 12], "w3": [9, 30]})
    result = privacy.suppress(cells)
    assert result.reasons == {
        ("visits", "treatment", "w1"): "primary",
        ("visits", "control", "w1"): "complementary",
        ("visits", "control", "w2"): "complementary",
        ("visits", "treatment", "w2"): "complementary",
    }
    assert result.data_removed
    blank = [c for c in result.cells if c.suppressed]
    assert all(c.n is None and c.statistics is None for c in blank)
    # Every suppressed cell can take several values; the small one may hold k units or more.
    ranges = brute_force_ranges(result, "visits")
    assert ranges[("treatment", "w1")] == set(range(0, 16))
    assert all(len(values) > 1 for values in ranges.values())
    assert max(ranges[("treatment", "w1")]) >= 5
    assert all(h == 0 or h >= 5 for h in hidden_units_per_line(result, cells, "visits"))


def test_the_brute_force_attacker_finds_a_lone_suppression() -> None:
    # The check can fail: a single blank in a line is given away by its total.
    cells = table("visits", {"w1": [20, 3], "w2": [15, 12]})
    lone = SuppressionResult(
        5,
        tuple(
            privacy.SentCell(c.metric, c.arm, c.period, None if c.key == ("visits", "treatment", "w1") else c.n, None)
            for c in cells
        ),
        privacy.suppress(cells).totals,
        {},
    )
    assert brute_force_ranges(lone, "visits") == {("treatment", "w1"): {3}}
    assert lp_ranges(lone, "visits") == {("treatment", "w1"): (3, 3)}


def test_zero_cells_are_published_and_never_primary() -> None:
    cells = table("calls", {"w1": [0, 40], "w2": [25, 0], "w3": [30, 35]})
    result = privacy.suppress(cells)
    assert result.reasons == {} and [c.n for c in result.cells] == [0, 40, 25, 0, 30, 35]


def test_a_zero_may_be_the_fourth_corner() -> None:
    cells = table("calls", {"w1": [2, 30], "w2": [25, 0]})
    result = privacy.suppress(cells)
    assert result.suppressed == {("calls", a, p) for a in ("control", "treatment") for p in ("w1", "w2")}
    assert lp_ranges(result, "calls")[("control", "w1")] == (2, 27)


def test_small_cells_in_one_line_hide_at_least_k_together() -> None:
    cells = table("visits", {"w1": [2, 2, 40], "w2": [30, 25, 20], "w3": [10, 12, 8]}, arms=("a", "b", "c"))
    result = privacy.suppress(cells)
    assert {("visits", "a", "w1"), ("visits", "b", "w1")} <= result.suppressed
    assert all(h == 0 or h >= 5 for h in hidden_units_per_line(result, cells, "visits"))
    for cell, (low, high) in lp_ranges(result, "visits").items():
        assert high > low, cell
    assert lp_ranges(result, "visits")[("a", "w1")][1] >= 5


def test_a_total_that_is_itself_small_withholds_the_metric() -> None:
    cells = table("visits", {"w1": [20, 3], "w2": [15, 0]}) + table("wait", {"w1": [20, 30], "w2": [15, 10]})
    result = privacy.suppress(cells)
    assert result.withheld_metrics == {"visits": "small_total"}
    assert {c.reason for c in result.cells if c.metric == "visits"} == {"withheld"}
    assert not any(m == "visits" for m, _, _ in result.totals)
    assert not any(c.suppressed for c in result.cells if c.metric == "wait")
    # A period of few units is a small group too.
    small_period = privacy.suppress(table("visits", {"w1": [20, 30], "w2": [1, 2]}))
    assert small_period.withheld_metrics == {"visits": "small_total"}


def test_a_single_small_cell_without_a_rectangle_leaves_only_the_totals() -> None:
    # Every rectangle through the small cell has a corner too small to hide it: rule 5.
    cells = table("visits", {"w1": [3, 6, 6], "w2": [20, 40, 40]}, arms=("a", "b", "c"))
    result = privacy.suppress(cells, 10)
    assert result.suppressed == {c.key for c in cells}
    assert set(result.totals) >= {("visits", "a", None), ("visits", None, "w1")}
    assert lp_ranges(result, "visits")[("a", "w1")][1] >= 10


@pytest.mark.parametrize("k", [3, 5, 10])
def test_no_suppressed_cell_of_a_random_table_can_be_recovered(k: int) -> None:
    rng = random.Random(2026 + k)
    checked = 0
    for _ in range(30):
        arms = [f"arm{i}" for i in range(rng.randint(2, 4))]
        periods = [f"p{i}" for i in range(rng.randint(2, 4))]
        cells = []
        for period in periods:
            for arm in arms:
                draw = rng.random()
                n = 0 if draw < 0.15 else rng.randint(1, k - 1) if draw < 0.5 else rng.randint(k, 4 * k)
                cells.append(Cell("m", arm, period, n))
        result = privacy.suppress(cells, k)
        truth = {(c.arm, c.period): c.n for c in cells}
        line_totals = [sum(truth[c] for c in line) for line in lines_of(truth)]
        if result.withheld_metrics:
            assert any(0 < t < k for t in line_totals)
            continue
        assert all(t == 0 or t >= k for t in line_totals)
        for cell in cells:
            if 0 < cell.n < k:
                assert cell.key in result.suppressed
        assert all(h == 0 or h >= k for h in hidden_units_per_line(result, cells, "m"))
        for (arm, period), (low, high) in lp_ranges(result, "m").items():
            assert low <= truth[(arm, period)] <= high
            assert high > low, (arm, period)  # never determined
            if 0 < truth[(arm, period)] < k:
                assert high >= k  # a small cell may as well hold k or more
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("bad", [1, 0, -5, True, 2.5, 5.0, "5", None])
def test_the_smallest_cell_size_is_a_whole_number_of_at_least_two(bad: object) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        privacy.suppress(table("m", {"w1": [5, 5]}), bad)  # type: ignore[arg-type]
    assert raised.value.field == "min_cell_size"
    assert raised.value.code == "privacy.min_cell_size"


def test_a_larger_k_suppresses_more() -> None:
    cells = table("visits", {"w1": [20, 7], "w2": [15, 12], "w3": [9, 30]})
    assert privacy.suppress(cells, 2).suppressed == frozenset()
    assert privacy.suppress(cells, 5).suppressed == frozenset()
    assert ("visits", "treatment", "w1") in privacy.suppress(cells, 8).suppressed


def test_bad_cells_are_refused_naming_them() -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        privacy.suppress([Cell("m", "a", "w1", 5), Cell("m", "a", "w1", 6)])
    assert (raised.value.field, raised.value.code) == ("cells[1]", "privacy.cell_twice")
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        privacy.suppress([Cell("m", "a", "w1", -1)])
    assert (raised.value.field, raised.value.code) == ("cells[0].n", "input.negative")
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        privacy.suppress([Cell("m", "a", "w1", 2.5)])  # type: ignore[arg-type]
    assert raised.value.field == "cells[0].n"


# ---------------------------------------------------------------------------------------------
# Across exports: the ledger and the differencing attack


def sent_values(entries: Iterable[LedgerCell]) -> dict[tuple[str, str | None, str | None], set[int]]:
    out: dict[tuple[str, str | None, str | None], set[int]] = {}
    for entry in entries:
        if entry.n is not None:
            out.setdefault(entry.key, set()).add(entry.n)
    return out


def assert_no_small_difference(entries: list[LedgerCell], k: int) -> None:
    """Nothing the recipient received twice differs by fewer than k units."""
    for key, values in sent_values(entries).items():
        for a, b in itertools.combinations(sorted(values), 2):
            assert b - a >= k, (key, a, b)


def export(cells: list[Cell], ledger: list[LedgerCell], k: int = 5) -> SuppressionResult:
    result = privacy.protect_against_differencing(cells, ledger, k, experiment="uuid-1")
    ledger += privacy.ledger_entries(result, recipient="Salla", experiment="uuid-1")
    return result


def test_two_more_units_in_a_period_cannot_be_differenced() -> None:
    ledger: list[LedgerCell] = []
    first = export(table("visits", {"w1": [20, 15], "w2": [12, 7]}), ledger)
    assert not first.data_removed
    # Two more units arrived in the period of 7: every total they touch moved by 2.
    second = export(table("visits", {"w1": [20, 15], "w2": [12, 9]}), ledger)
    assert second.withheld_metrics == {"visits": "differencing"}
    assert all(c.n is None and c.statistics is None for c in second.cells)
    assert second.totals == {}
    assert_no_small_difference(ledger, 5)
    # Once the period has grown by k, the metric is sent again; the group of 2 never shows.
    third = export(table("visits", {"w1": [20, 15], "w2": [12, 12]}), ledger)
    assert not third.withheld_metrics
    assert_no_small_difference(ledger, 5)
    assert 9 not in sent_values(ledger)[("visits", "treatment", "w2")]


def test_a_cell_grown_by_two_is_hidden_while_the_totals_grow_by_k() -> None:
    ledger: list[LedgerCell] = []
    export(table("visits", {"w1": [20, 15], "w2": [10, 7]}), ledger)
    before = {(e.arm, e.period): e.n for e in ledger if e.arm and e.period and e.n is not None}
    # Late rows: w2 grows by 3 and 2 (the period by 5); a new week w3 adds 10 to each arm.
    cells = table("visits", {"w1": [20, 15], "w2": [13, 9], "w3": [10, 10]})
    result = export(cells, ledger)
    assert result.withheld_metrics == {}
    assert result.reasons[("visits", "treatment", "w2")] == "differencing"
    assert result.reasons[("visits", "control", "w2")] == "differencing"
    assert_no_small_difference(ledger, 5)
    # The recipient knows each cell held at least what they were sent before.
    ranges = lp_ranges(result, "visits", at_least=before)
    low, high = ranges[("treatment", "w2")]
    assert low == 7  # it cannot even tell that the cell grew
    assert high - 7 >= 5  # nor exclude that it grew by k or more
    assert all(h > lo for lo, h in ranges.values())


def test_a_cell_once_suppressed_stays_suppressed_for_that_recipient() -> None:
    ledger: list[LedgerCell] = []
    first = export(table("visits", {"w1": [20, 3], "w2": [15, 12], "w3": [9, 30]}), ledger)
    hidden = first.suppressed
    assert hidden
    # Later the small cell is no longer small (rows logged late), and a week is added.
    cells = table("visits", {"w1": [20, 3 + 30], "w2": [15, 12], "w3": [9, 30], "w4": [40, 50]})
    second = export(cells, ledger)
    assert not second.withheld_metrics
    assert hidden <= second.suppressed
    assert {second.reasons[key] for key in hidden} == {"differencing"}
    # Under what they received first, the formerly small cell still cannot be pinned down.
    first_entries = privacy.ledger_entries(first, recipient="Salla", experiment="uuid-1")
    before = {(e.arm, e.period): e.n for e in first_entries if e.arm and e.period and e.n is not None}
    ranges = lp_ranges(second, "visits", at_least=before)
    assert all(high > low for low, high in ranges.values())


@pytest.mark.parametrize("k", [3, 5])
def test_no_follow_up_of_a_random_table_gives_a_small_group_away(k: int) -> None:
    rng = random.Random(7 * k)
    followed = 0
    for _ in range(25):
        arms = [f"arm{i}" for i in range(rng.randint(2, 3))]
        periods = [f"p{i}" for i in range(rng.randint(2, 3))]
        first = {(a, p): rng.choice([0, rng.randint(1, k - 1), rng.randint(k, 5 * k)]) for p in periods for a in arms}
        # Late rows in the old periods (some fewer than k), and a new period.
        later = {cell: n + rng.choice([0, 0, rng.randint(1, k - 1), rng.randint(k, 3 * k)]) for cell, n in first.items()}
        later.update({(a, "new"): rng.randint(0, 5 * k) for a in arms})
        ledger: list[LedgerCell] = []
        export([Cell("m", a, p, n) for (a, p), n in first.items()], ledger, k)
        sent_first = {(e.arm, e.period): e.n for e in ledger if e.arm and e.period and e.n is not None}
        hidden_first = {(e.arm, e.period) for e in ledger if e.arm and e.period and e.n is None}
        second = export([Cell("m", a, p, n) for (a, p), n in later.items()], ledger, k)
        assert_no_small_difference(ledger, k)
        if second.withheld_metrics:
            continue
        followed += 1
        shown, _ = view(second, "m")
        assert all(shown[cell] is None for cell in hidden_first)  # rule 8
        # The recipient knows that every cell holds at least what it was sent before.
        for cell, (low, high) in lp_ranges(second, "m", at_least=sent_first).items():
            assert low <= later[cell] <= high and high > low, cell
            if 0 < later[cell] < k:
                assert high >= k, cell
            grown = [v for v in [sent_first.get(cell)] if v is not None and 0 < later[cell] - v < k]
            if grown:
                assert high - grown[0] >= k, cell  # cannot exclude that it grew by k or more
    assert followed >= 5


def test_only_the_experiments_own_ledger_counts() -> None:
    other = [LedgerCell("Salla", "uuid-2", "visits", "treatment", None, 22)]
    cells = table("visits", {"w1": [20, 15], "w2": [12, 9]})
    assert privacy.protect_against_differencing(cells, other, experiment="uuid-1").withheld_metrics == {}
    assert privacy.protect_against_differencing(cells, other).withheld_metrics == {"visits": "differencing"}


def test_a_withheld_metric_leaves_nothing_in_the_ledger() -> None:
    result = privacy.suppress(table("visits", {"w1": [20, 3], "w2": [1, 0]}))
    assert privacy.ledger_entries(result, recipient="Salla", experiment="uuid-1") == []


def test_the_ledger_goes_through_json_and_back() -> None:
    result = privacy.suppress(table("visits", {"w1": [20, 3], "w2": [15, 12], "w3": [9, 30]}))
    entries = privacy.ledger_entries(result, recipient="Salla", experiment="uuid-1")
    assert any(e.n is None for e in entries) and any(e.arm is None for e in entries)
    text = json.dumps([privacy.ledger_to_dict(e) for e in entries])
    assert [privacy.ledger_from_dict(d) for d in json.loads(text)] == entries
    good = privacy.ledger_to_dict(entries[0])
    for name, value in [("n", -1), ("n", True), ("n", 2.0), ("metric", None), ("arm", 3), ("recipient", b"x")]:
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            privacy.ledger_from_dict({**good, name: value}, "ledger[4]")
        error = raised.value
        assert (error.field, error.code, error.params) == ("ledger[4]", "privacy.ledger_entry", {"name": name})
    missing = dict(good)
    del missing["experiment"]
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        privacy.ledger_from_dict(missing)
    assert raised.value.params == {"name": "experiment"}
