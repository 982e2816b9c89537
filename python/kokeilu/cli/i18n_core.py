"""The core's messages in the command's languages.

The core (C++) writes its errors and the analysis' warnings in English, naming the API's options
(``backfill``); the command shows them with its own options (``--backfill``), and in Finnish where a
wording is known here. A message without a known wording is shown as the core wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Union

#: A replacement: a template for re.sub, or a function of the match.
Replacement = Union[str, Callable[["re.Match[str]"], str]]


def _fi_date(iso: str) -> str:
    """2026-01-05 as Finns write it: 5.1.2026."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day}.{month}.{year}"


def _fi_range(text: str) -> str:
    """A valid range as the core words it ("1 to 5", "at least 1", "at most 5"), in Finnish."""
    if text.startswith("at least "):
        return "vähintään " + text[len("at least ") :]
    if text.startswith("at most "):
        return "enintään " + text[len("at most ") :]
    return text.replace(" to ", "–")


# The API's options as the command names them.
_OPTIONS = (
    ("use backfill", "use --backfill"),
    ("pass allow_future", "pass --allow-future"),
)

# Problems the core reports in English, and their Finnish wording. The rules of the data (times,
# values, names) are the core's alone, so every problem a row can have is worded here.
_CORE_PROBLEMS_FI: list[tuple[re.Pattern[str], Replacement]] = [
    (re.compile(r"^is required$"), "on pakollinen"),
    (re.compile(r"^is required: say why the experiment stops$"), "on pakollinen: kerro, miksi kokeilu keskeytetään"),
    (re.compile(r"^not a valid date$"), "ei ole kelvollinen päivämäärä"),
    (re.compile(r"^not a valid time$"), "ei ole kelvollinen ajankohta"),
    (re.compile(r"^must be a finite number$"), "on oltava äärellinen luku"),
    (re.compile(r"^must not be negative, got (.+)$"), r"ei saa olla negatiivinen, nyt \1"),
    (re.compile(r"^must be a finite number above 0, got (.+)$"), r"on oltava suurempi kuin 0, nyt \1"),
    (
        re.compile(r"^must be between 0\.5 and 1 \(e\.g\. 0\.95\), got (.+)$"),
        r"on oltava välillä 0,5–1 (esim. 0,95), nyt \1",
    ),
    (re.compile(r"^unknown arm '(.*)'; known: (.*)$"), r"tuntematon ryhmä '\1'. Tunnetut: \2"),
    (re.compile(r"^unknown metric '(.*)'; known: (.*)$"), r"tuntematon mittari '\1'. Tunnetut: \2"),
    (
        re.compile(r"^is required before the experiment starts: the Test Card is locked then$"),
        "on täytettävä ennen käynnistystä, koska testikortti lukitaan silloin",
    ),
    (
        re.compile(r"^at least one is required: wellbeing, vitality or democracy$"),
        "vähintään yksi tarvitaan: wellbeing (hyvinvointi), vitality (elinvoima) tai democracy (demokratia)",
    ),
    (re.compile(r"^is before planned_start \((.*)\)$"), r"on ennen suunniteltua alkupäivää (\1)"),
    (re.compile(r"^is before the actual start \((.*)\)$"), r"on ennen toteutunutta alkupäivää (\1)"),
    (re.compile(r"^is too long: (\d+) bytes, at most (\d+).*$"), r"on liian pitkä: \1 tavua, enintään \2"),
    (re.compile(r"^a proportion metric takes 0 or 1 per unit, got (.+)$"), r"osuusmittarin arvo on 0 tai 1, nyt \1"),
    (re.compile(r"^a count cannot be negative, got (.+)$"), r"tapahtumamäärä ei voi olla negatiivinen, nyt \1"),
    (re.compile(r"^already in use by another experiment$"), "on jo toisen kokeilun käytössä"),
    (
        re.compile(r"^exactly one metric must be primary; found (\d+)(.*)$"),
        r"päämittareita on oltava täsmälleen yksi; nyt niitä on \1\2",
    ),
    (
        re.compile(r"^'(.*)' is already the name of (\w+)\[(.*)\](?: \(names are compared ignoring case\))?$"),
        r"'\1' on jo kohteen \2[\3] nimi (kirjainkokoa ei huomioida)",
    ),
    (re.compile(r"^'(.*)' is already in use by another experiment$"), r"'\1' on jo toisen kokeilun käytössä"),
    (
        re.compile(r"^a (\w+) design has no '(\w+)' arm; use (.*)$"),
        r"asetelmassa \1 ei ole roolia '\2'; käytä roolia \3",
    ),
    (
        re.compile(r"^a (\w+) design needs exactly (\d+) '(\w+)' arm; found (\d+)$"),
        r"asetelma \1 tarvitsee täsmälleen \2 ryhmän roolilla '\3'; nyt niitä on \4",
    ),
    (
        re.compile(r"^a (\w+) design needs at least (\d+) '(\w+)' arm; found (\d+)$"),
        r"asetelma \1 tarvitsee vähintään \2 ryhmän roolilla '\3'; nyt niitä on \4",
    ),
    (
        re.compile(r"^a one_sample design compares against the baseline, so the primary metric needs one$"),
        "yhden ryhmän asetelmassa ryhmää verrataan lähtötasoon, joten päämittarilla on oltava lähtötaso (--baseline)",
    ),
    (
        re.compile(r"^is smaller than sum\*sum/n: no set of values has these sums$"),
        "on pienempi kuin sum*sum/n: millään arvoilla ei ole näitä summia",
    ),
    (
        re.compile(r"^(\S+) is before the actual start of (\S+) \((\d{4}-\d\d-\d\d)\); use .*$"),
        lambda m: f"{m[1]} on ennen kokeilun {m[2]} alkua ({_fi_date(m[3])}); kirjaa aiemmat tiedot valitsimella "
        "--backfill",
    ),
    (
        re.compile(r"^(\S+) is more than a day in the future \(now (\S+)\); .*$"),
        r"\1 on yli vuorokauden päässä tulevaisuudessa (nyt \2); tarkista vuosi, päivän ja kuukauden järjestys "
        "ja yksikkö, tai salli tulevat ajankohdat valitsimella --allow-future",
    ),
    (re.compile(r"^out of the supported range \(years 1400-9999\)$"), "ei ole tuetulla välillä (vuodet 1400–9999)"),
    (re.compile(r"^must be a finite number, got (.+)$"), r"on oltava äärellinen luku, nyt \1"),
    (
        re.compile(r"^is outside the valid range of (.+) \((.+)\), got (.+)$"),
        lambda m: f"on mittarin {m[1]} sallitun vaihteluvälin ({_fi_range(m[2])}) ulkopuolella, nyt {m[3]}",
    ),
    (
        re.compile(r"^the mean of the row, sum/n = (.+), is outside the valid range of (.+) \((.+)\)$"),
        lambda m: f"rivin keskiarvo sum/n = {m[1]} on mittarin {m[2]} sallitun vaihteluvälin "
        f"({_fi_range(m[3])}) ulkopuolella",
    ),
    (
        re.compile(r"^is larger than values in the valid range of (.+) \((.+)\) can give with this n and sum$"),
        lambda m: f"on suurempi kuin mittarin {m[1]} sallitun vaihteluvälin ({_fi_range(m[2])}) arvoilla voi "
        "tulla näillä n:n ja summan arvoilla",
    ),
    (
        re.compile(r"^(\d+) more units would take the total n of arm '(.*)' in this write past .*$"),
        r"\1 yksikköä lisää veisi ryhmän '\2' yksiköiden määrän yli suurimman mahdollisen (2^63 − 1)",
    ),
    (
        re.compile(r"^adding (\d+) units to the (\d+) already summarised would pass .*$"),
        r"\1 yksikön lisääminen jo kirjattuihin \2 yksikköön veisi määrän yli suurimman mahdollisen (2^63 − 1)",
    ),
    (re.compile(r"^must be at least 1$"), "on oltava vähintään 1"),
    (
        re.compile(r"^successes must be between 0 and n \(the trials\)$"),
        "onnistumisten määrän on oltava välillä 0–n (yritysten määrä)",
    ),
    (re.compile(r"^successes must be a whole number$"), "onnistumisten määrän on oltava kokonaisluku"),
    (re.compile(r"^a count of events cannot be negative$"), "tapahtumien määrä ei voi olla negatiivinen"),
    (
        re.compile(r"^is not used for a (proportion|count) metric$"),
        lambda m: "ei ole käytössä " + ("osuusmittarilla" if m[1] == "proportion" else "tapahtumamäärämittarilla"),
    ),
    (
        re.compile(r"^is required for a mean metric \(the sum of squared values\)$"),
        "tarvitaan keskiarvomittarille (arvojen neliöiden summa)",
    ),
    (re.compile(r"^is used only for count metrics$"), "on käytössä vain tapahtumamäärämittareilla"),
    (re.compile(r"^missing time \(NaT\)$|^missing time$"), "ajankohta puuttuu"),
    (re.compile(r"^missing arm name$"), "ryhmän nimi puuttuu"),
    (
        re.compile(r"^contains an invisible or direction-changing character \((U\+[0-9A-F]+)\); .*$"),
        r"sisältää näkymättömän tai tekstin suuntaa muuttavan merkin (\1); nimen jokaisen merkin on näyttävä",
    ),
    (
        re.compile(r"^is required: write what happened( \(invisible characters and spaces alone do not count\))?$"),
        lambda m: "on pakollinen: kirjoita, mitä tapahtui"
        + (" (pelkät näkymättömät merkit ja välilyönnit eivät riitä)" if m[1] else ""),
    ),
    (
        re.compile(r"^is required: say why the experiment stops \(invisible characters and spaces alone do not count\)$"),
        "on pakollinen: kerro, miksi kokeilu keskeytetään (pelkät näkymättömät merkit ja välilyönnit eivät riitä)",
    ),
    (
        re.compile(r"^a proportion metric takes 0 or 1 per unit; it has no valid range to set$"),
        "osuusmittarin arvo on 0 tai 1, joten sille ei aseteta sallittua vaihteluväliä",
    ),
    (re.compile(r"^must be above valid_min \((.+)\), got (.+)$"), r"on oltava suurempi kuin valid_min (\1), nyt \2"),
    (
        re.compile(r"^(\d+) stored observations? lies? outside the valid range (.+) \(the first: (.+)\); .*$"),
        lambda m: f"{m[1]} tallennettua havaintoa on sallitun vaihteluvälin ({_fi_range(m[2])}) ulkopuolella "
        f"(ensimmäinen: {m[3]}); mitätöi tai korjaa ne ensin",
    ),
    (
        re.compile(r"^(.+) is outside the valid range \((.+)\)$"),
        lambda m: f"{m[1]} on sallitun vaihteluvälin ({_fi_range(m[2])}) ulkopuolella",
    ),
    (
        re.compile(r"^stored values that cannot be summarised: (.*)$"),
        r"tallennettuja arvoja ei voi laskea yhteen: \1",
    ),
    (
        re.compile(r"^(\S+) is on or after the actual start of (\S+) \((.*)\), but the arm '(.*)' is the period "
                   r"before it; a before value is timed before the start$"),
        r"\1 on kokeilun \2 alkupäivänä (\3) tai sen jälkeen, mutta ryhmä '\4' on sitä edeltävä jakso; "
        r"ennen-jakson arvon ajankohta on ennen alkua",
    ),
    (
        re.compile(r"^(\S+) is before the actual start of (\S+) \((.*)\), but the arm '(.*)' is the period after "
                   r"it; a value from before the start belongs to the before period$"),
        r"\1 on ennen kokeilun \2 alkupäivää (\3), mutta ryhmä '\4' on alun jälkeinen jakso; ennen alkua mitattu "
        r"arvo kuuluu ennen-jaksoon",
    ),
    (
        re.compile(r"^cannot be removed: it has (\d+) observations? \((ids? .*)\)$"),
        r"ei voi poistaa: sillä on \1 havaintoa (\2)",
    ),
    (
        re.compile(r"^cannot change from (\w+) to (\w+): (\d+) observations? (?:does|do) not fit it \((.*)\)$"),
        r"lajia ei voi muuttaa (\1 → \2): \3 tallennettua havaintoa ei sovi siihen (\4)",
    ),

]
def _file_kind_fi(kind: str) -> str:
    """What a path names (as check_tracker_path words it), in Finnish."""
    prefix = "a symbolic link to "
    if kind.startswith(prefix):
        return "symbolinen linkki, jonka kohde on " + _file_kind_fi(kind[len(prefix) :])
    return _FILE_KINDS_FI.get(kind, kind)


_FILE_KINDS_FI = {
    "a folder": "kansio",
    "a FIFO (named pipe)": "nimetty putki (FIFO)",
    "a character device": "merkkilaite",
    "a block device": "lohkolaite",
    "a socket": "pistoke (socket)",
}

_CORE_STATE_FI: list[tuple[re.Pattern[str], Replacement]] = [
    (
        re.compile(r"^(\S+) was changed by someone else after it was read.*$"),
        r"joku muu muutti kokeilua \1 samaan aikaan; yritä uudelleen",
    ),
    (
        re.compile(r"^(\S+) of (\S+) is locked since (\S+); give a reason to amend it$"),
        r"kentän \1 lukitus kokeilussa \2 on voimassa \3 alkaen; anna muutokselle syy",
    ),
    (
        re.compile(r"^(\S+) is concluded: its pre-registered parts \((.*)\) can no longer be amended$"),
        r"kokeilu \1 on päätetty: sen ennalta kirjattuja osia (\2) ei voi enää muuttaa",
    ),
    (
        re.compile(r"^'(.*)' is not a kokeilu tracker: it is not a SQLite database; it was left unchanged$"),
        r"'\1' ei ole kokeilujen seurantatiedosto eikä SQLite-tietokanta; tiedostoa ei muutettu",
    ),
    (
        re.compile(r"^'(.*)' is not a kokeilu tracker: it is a SQLite database of another application.*$"),
        r"'\1' ei ole kokeilujen seurantatiedosto vaan jonkin muun sovelluksen SQLite-tietokanta; "
        "tiedostoa ei muutettu",
    ),
    (
        re.compile(r"^'(.*)' was written by a newer kokeilu.*$"),
        r"'\1' on tallennettu uudemmalla kokeilun versiolla; päivitä kokeilu, niin voit avata sen. "
        "Tiedostoa ei muutettu",
    ),
    (
        re.compile(r"^.*database is locked.*$"),
        "seurantatiedosto on toisen ohjelman lukitsema; yritä hetken päästä uudelleen",
    ),
    (
        re.compile(r"^opening '(.*)': it is (.*), not a file; a tracker is a regular file$"),
        lambda m: f"'{m[1]}' ei ole tavallinen tiedosto vaan {_file_kind_fi(m[2])}; seurantatiedoston on oltava "
        "tavallinen tiedosto",
    ),
    (
        re.compile(r"^opening '(.*)': its (?:write-ahead log|rollback journal|shared-memory index) '(.*)' is (.*), "
                   r"not a file; .*$"),
        lambda m: f"seurantatiedoston '{m[1]}' rinnalla oleva '{m[2]}' ei ole tavallinen tiedosto vaan "
        f"{_file_kind_fi(m[3])}, ja SQLite avaisi sen osana seurantatiedostoa; siirrä se pois",
    ),
    (
        re.compile(r"^'(.*)' has (\d+) names \(hard links\), and writing it is refused.*$"),
        r"tiedostolla '\1' on \2 nimeä (kovaa linkkiä), eikä siihen kirjoiteta: SQLite pitää kullekin nimelle oman "
        r"kirjoitusta edeltävän lokin, jolloin eri nimillä tehdyt kirjoitukset hävittävät toistensa rivejä. "
        r"Anna seurantatiedostolle yksi nimi: kopioi se (cp '\1' uusi.db) ja käytä kopiota, tai poista toinen "
        r"linkki. Vain luku -tilassa sen voi yhä avata",
    ),
    (
        re.compile(r"^opening '(.*)': its write-ahead log '(.*)' belongs to another tracker file "
                   r"\(file identity (\S+), this file's is (\S+)\);.*$"),
        r"seurantatiedoston '\1' rinnalla oleva loki '\2' kuuluu toiseen seurantatiedostoon (tunniste \3, tämän "
        r"tiedoston \4); SQLite toistaisi sen tämän tiedoston päälle ja näyttäisi toisen tiedoston tiedot. "
        r"Kumpaakaan tiedostoa ei muutettu. Jos '\1' on oikea tiedosto, siirrä '\2' (ja -shm-tiedosto) pois ja "
        r"avaa se uudelleen; jos tarvitsemasi rivit ovat toisessa tiedostossa, palauta loki sen rinnalle",
    ),
    (
        re.compile(r"^opening '(.*)': its write-ahead log '(.*)' belongs to (another SQLite database|another "
                   r"database \('.*' is empty\));.*$"),
        r"seurantatiedoston '\1' rinnalla oleva loki '\2' kuuluu toiseen tietokantaan; SQLite toistaisi sen tämän "
        r"tiedoston päälle. Kumpaakaan tiedostoa ei muutettu. Jos '\1' on oikea tiedosto, siirrä '\2' "
        r"(ja -shm-tiedosto) pois ja avaa se uudelleen",
    ),
]


# The warnings of the analysis, which the core writes in English, and their Finnish wording.
_WARNINGS_FI: list[tuple[re.Pattern[str], Replacement]] = [
    (
        re.compile(
            r"^The success criterion was amended after the start \((.*)\): the verdict is judged against it as locked; "
            r"the judgement against the amended criterion is exploratory\.$"
        ),
        r"Onnistumisen ehtoa muutettiin käynnistyksen jälkeen (\1): johtopäätös arvioidaan kriteeriä vasten "
        r"sellaisena kuin se lukittiin; arvio muutettua kriteeriä vasten on suuntaa antava.",
    ),
    (
        re.compile(
            r"^Started (\d+) days? before the Test Card was locked: data from (\S+) to (.+) may have been seen before "
            r"the criterion was fixed\.$"
        ),
        r"Aloitettu \1 päivää ennen testikortin lukitsemista: aineistoa \2 – \3 on voitu nähdä ennen kuin kriteeri "
        r"lukittiin.",
    ),
    (
        re.compile(
            r"^Rows logged for times between the start and the lock, which may have been seen before the criterion "
            r"was fixed: (.*)\.$"
        ),
        r"Havaintoja alun ja lukituksen väliseltä ajalta, jotka on voitu nähdä ennen kriteerin lukitsemista: \1.",
    ),
    (
        re.compile(
            r"^Sample-ratio mismatch: the arms received other shares of units than planned \(chi-square p = (.+)\); "
            r"check how units were assigned before trusting the comparison\.$"
        ),
        r"Ryhmien koot poikkeavat suunnitellusta (khii toiseen -testin p = \1); tarkista, miten yksiköt jaettiin "
        "ryhmiin, ennen kuin luotat vertailuun.",
    ),
    (
        re.compile(r"^The pre-registered criteria were amended after the start \((.*)\)\.$"),
        r"Ennalta kirjattuja kriteerejä muutettiin käynnistyksen jälkeen (\1).",
    ),
    (
        re.compile(r"^Several treatment arms: the primary metric's intervals are widened \(Bonferroni\).*$"),
        "Kokeiluryhmiä on useita: päämittarin luottamusvälejä on levennetty (Bonferroni), jotta väärän löydöksen "
        "todennäköisyys pysyy valitulla tasolla.",
    ),
    (
        re.compile(
            r"^Few observations: an arm of (.+) has (\d+), fewer than (\d+); the normal approximations may be off, "
            r"so check with the permutation test or the bootstrap\.$"
        ),
        r"Vähän havaintoja: mittarin \1 yhdessä ryhmässä on \2 havaintoa, alle \3; normaalijakaumaan perustuvat "
        r"likiarvot voivat heittää, joten tarkista tulos permutaatiotestillä tai bootstrapilla.",
    ),
    (
        re.compile(
            r"^Underpowered so far: (\d+) observations in the smallest group, (\d+) needed to detect the minimum "
            r"worthwhile effect; at the current pace about (\S+) more days, which is beyond the planned end\.$"
        ),
        r"Aineisto on vielä liian pieni: pienimmässä ryhmässä on \1 havaintoa, ja pienimmän merkityksellisen "
        r"vaikutuksen havaitsemiseen tarvitaan \2; nykyvauhdilla siihen menee noin \3 päivää lisää, eli yli "
        r"suunnitellun päättymisen.",
    ),
    (
        re.compile(
            r"^Underpowered so far: (\d+) observations in the smallest group, (\d+) needed to detect the minimum "
            r"worthwhile effect; at the current pace about (\S+) more days\.$"
        ),
        r"Aineisto on vielä liian pieni: pienimmässä ryhmässä on \1 havaintoa, ja pienimmän merkityksellisen "
        r"vaikutuksen havaitsemiseen tarvitaan \2; nykyvauhdilla siihen menee noin \3 päivää lisää.",
    ),
    (
        re.compile(
            r"^Underpowered so far: (\d+) observations in the smallest group, (\d+) needed to detect the minimum "
            r"worthwhile effect\.$"
        ),
        r"Aineisto on vielä liian pieni: pienimmässä ryhmässä on \1 havaintoa, ja pienimmän merkityksellisen "
        r"vaikutuksen havaitsemiseen tarvitaan \2.",
    ),
    (
        re.compile(r"^Guardrail (.+) \((.+)\): it may have worsened by more than the acceptable (.+)\.$"),
        r"Varomittari \1 (\2) on voinut heiketä enemmän kuin hyväksyttävät \3.",
    ),
]


def _translate(text: str, patterns: list[tuple[re.Pattern[str], Replacement]]) -> str | None:
    for pattern, replacement in patterns:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return None


def command_options(text: str) -> str:
    """A core message with the command's names of the API's options (``--backfill``)."""
    for api, command in _OPTIONS:
        text = text.replace(api, command)
    return text


def translate_core_problem(problem: str, lang: str) -> str:
    """A problem of an InvalidArgumentError, without its field."""
    if lang == "fi":
        translated = _translate(problem, _CORE_PROBLEMS_FI)
        if translated is not None:
            return translated
    for api, command in _OPTIONS:
        problem = problem.replace(api, command)
    return problem


def translate_core_state(message: str, lang: str) -> str:
    """A lifecycle message of the core (an InvalidStateError, a file that cannot be opened)."""
    if lang == "fi":
        return _translate(message, _CORE_STATE_FI) or message
    return message


def translate_warning(text: str, lang: str) -> str:
    """A warning of the analysis."""
    if lang == "fi":
        return _translate(text, _WARNINGS_FI) or text
    return text
