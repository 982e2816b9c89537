"""click's own texts and the names of values in the help, in the language the command chose."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from kokeilu.cli import click_texts


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    click_texts.install("en")  # click's texts are the process's; leave them as other tests expect


def build() -> click.Command:
    @click.command()
    @click.option("--n", type=int, default=3, show_default=True, help="A count.")
    @click.option("--db", metavar="PATH", required=True)
    @click.argument("key")
    def command(n: int, db: str, key: str) -> None:
        pass

    return command


@pytest.mark.parametrize(
    ("lang", "expected", "english"),
    [
        ("sv", ["Användning:", "Flaggor:", "NYCKEL", "HELTAL", "SÖKVÄG", "[standard: 3]", "[obligatorisk]", "Visa denna hjälp och avsluta."], ["Usage:", "Options:", "INTEGER", "[required]"]),
        ("fi", ["Käyttö:", "Valitsimet:", "TUNNUS", "KOKONAISLUKU", "POLKU", "[oletus: 3]", "[pakollinen]", "Näytä tämä ohje ja lopeta."], ["Usage:", "Options:", "INTEGER", "[required]"]),
        ("en", ["Usage:", "Options:", "KEY", "INTEGER", "PATH", "[default: 3]", "[required]", "Show this message and exit."], ["Käyttö", "Användning"]),
    ],
)
def test_click_help_in_each_language(lang: str, expected: list[str], english: list[str]) -> None:
    click_texts.install(lang)
    output = CliRunner().invoke(build(), ["--help"]).output
    for text in expected:
        assert text in output
    for text in english:
        assert text not in output


def test_click_errors_in_swedish_and_back_in_english() -> None:
    click_texts.install("sv")
    result = CliRunner().invoke(build(), ["--n", "x", "--db", "a", "K"])
    assert "Fel: Ogiltigt värde för '--n': 'x' är inte ett giltigt tal" in result.output
    click_texts.install("en")
    result = CliRunner().invoke(build(), ["--n", "x", "--db", "a", "K"])
    assert "Error: Invalid value for '--n': 'x' is not a valid integer." in result.output


def test_texts_the_command_rewords_stay_english_for_it() -> None:
    # kokeilu.cli matches these in English to put them in its own words (see _usage_message).
    click_texts.install("fi")
    group = click.Group("g")
    result = CliRunner().invoke(group, ["nothing"])
    assert "No such command 'nothing'." in result.output


def test_a_groups_subcommand_placeholder_in_swedish() -> None:
    click_texts.install("sv")

    @click.group()
    def group() -> None:
        pass

    @group.command()
    def sub() -> None:
        pass

    output = CliRunner().invoke(group, ["--help"]).output
    assert "KOMMANDO [ARGUMENT]..." in output and "COMMAND" not in output
