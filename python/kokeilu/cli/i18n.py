"""The command's language: choosing Finnish or English, and every text it shows in both.

Each message is one entry with its English and Finnish text, so a message cannot exist in one
language only (the tests check that both have the same placeholders). Arm, metric and experiment
names are the user's data and are shown exactly as typed.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence

from .. import _core
from .i18n_core import translate_core_problem, translate_core_state, translate_warning

LANGUAGES = ("fi", "en")

# The POSIX order of precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def detect_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language asked for with --lang anywhere on the command line, else the locale's.

    The command line is parsed properly by click later; this look-up only has to know the
    language before the commands (and their help texts) are built.
    """
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "fi" if value.lower().startswith("fi") else "en"
    return "en"


# key: (English, Finnish)
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- errors and their frame ---------------------------------------------------------------
    "error": ("Error: {message}", "Virhe: {message}"),
    "error.unexpected": (
        "Unexpected error: {message} (run again with --debug to see the details)",
        "Odottamaton virhe: {message} (aja uudelleen valitsimella --debug, niin näet yksityiskohdat)",
    ),
    "error.aborted": ("Aborted.", "Keskeytetty."),
    "usage.see_help": ("See '{command} --help' for help.", "Ohjeet: '{command} --help'."),
    "usage.missing_option": ("missing option {option}", "valitsin {option} puuttuu"),
    "usage.missing_argument": ("missing argument {argument}", "argumentti {argument} puuttuu"),
    "usage.no_such_option": ("unknown option {option}", "tuntematon valitsin {option}"),
    "usage.no_such_option_hint": (
        "unknown option {option}; did you mean {hint}?",
        "tuntematon valitsin {option}; tarkoititko {hint}?",
    ),
    "usage.negative_number": (
        "{option} was taken for an option; to give a negative number, put -- before it: {command} KEY -- {option}",
        "{option} tulkittiin valitsimeksi; anna negatiivinen luku kahden viivan jälkeen: {command} TUNNUS -- {option}",
    ),
    "db.no_directory": (
        "cannot create {path}: the directory {directory} does not exist",
        "tiedostoa {path} ei voi luoda, koska hakemistoa {directory} ei ole",
    ),
    "usage.missing_command": ("a command is missing, e.g. 'kokeilu list'", "komento puuttuu, esim. 'kokeilu list'"),
    "usage.no_such_command": ("unknown command '{command}'", "tuntematon komento '{command}'"),
    "usage.bad_value": ("{param}: {problem}", "{param}: {problem}"),
    "usage.needs_value": ("option {option} needs a value", "valitsin {option} tarvitsee arvon"),
    "usage.extra_arguments": ("unexpected extra argument(s): {arguments}", "ylimääräisiä argumentteja: {arguments}"),
    "usage.other": ("{message}", "{message}"),
    # -- values -------------------------------------------------------------------------------
    "value.not_date": (
        "'{value}' is not a date; write it as YYYY-MM-DD (e.g. 2026-03-01)",
        "'{value}' ei ole päivämäärä; kirjoita se muodossa VVVV-KK-PP (esim. 2026-03-01) tai 1.3.2026",
    ),
    "value.not_time": (
        "'{value}' is not a time; write it as YYYY-MM-DDTHH:MM or DD.MM.YYYY HH:MM (e.g. 2026-03-01T14:30 "
        "or 1.3.2026 14:30, in the tracker's time zone unless an offset is given)",
        "'{value}' ei ole ajankohta; kirjoita se muodossa PP.KK.VVVV HH:MM tai VVVV-KK-PPTHH:MM (esim. "
        "1.3.2026 14:30; seurannan aikavyöhykkeessä, ellei aikaeroa anneta)",
    ),
    "value.not_number": ("'{value}' is not a number", "'{value}' ei ole luku"),
    "value.not_finite": ("'{value}' is not a finite number", "'{value}' ei ole äärellinen luku"),
    "value.not_positive": (
        "must be a number above 0, got {value}",
        "luvun on oltava suurempi kuin 0, nyt {value}",
    ),
    "value.negative": ("must not be negative, got {value}", "luku ei saa olla negatiivinen, nyt {value}"),
    "value.required": ("an answer is required", "vastaus on pakollinen"),
    "value.choice": (
        "'{value}' is not one of: {choices}",
        "'{value}' ei kelpaa; vaihtoehdot: {choices}",
    ),
    "value.assignment": (
        "'{value}' is not of the form NAME=VALUE",
        "'{value}' ei ole muotoa NIMI=ARVO",
    ),
    "value.arm_spec": (
        "'{value}': unknown role '{role}'; roles: {choices}",
        "'{value}': tuntematon rooli '{role}'; roolit: {choices}",
    ),
    # -- the tracker file ---------------------------------------------------------------------
    "db.waiting": (
        "Waiting for another write to {path} to finish (up to {limit}; --wait SECONDS to change)…",
        "Odotetaan, että toinen kirjoitus tiedostoon {path} valmistuu (enintään {limit}; "
        "muuta valitsimella --wait SEKUNNIT)…",
    ),
    "value.wait": (
        "{name} must be a number of seconds from 0 to 86400, got '{value}'",
        "{name} on annettava sekunteina väliltä 0–86400, nyt '{value}'",
    ),
    "db.missing": (
        "there is no tracker file {path}; create it with 'kokeilu init' or name another with --db",
        "seurantatiedostoa {path} ei ole; luo se komennolla 'kokeilu init' tai anna toinen valitsimella --db",
    ),
    "init.created": ("Created the tracker {path}.", "Seurantatiedosto {path} luotiin."),
    "init.exists": (
        "The tracker {path} already exists; nothing was changed.",
        "Seurantatiedosto {path} on jo olemassa; mitään ei muutettu.",
    ),
    # -- experiments ----------------------------------------------------------------------------
    "experiment.not_found": (
        "there is no experiment '{key}' in {path}",
        "kokeilua '{key}' ei löydy tiedostosta {path}",
    ),
    "experiment.not_found_hint": (
        "there is no experiment '{key}' in {path}; did you mean {hint}?",
        "kokeilua '{key}' ei löydy tiedostosta {path}; tarkoititko {hint}?",
    ),
    "state.start": (
        "{key} cannot be started: it is {status}; only a draft can be started",
        "kokeilua {key} ei voi käynnistää, koska sen tila on ”{status}”; vain luonnoksen voi käynnistää",
    ),
    "state.stop": (
        "{key} cannot be stopped: it is {status}; only a draft or a running experiment can be stopped",
        "kokeilua {key} ei voi keskeyttää, koska sen tila on ”{status}”; vain luonnoksen tai käynnissä olevan "
        "kokeilun voi keskeyttää",
    ),
    "state.conclude": (
        "{key} cannot be concluded: it is {status}; only a running experiment can be concluded",
        "kokeilua {key} ei voi päättää, koska sen tila on ”{status}”; vain käynnissä olevan kokeilun voi päättää",
    ),
    "state.log_draft": (
        "{key} is a draft: observations are recorded only after 'kokeilu start {key}' has locked the success criterion",
        "kokeilu {key} on vasta luonnos: havaintoja kirjataan vasta, kun 'kokeilu start {key}' on lukinnut "
        "onnistumisen ehdon",
    ),
    "state.log_closed": (
        "{key} is {status}; use --backfill to record data that arrived late",
        "kokeilun {key} tila on ”{status}”; kirjaa myöhässä tulleet tiedot valitsimella --backfill",
    ),
    "state.concluded_locked": (
        "{field} is locked: {key} is concluded, its pre-registered parts can no longer be amended",
        "kenttä {field} on lukittu: kokeilu {key} on päätetty, eikä sen ennalta kirjattuja osia voi enää muuttaa",
    ),
    "amend.not_settable": (
        "{field} cannot be changed with amend; {how}",
        "kenttää {field} ei voi muuttaa amend-komennolla; {how}",
    ),
    "amend.how_status": ("use start, stop or conclude", "käytä komentoja start, stop ja conclude"),
    "amend.how_identity": (
        "the key and UUID of an experiment never change",
        "kokeilun tunnus ja UUID eivät muutu koskaan",
    ),
    "amend.unknown_field": (
        "unknown field '{field}'; known: {known} (and METRIC.FIELD for a metric: {metric_fields})",
        "tuntematon kenttä '{field}'; tunnetut: {known} (sekä MITTARI.KENTTÄ mittarille: {metric_fields})",
    ),
    "amend.nothing": (
        "nothing to change: give --set FIELD=VALUE or one of the field options (see 'kokeilu amend --help')",
        "ei mitään muutettavaa: anna --set KENTTÄ=ARVO tai jokin kenttävalitsimista (katso 'kokeilu amend --help')",
    ),
    "amend.added_metric": ("new metric {name}", "uusi mittari {name}"),
    "amend.done": (
        "Amended {key}: {changed}.",
        "Kokeilua {key} muutettiin: {changed}.",
    ),
    "amend.recorded": (
        "Changes to locked parts (Test Card, design, arms, metrics): {count}; they were recorded as amendments "
        "with the reason.",
        "Muutoksia lukittuihin osiin (testikortti, asetelma, ryhmät, mittarit): {count}; ne kirjattiin "
        "muutoshistoriaan syineen.",
    ),
    "amend.unchanged": (
        "{key} already had those values; nothing was changed.",
        "Kokeilussa {key} oli jo nämä arvot; mitään ei muutettu.",
    ),
    "unknown_arm": (
        "unknown arm '{name}'. Known: {known}",
        "tuntematon ryhmä '{name}'. Tunnetut: {known}",
    ),
    "arm_required": (
        "--arm is required: {key} has {count} arms ({known})",
        "valitsin --arm on pakollinen: kokeilussa {key} on {count} ryhmää ({known})",
    ),
    "unknown_metric": (
        "unknown metric '{name}'. Known: {known}",
        "tuntematon mittari '{name}'. Tunnetut: {known}",
    ),
    "new.missing": (
        "missing {options}: without a terminal every required field must be given as an option",
        "puuttuvat valitsimet: {options}; ilman päätettä jokainen pakollinen kenttä on annettava valitsimena",
    ),
    "metric_spec.unknown_field": (
        "unknown metric field '{field}'; known: {known}",
        "tuntematon mittarin kenttä '{field}'; tunnetut: {known}",
    ),
    "metric_spec.missing": ("{field}=... is required", "{field}=... on pakollinen"),
    "new.one_sample_baseline": (
        "--baseline is required: a one-group design compares the group with the metric's baseline (or target)",
        "--baseline on pakollinen: yhden ryhmän asetelmassa ryhmää verrataan mittarin lähtötasoon (tai tavoitteeseen)",
    ),
    "new.created": (
        "Created experiment {key}: {title}. Start it with 'kokeilu start {key}' when the Test Card is final.",
        "Kokeilu {key} luotiin: {title}. Käynnistä se komennolla 'kokeilu start {key}', kun testikortti on valmis.",
    ),
    "new.activity_warning": (
        "Warning: '{metric}' measures activity, not customer impact. An activity metric cannot support the "
        "hypothesis: measure what changes for the people served, not how many rocks we dump.",
        "Varoitus: '{metric}' mittaa toiminnan määrää, ei asiakasvaikutusta. Toiminnan määrä ei voi vahvistaa "
        "hypoteesia: mittaa sitä, mikä muuttuu palveltaville ihmisille, älä sitä, kuinka paljon kiviä kippaamme.",
    ),
    "started": (
        "Experiment {key} started. Start date {date}; the Test Card and the success criterion are now locked.",
        "Kokeilu {key} käynnistettiin. Alkupäivä {date}; testikortti ja onnistumisen ehto on nyt lukittu.",
    ),
    "stopped": ("Experiment {key} stopped on {date}.", "Kokeilu {key} keskeytettiin {date}."),
    "time_zone.shown": ("Time zone: {name}", "Aikavyöhyke: {name}"),
    "noted": ("Note added to {key}.", "Muistiinpano lisättiin kokeiluun {key}."),
    "logged": (
        "Logged {value} to {key} ({metric}, {arm}, {at}).",
        "Havainto {value} kirjattiin kokeiluun {key} ({metric}, {arm}, {at}).",
    ),
    "concluded": (
        "Experiment {key} concluded: {verdict}; decision: {decision}.",
        "Kokeilu {key} päätettiin: {verdict}; päätös: {decision}.",
    ),
    "concluded_both": (
        "Experiment {key} concluded: {verdict} against the criterion locked at start, {amended} against the amended "
        "criterion (exploratory); the team chose: {chosen}; decision: {decision}.",
        "Kokeilu {key} päätettiin: {verdict} alussa lukittua kriteeriä vasten, {amended} muutettua kriteeriä vasten "
        "(suuntaa antava); tiimi valitsi: {chosen}; päätös: {decision}.",
    ),
    "conclude.not_amended": (
        "{option}: the success criterion of {key} was not amended after the start, so there is one judgement only",
        "{option}: kokeilun {key} onnistumisen ehtoa ei muutettu käynnistyksen jälkeen, joten arvioita on vain yksi",
    ),
    "conclude.amended_needed": (
        "--judged-against amended needs --amended-verdict, the verdict against the amended criterion",
        "--judged-against amended tarvitsee valitsimen --amended-verdict, johtopäätöksen muutettua kriteeriä vasten",
    ),
    "conclude.criterion_amended": (
        "The success criterion was amended after the start:",
        "Onnistumisen ehtoa muutettiin käynnistyksen jälkeen:",
    ),
    "conclude.analysis_locked": (
        "Analysis against the criterion locked at start: {verdict}",
        "Analyysi alussa lukittua kriteeriä vasten: {verdict}",
    ),
    "conclude.analysis_amended": (
        "Exploratory analysis against the amended criterion: {verdict}",
        "Suuntaa antava analyysi muutettua kriteeriä vasten: {verdict}",
    ),
    "conclude.missing": (
        "missing {options}: without a terminal the verdict, decision and Learning Card must be given as options",
        "puuttuvat valitsimet: {options}; ilman päätettä johtopäätös, päätös ja oppimiskortti on annettava valitsimina",
    ),
    "exported": ("{what} written to {path}: {count}.", "{what} kirjoitettiin tiedostoon {path}: {count}."),
    "export.experiments": ("Experiments", "Kokeiluja"),
    "export.observations": ("Observations", "Havaintoja"),
    # -- import -------------------------------------------------------------------------------
    "import.done": (
        "Observations imported into {key} in one transaction: {count}.",
        "Havaintoja tuotiin kokeiluun {key} yhtenä tapahtumana: {count}.",
    ),
    "import.rejected": (
        "{path} was rejected and nothing was written; problems found: {count}. The first ones:",
        "Tiedosto {path} hylättiin eikä mitään kirjoitettu; virheitä: {count}. Ensimmäiset:",
    ),
    "import.problem": ("row {row}, column '{column}': {problem}", "rivi {row}, sarake '{column}': {problem}"),
    "import.problem_file": ("{problem}", "{problem}"),
    "import.more": ("... and {count} more.", "... ja {count} muuta."),
    "import.unreadable": (
        "{path} cannot be read as CSV: {problem}",
        "tiedostoa {path} ei voi lukea CSV-muodossa: {problem}",
    ),
    "import.field_count": (
        "the row has {got} fields, the header has {want}",
        "kenttien määrä rivillä on {got}, otsikkorivillä {want}",
    ),
    "import.empty": ("the file has no data rows", "tiedostossa ei ole yhtään tietoriviä"),
    "import.unknown_column": (
        "unknown column; known: {known}",
        "tuntematon sarake; tunnetut: {known}",
    ),
    "import.missing_column": (
        "the header has no column '{column}' ({why})",
        "otsikkorivillä ei ole saraketta '{column}' ({why})",
    ),
    "import.why_value": (
        "each row needs a value, or n and sum for pre-aggregated rows",
        "jokaisella rivillä on oltava arvo (value) tai esikootuilla riveillä sarakkeet n ja sum",
    ),
    "import.why_arm": ("{key} has {count} arms: {known}", "kokeilussa {key} on {count} ryhmää: {known}"),
    "import.value_and_aggregate": (
        "give either the column value or the columns n and sum, not both",
        "anna joko sarake value tai sarakkeet n ja sum, ei molempia",
    ),
    "import.duplicate_column": ("the column appears twice in the header", "sarake on otsikkorivillä kahdesti"),
    "import.empty_cell": ("is empty", "on tyhjä"),
    "import.not_number": (
        "'{value}' is not a number (use a decimal point)",
        "'{value}' ei ole luku (käytä desimaalipistettä)",
    ),
    "import.not_whole": ("'{value}' is not a whole number", "'{value}' ei ole kokonaisluku"),
    "import.not_time": (
        "'{value}' is not an ISO 8601 time (e.g. 2026-03-01T14:30:00Z)",
        "'{value}' ei ole ISO 8601 -ajankohta (esim. 2026-03-01T14:30:00Z)",
    ),
    "import.unknown_metric": (
        "unknown metric '{value}'; known: {known}",
        "tuntematon mittari '{value}'; tunnetut: {known}",
    ),
    "import.several_metrics": (
        "the file names several metrics ({names}); import one metric per file",
        "tiedostossa on useita mittareita ({names}); tuo yksi mittari tiedostoa kohden",
    ),
    # -- show and list ------------------------------------------------------------------------
    "list.none": ("No experiments match.", "Yhtään kokeilua ei löytynyt."),
    "list.title": ("Experiments in {path}", "Kokeilut tiedostossa {path}"),
    "col.key": ("Key", "Tunnus"),
    "col.title": ("Title", "Nimi"),
    "col.organisation": ("Organisation", "Organisaatio"),
    "col.unit": ("Unit", "Yksikkö"),
    "col.status": ("Status", "Tila"),
    "col.purposes": ("Purposes", "Tehtävät"),
    "col.period": ("Period", "Ajanjakso"),
    "col.metric": ("Metric", "Mittari"),
    "col.role": ("Role", "Rooli"),
    "col.kind": ("Kind", "Laji"),
    "col.direction": ("Direction", "Suunta"),
    "col.impact": ("Impact", "Vaikutus"),
    "col.minimum_effect": ("Minimum worthwhile effect", "Pienin merkityksellinen vaikutus"),
    "col.baseline": ("Baseline", "Lähtötaso"),
    "col.valid_range": ("Valid range", "Sallittu vaihteluväli"),
    "col.arm": ("Arm", "Ryhmä"),
    "col.rows": ("Rows", "Rivejä"),
    "col.units": ("Units", "Yksiköitä"),
    "col.at": ("Time", "Aika"),
    "col.field": ("Field", "Kenttä"),
    "col.old": ("Before", "Ennen"),
    "col.new": ("After", "Jälkeen"),
    "col.reason": ("Reason", "Syy"),
    "col.author": ("Author", "Tekijä"),
    "col.text": ("Note", "Muistiinpano"),
    "show.test_card": ("Test Card", "Testikortti"),
    "show.learning_card": ("Learning Card", "Oppimiskortti"),
    "show.metrics": ("Metrics", "Mittarit"),
    "show.arms": ("Arms and observations", "Ryhmät ja havainnot"),
    "show.amendments": ("Amendments after the start", "Muutokset käynnistyksen jälkeen"),
    "show.journal": ("Journal", "Päiväkirja"),
    "show.no_amendments": (
        "No amendments: the Test Card is as it was locked.",
        "Ei muutoksia: testikortti on sellaisena kuin se lukittiin.",
    ),
    "show.no_journal": ("No notes in the journal.", "Päiväkirjassa ei ole muistiinpanoja."),
    "show.not_locked": ("Not locked yet (a draft).", "Ei vielä lukittu (luonnos)."),
    "show.locked": ("Locked on {time} (hash {hash}).", "Lukittu {time} (tiiviste {hash})."),
    "show.early_start": (
        "Started {days} days before the Test Card was locked: data from {start} to {locked} may have been seen "
        "before the criterion was fixed.",
        "Aloitettu {days} päivää ennen testikortin lukitsemista: aineistoa {start}–{locked} on voitu nähdä ennen "
        "kuin kriteeri lukittiin.",
    ),
    "show.early_start_one": (
        "Started 1 day before the Test Card was locked: data from {start} to {locked} may have been seen before the "
        "criterion was fixed.",
        "Aloitettu päivää ennen testikortin lukitsemista: aineistoa {start}–{locked} on voitu nähdä ennen kuin "
        "kriteeri lukittiin.",
    ),
    "show.early_start_short": ("started before the lock", "aloitettu ennen lukitusta"),
    "show.criterion_amended": (
        "The success criterion was amended after the start: the verdict is judged against it as locked, and a second, "
        "exploratory judgement against the amended criterion (it was changed after data had been seen).",
        "Onnistumisen ehtoa muutettiin käynnistyksen jälkeen: johtopäätös arvioidaan alussa lukittua kriteeriä "
        "vasten, ja toinen, suuntaa antava arvio muutettua kriteeriä vasten (sitä muutettiin, kun aineistoa oli jo "
        "nähty).",
    ),
    "show.criterion": ("Success criterion", "Onnistumisen ehto"),
    "show.judgements": (
        "against the locked criterion: {locked}; against the amended criterion (exploratory): {amended}; "
        "the team chose: {chosen}",
        "lukittua kriteeriä vasten: {locked}; muutettua kriteeriä vasten (suuntaa antava): {amended}; "
        "tiimi valitsi: {chosen}",
    ),
    "show.status": ("Status", "Tila"),
    "show.organisation": ("Organisation", "Organisaatio"),
    "show.owner": ("Owner", "Vastuuhenkilö"),
    "show.purposes": ("Purposes", "Tehtävät"),
    "show.design": ("Design", "Asetelma"),
    "show.planned": ("Planned", "Suunniteltu"),
    "show.actual": ("Actual", "Toteutunut"),
    "show.stop_reason": ("Stopped because", "Keskeytyksen syy"),
    "show.verdict": ("Verdict", "Johtopäätös"),
    "show.decision": ("Decision", "Päätös"),
    "show.lock": ("Lock", "Lukitus"),
    "show.tags": ("Tags", "Tunnisteet"),
    "show.summary": ("Summary", "Tiivistelmä"),
    "show.risk": ("Risk", "Riski"),
    "show.cost": ("Cost (EUR), planned / actual", "Kustannus (EUR), suunniteltu / toteutunut"),
    "show.effort": ("Effort (hours), planned / actual", "Työmäärä (tuntia), suunniteltu / toteutunut"),
    "show.activity_note": (
        "activity metric: cannot support the hypothesis",
        "toiminnan määrän mittari: ei voi vahvistaa hypoteesia",
    ),
    "effect.relative": ("{value} % of the control", "{value} % verrokista"),
    "tc.we_believe": ("We believe that", "Uskomme, että"),
    "tc.to_verify": ("To verify that, we will", "Varmistaaksemme sen"),
    "tc.and_measure": ("And measure", "Ja mittaamme"),
    "tc.right_if": ("We are right if", "Olemme oikeassa, jos"),
    "tc.data_seen": ("Had any of the data been seen already?", "Oliko aineistoa nähty jo ennen lukitusta?"),
    "tc.not_answered": ("(not answered)", "(ei vastattu)"),
    "lc.we_believed": ("We believed that", "Uskoimme, että"),
    "lc.we_observed": ("We observed", "Havaitsimme"),
    "lc.we_learned": ("From that we learned", "Siitä opimme"),
    "lc.therefore": ("Therefore, we will", "Siksi aiomme"),
    # -- prompts ------------------------------------------------------------------------------
    "prompt.intro": (
        "A new experiment. Enter accepts the value in [brackets]; Ctrl-C cancels without saving.",
        "Uusi kokeilu. Enter hyväksyy [hakasulkeissa] olevan arvon; Ctrl-C peruu tallentamatta.",
    ),
    "prompt.section_basics": ("-- The experiment --", "-- Kokeilu --"),
    "prompt.section_test_card": ("-- The Test Card --", "-- Testikortti --"),
    "prompt.section_metric": ("-- The primary metric: customer impact --", "-- Päämittari: asiakasvaikutus --"),
    "prompt.section_design": ("-- Arms and dates --", "-- Ryhmät ja ajankohdat --"),
    "prompt.section_learning": ("-- The Learning Card --", "-- Oppimiskortti --"),
    "prompt.title": ("Title", "Kokeilun nimi"),
    "prompt.organisation": ("Organisation (municipality)", "Organisaatio (kunta)"),
    "prompt.unit": ("Unit or service", "Yksikkö tai palvelu"),
    "prompt.owner": ("Owner", "Vastuuhenkilö"),
    "prompt.purposes": (
        "Purposes, separated by commas ({choices})",
        "Tehtävät pilkuin eroteltuina ({choices})",
    ),
    "prompt.tags": ("Tags, separated by commas (may be empty)", "Tunnisteet pilkuin eroteltuina (voi jättää tyhjäksi)"),
    "prompt.we_believe": ("We believe that ...", "Uskomme, että ..."),
    "prompt.to_verify": ("To verify that, we will ...", "Varmistaaksemme sen ..."),
    "prompt.and_measure": ("And measure ...", "Ja mittaamme ..."),
    "prompt.right_if": ("We are right if ...", "Olemme oikeassa, jos ..."),
    "prompt.data_seen": (
        "Has any of the data been seen already? (no, or yes and what; may be left empty)",
        "Onko aineistoa jo nähty? (ei, tai kyllä ja mitä; voi jättää tyhjäksi)",
    ),
    "prompt.metric": (
        "Name of the primary metric (e.g. sense_of_security)",
        "Päämittarin nimi (esim. turvallisuuden_tunne)",
    ),
    "prompt.metric_unit": ("Its unit (e.g. points 1-5, days, share)", "Sen yksikkö (esim. pisteet 1–5, päivää, osuus)"),
    "prompt.kind": ("Kind ({choices})", "Laji ({choices})"),
    "prompt.direction": ("Direction ({choices})", "Suunta ({choices})"),
    "prompt.impact": (
        "Does it measure a customer outcome or activity? ({choices})",
        "Mittaako se asiakasvaikutusta vai toiminnan määrää? ({choices})",
    ),
    "prompt.keep_activity": (
        "Keep the activity metric anyway?",
        "Pidetäänkö toiminnan määrän mittari silti?",
    ),
    "prompt.minimum_effect": (
        "Minimum worthwhile effect: the smallest improvement that would make the change worth scaling",
        "Pienin merkityksellinen vaikutus: pienin parannus, jonka vuoksi muutosta kannattaa laajentaa",
    ),
    "prompt.effect_scale": (
        "Is the effect absolute or relative? ({choices})",
        "Ilmoitetaanko vaikutus absoluuttisena vai suhteellisena? ({choices})",
    ),
    "prompt.baseline": ("Known baseline level (may be empty)", "Tunnettu lähtötaso (voi jättää tyhjäksi)"),
    "prompt.valid_min": (
        "Smallest valid value, e.g. 1 on a 1-5 survey (may be empty)",
        "Pienin sallittu arvo, esim. 1 asteikolla 1–5 (voi jättää tyhjäksi)",
    ),
    "prompt.range_upside_down": (
        "the largest valid value must be above the smallest ({low})",
        "suurimman sallitun arvon on oltava suurempi kuin pienimmän ({low})",
    ),
    "prompt.valid_max": (
        "Largest valid value, e.g. 5 on a 1-5 survey (may be empty)",
        "Suurin sallittu arvo, esim. 5 asteikolla 1–5 (voi jättää tyhjäksi)",
    ),
    "prompt.baseline_required": ("Baseline or target level", "Lähtötaso tai tavoitetaso"),
    "prompt.design": ("Design ({choices})", "Asetelma ({choices})"),
    "prompt.arms": (
        "Arms, separated by commas (the first is the {first}, the others {rest})",
        "Ryhmät pilkuin eroteltuina (ensimmäinen on {first}, muut {rest})",
    ),
    "prompt.arms_before_after": (
        "The two periods, separated by a comma (before, after)",
        "Kaksi jaksoa pilkulla eroteltuina (ennen, jälkeen)",
    ),
    "prompt.arms_one": ("The name of the group", "Ryhmän nimi"),
    "prompt.planned_start": ("Planned start (YYYY-MM-DD)", "Suunniteltu alkupäivä (VVVV-KK-PP)"),
    "prompt.planned_end": ("Planned end (YYYY-MM-DD)", "Suunniteltu loppupäivä (VVVV-KK-PP)"),
    "prompt.confirm_create": ("Save the experiment?", "Tallennetaanko kokeilu?"),
    "prompt.verdict": ("Verdict ({choices})", "Johtopäätös ({choices})"),
    "prompt.verdict_locked": (
        "Verdict against the criterion locked at start ({choices})",
        "Johtopäätös alussa lukittua kriteeriä vasten ({choices})",
    ),
    "prompt.amended_verdict": (
        "Verdict against the amended criterion, exploratory ({choices})",
        "Johtopäätös muutettua kriteeriä vasten, suuntaa antava ({choices})",
    ),
    "prompt.judged_against": (
        "Which judgement does the team stand by? ({choices})",
        "Kumpaan arvioon tiimi nojaa? ({choices})",
    ),
    "prompt.decision": ("Decision ({choices})", "Päätös ({choices})"),
    "prompt.we_believed": ("We believed that ...", "Uskoimme, että ..."),
    "prompt.we_observed": ("We observed ...", "Havaitsimme ..."),
    "prompt.we_learned": ("From that we learned ...", "Siitä opimme ..."),
    "prompt.therefore": ("Therefore, we will ...", "Siksi aiomme ..."),
    "prompt.yes_no_invalid": ("answer y or n", "vastaa k tai e"),
    "prompt.arms_count": (
        "a {design} design needs {wanted}",
        "asetelma {design} tarvitsee {wanted}",
    ),
    "prompt.arms_count_concurrent": ("at least two arms", "vähintään kaksi ryhmää"),
    "prompt.arms_count_before_after": ("exactly two periods", "täsmälleen kaksi jaksoa"),
    "prompt.arms_count_one_sample": ("exactly one group", "täsmälleen yhden ryhmän"),
    "prompt.arms_duplicate": ("the arm '{name}' is named twice", "ryhmä '{name}' on annettu kahdesti"),
    "prompt.end_before_start": (
        "the end ({end}) is before the start ({start})",
        "loppupäivä ({end}) on ennen alkupäivää ({start})",
    ),
    "prompt.cancelled": ("Nothing was saved.", "Mitään ei tallennettu."),
    "right_if.higher": (
        "{metric} rises by at least {effect}",
        "{metric} nousee vähintään {effect}",
    ),
    "right_if.lower": (
        "{metric} falls by at least {effect}",
        "{metric} laskee vähintään {effect}",
    ),
    # -- default arm names (the user can type any others) ---------------------------------------
    "arm.control": ("control", "verrokki"),
    "arm.treatment": ("treatment", "kokeilu"),
    "arm.before": ("before", "ennen"),
    "arm.after": ("after", "jälkeen"),
    "arm.group": ("group", "ryhmä"),
    "import.repeated": (
        "{path} was imported into {key} before (batch {batch}, idempotency key {idempotency_key}): nothing was "
        "written.",
        "{path} on tuotu kokeiluun {key} jo aiemmin (erä {batch}, toistotunniste {idempotency_key}): mitään ei "
        "kirjoitettu.",
    ),
    "new.exists": (
        "{key} already exists with exactly this content: nothing was written.",
        "{key} on jo olemassa täsmälleen tällä sisällöllä: mitään ei kirjoitettu.",
    ),
    # -- corrections and the history ----------------------------------------------------------
    "void.nothing": (
        "give the ids of the observations to void, or --batch",
        "anna mitätöitävien havaintojen tunnisteet tai --batch",
    ),
    "void.both": (
        "give either observation ids or --batch, not both",
        "anna joko havaintojen tunnisteet tai --batch, ei molempia",
    ),
    "void.bad_id": ("'{value}' is not an observation id", "'{value}' ei ole havainnon tunniste"),
    "voided": (
        "Voided {count} observations of {key} (void {void}, in the history as entry {entry}): {reason}. They stay "
        "in the file and are left out of every summary and analysis.",
        "Kokeilusta {key} mitätöitiin {count} havaintoa (mitätöinti {void}, historiassa merkintä {entry}): {reason}. "
        "Ne jäävät tiedostoon, mutta jäävät pois kaikista yhteenvedoista ja analyyseista.",
    ),
    "deleted": ("Draft {key} deleted.", "Luonnos {key} poistettiin."),
    "delete.not_draft": (
        "{key} is {status}: only a draft can be deleted. Nothing is deleted from a started experiment; void wrong "
        "observations with 'kokeilu void'.",
        "{key} on tilassa {status}: vain luonnoksen voi poistaa. Käynnistetystä kokeilusta ei poisteta mitään; "
        "mitätöi virheelliset havainnot komennolla 'kokeilu void'.",
    ),
    "verify.ok": (
        "The file agrees with its history: {experiments} experiments, {batches} batches of observations, {rows} "
        "rows; {entries} entries.",
        "Tiedosto vastaa muutoshistoriaansa: {experiments} kokeilua, {batches} havaintoerää, {rows} riviä; "
        "{entries} merkintää.",
    ),
    "verify.migrated": (
        "The history begins at the migration from schema version {version} on {date}: what happened before it is "
        "not in the history.",
        "Muutoshistoria alkaa siirrosta skeemaversiosta {version} ({date}): sitä edeltäneet muutokset eivät ole "
        "historiassa.",
    ),
    "verify.problems": (
        "The file differs from its history in {count} places:",
        "Tiedosto poikkeaa muutoshistoriastaan {count} kohdassa:",
    ),
    "verify.row": (" (row {row})", " (rivi {row})"),
    "verify.since_ok": (
        "The history only grew since the checkpoint of {size} entries.",
        "Muutoshistoria on vain kasvanut {size} merkinnän tarkistuspisteen jälkeen.",
    ),
    "verify.checkpoint": (
        "Checkpoint of the history (write it down or send it; 'kokeilu verify --since' checks it later):",
        "Muutoshistorian tarkistuspiste (kirjaa se talteen tai lähetä; 'kokeilu verify --since' tarkistaa sen "
        "myöhemmin):",
    ),
    "integrity.warning": (
        "Warning: {key} differs from its history ({field}: {problem}); 'kokeilu verify' lists every difference.",
        "Varoitus: {key} poikkeaa muutoshistoriastaan ({field}: {problem}); 'kokeilu verify' luettelee kaikki "
        "erot.",
    ),
    "history.none": ("The history has no entries.", "Muutoshistoriassa ei ole merkintöjä."),
    "history.title": ("History of {what}", "Muutoshistoria: {what}"),
    "history.file": ("the file", "koko tiedosto"),
    "history.batch": ("batch {batch}: {rows} rows{key}", "erä {batch}: {rows} riviä{key}"),
    "history.key": (", idempotency key {key}", ", toistotunniste {key}"),
    "col.index": ("#", "#"),
    "col.entry": ("entry", "merkintä"),
    "col.what": ("what", "mitä"),
    "help.void": (
        "Void observations (by id, or every row of one batch) with a reason: they stay in the file and in the "
        "history, and leave every summary and analysis.",
        "Mitätöi havaintoja (tunnisteilla tai yhden erän kaikki rivit) syyn kera: ne jäävät tiedostoon ja "
        "historiaan, mutta jäävät pois kaikista yhteenvedoista ja analyyseista.",
    ),
    "help.batch": (
        "The batch (one write, as 'kokeilu history KEY' lists them) whose rows are voided.",
        "Erä (yksi kirjoitus, kuten 'kokeilu history TUNNUS' ne luettelee), jonka rivit mitätöidään.",
    ),
    "help.delete": (
        "Delete a draft (a started experiment is never deleted).",
        "Poista luonnos (käynnistettyä kokeilua ei koskaan poisteta).",
    ),
    "help.verify": (
        "Recompute the tamper-evident history and check the whole file against it.",
        "Laske muutoshistoria uudelleen ja tarkista koko tiedosto sitä vasten.",
    ),
    "help.checkpoint": (
        "Print the current checkpoint (the size and root of the history) to write down or send.",
        "Tulosta nykyinen tarkistuspiste (muutoshistorian koko ja juuri) talteen kirjattavaksi tai lähetettäväksi.",
    ),
    "help.since": (
        "Prove that the history only grew since this checkpoint.",
        "Osoita, että muutoshistoria on vain kasvanut tämän tarkistuspisteen jälkeen.",
    ),
    "help.history": (
        "List the history of an experiment (or of the file): every change and every write with its batch.",
        "Luettele kokeilun (tai koko tiedoston) muutoshistoria: jokainen muutos ja jokainen kirjoitus eränsä kera.",
    ),
    "help.idempotency_key": (
        "Names the write, so that running it again writes nothing (default: the file's SHA-256).",
        "Nimeää kirjoituksen, jotta sen toistaminen ei kirjoita mitään (oletus: tiedoston SHA-256).",
    ),
    # -- help texts ---------------------------------------------------------------------------
    "help.main": (
        "Track workplace experiments: Test Card, customer-impact metric, observations, verdict.\n\n"
        "The tracker file is --db PATH, else $KOKEILU_DB, else kokeilut.db in the current directory.",
        "Työpaikan kokeilujen seuranta: testikortti, asiakasvaikutuksen mittari, havainnot ja johtopäätös.\n\n"
        "Seurantatiedosto on --db POLKU, muuten $KOKEILU_DB, muuten kokeilut.db nykyisessä hakemistossa.",
    ),
    "help.db": ("The tracker file.", "Seurantatiedosto."),
    "help.lang": (
        "Language of messages (default: from the locale).",
        "Viestien kieli (oletus: järjestelmän kieliasetus).",
    ),
    "help.debug": ("Show the traceback of an error.", "Näytä virheen jäljitystiedot (traceback)."),
    "help.wait": (
        "Seconds a write waits for another write to the tracker file to finish (default 300; also $KOKEILU_WAIT).",
        "Kuinka monta sekuntia kirjoitus odottaa, että toinen kirjoitus seurantatiedostoon valmistuu "
        "(oletus 300; myös $KOKEILU_WAIT).",
    ),
    "help.json": ("Print JSON for scripts.", "Tulosta JSON-muodossa skripteille."),
    "help.init": ("Create an empty tracker file.", "Luo tyhjä seurantatiedosto."),
    "help.new": (
        "Create an experiment (asks on a terminal; every field is also an option).",
        "Luo kokeilu (kysyy päätteellä; jokaisen kentän voi antaa myös valitsimena).",
    ),
    "help.list": ("List experiments.", "Listaa kokeilut."),
    "help.show": ("Show one experiment in full.", "Näytä yksi kokeilu kokonaan."),
    "help.start": ("Start a draft and lock its Test Card.", "Käynnistä luonnos ja lukitse sen testikortti."),
    "help.stop": ("Stop an experiment early, with the reason.", "Keskeytä kokeilu ennen aikojaan ja kerro syy."),
    "help.amend": (
        "Change fields of an experiment, with the reason (recorded after the start).",
        "Muuta kokeilun kenttiä ja kerro syy (kirjataan käynnistyksen jälkeen muutoshistoriaan).",
    ),
    "help.config": ("Settings of the tracker file.", "Seurantatiedoston asetukset."),
    "help.time_zone": (
        "Show or set the tracker's time zone (an IANA name such as Europe/Stockholm). Dates and times "
        "without an offset are read in it and times are shown in it; it cannot change once an "
        "experiment has started.",
        "Näytä tai aseta seurannan aikavyöhyke (IANA-nimi, kuten Europe/Helsinki). Päivämäärät ja "
        "ajat ilman aikaeroa luetaan siinä ja ajat näytetään siinä; sitä ei voi muuttaa, kun jokin "
        "kokeilu on alkanut.",
    ),
    "help.note": ("Add a note to the journal.", "Lisää muistiinpano päiväkirjaan."),
    "help.log": ("Record one observation.", "Kirjaa yksi havainto."),
    "help.import": (
        "Import observations from a CSV file: all rows or none.\n\n"
        "Columns: value (or n, sum and sum_sq for pre-aggregated rows), arm, at (ISO 8601), metric, exposure.",
        "Tuo havainnot CSV-tiedostosta: kaikki rivit tai ei yhtään.\n\n"
        "Sarakkeet: value (tai esikootuille riveille n, sum ja sum_sq), arm, at (ISO 8601), metric, exposure.",
    ),
    "help.conclude": (
        "Conclude a running experiment: verdict, Learning Card, decision.",
        "Päätä käynnissä oleva kokeilu: johtopäätös, oppimiskortti ja päätös.",
    ),
    "help.export": (
        "Export experiments or observations as CSV or JSON.",
        "Vie kokeilut tai havainnot CSV- tai JSON-muodossa.",
    ),
    "help.status": ("Only experiments in this status.", "Vain kokeilut, joiden tila on tämä."),
    "help.organisation": ("The municipality or body.", "Kunta tai muu organisaatio."),
    "help.tag": ("Only experiments with this tag.", "Vain kokeilut, joilla on tämä tunniste."),
    "help.purpose": (
        "The municipal task it serves (repeatable).",
        "Kunnan tehtävä, jota kokeilu palvelee (voi toistaa).",
    ),
    "help.reason": ("Why (required).", "Syy (pakollinen)."),
    "help.on": ("The date (default today, UTC).", "Päivämäärä (oletus tänään, UTC)."),
    "help.arm": ("The arm or period.", "Ryhmä tai jakso."),
    "help.arm_spec": (
        "An arm as NAME or NAME:ROLE (repeatable; roles follow the design when left out).",
        "Ryhmä muodossa NIMI tai NIMI:ROOLI (voi toistaa; roolit päätellään asetelmasta, jos ne puuttuvat).",
    ),
    "help.metric": ("The metric (default: the primary metric).", "Mittari (oletus: päämittari)."),
    "help.at": (
        "When it was observed (2026-12-31T14:30, 31.12.2026 14:30 or a date; default now; the "
        "tracker's time zone unless an offset is given).",
        "Havainnon ajankohta (31.12.2026 14:30, 2026-12-31T14:30 tai päivämäärä; oletus nyt; "
        "seurannan aikavyöhykkeessä, ellei aikaeroa anneta).",
    ),
    "help.allow_future": (
        "Accept times more than a day in the future (planned or scheduled times).",
        "Hyväksy yli vuorokauden päässä tulevaisuudessa olevat ajankohdat (suunnitellut ajat).",
    ),
    "help.valid_min": (
        "Smallest valid value of the metric, e.g. 1 on a 1-5 survey; smaller values are refused.",
        "Mittarin pienin sallittu arvo, esim. 1 asteikolla 1–5; pienemmät arvot hylätään.",
    ),
    "help.valid_max": (
        "Largest valid value of the metric, e.g. 5 on a 1-5 survey; larger values are refused.",
        "Mittarin suurin sallittu arvo, esim. 5 asteikolla 1–5; suuremmat arvot hylätään.",
    ),
    "help.backfill": (
        "Accept data before the start or after the end (e.g. a before period, late data).",
        "Hyväksy tiedot ennen alkua tai lopun jälkeen (esim. ennen-jakso, myöhässä tulleet tiedot).",
    ),
    "help.exposure": ("Exposure of a count metric (e.g. weeks).", "Tapahtumamäärämittarin altistus (esim. viikkoja)."),
    "help.subject": ("Who or what was observed (optional identifier).", "Havaittu kohde (vapaaehtoinen tunniste)."),
    "help.note_text": ("A note about the observation.", "Huomautus havainnosta."),
    "help.author": ("Who writes it (default: the login name).", "Kirjoittaja (oletus: käyttäjätunnus)."),
    "help.set": (
        "FIELD=VALUE to change (repeatable); METRIC.FIELD=VALUE changes a metric.",
        "Muutettava KENTTÄ=ARVO (voi toistaa); MITTARI.KENTTÄ=ARVO muuttaa mittaria.",
    ),
    "help.minimum_effect_set": (
        "METRIC=VALUE: a new minimum worthwhile effect.",
        "MITTARI=ARVO: uusi pienin merkityksellinen vaikutus.",
    ),
    "help.format": (
        "Output format (default: json for an --output ending in .json, xlsx for .xlsx, else csv).",
        "Tulostusmuoto (oletus: json, jos --output päättyy .json, xlsx, jos .xlsx, muuten csv).",
    ),
    "help.excel": (
        "CSV for spreadsheets in Finnish: semicolons, decimal commas, a UTF-8 byte order mark, dates and "
        "times (UTC) that the spreadsheet reads as such.",
        "CSV suomenkielisille taulukko-ohjelmille: puolipisteet, desimaalipilkut, UTF-8-tavujärjestysmerkki sekä "
        "päivämäärät ja ajat (UTC), jotka taulukko-ohjelma tunnistaa.",
    ),
    "help.output": (
        "Write to this file instead of standard output.",
        "Kirjoita tähän tiedostoon vakiotulosteen sijaan.",
    ),
    "help.key_filter": ("Only this experiment (repeatable).", "Vain tämä kokeilu (voi toistaa)."),
    "help.field": ("{label}.", "{label}."),
    "help.help": ("Show this help and exit.", "Näytä tämä ohje ja lopeta."),
    "help.usage": ("Usage: ", "Käyttö: "),
    "help.options": ("Options", "Valitsimet"),
    "help.options_metavar": ("[OPTIONS]", "[VALITSIMET]"),
    "help.commands": ("Commands", "Komennot"),
    "help.version": ("Show the version and exit.", "Näytä versio ja lopeta."),
    "help.primary_metric": ("Name of the primary metric.", "Päämittarin nimi."),
    "help.metric_unit": ("Unit of the primary metric.", "Päämittarin yksikkö."),
    "help.impact": (
        "customer_outcome or activity_output (an activity metric cannot support the hypothesis).",
        "customer_outcome (asiakasvaikutus) tai activity_output (toiminnan määrä, ei voi vahvistaa hypoteesia).",
    ),
    "help.minimum_effect": (
        "The smallest improvement worth scaling (in the metric's unit, or a fraction with --effect-scale relative).",
        "Pienin laajentamisen arvoinen parannus (mittarin yksikössä, tai osuutena valitsimella "
        "--effect-scale relative).",
    ),
    "help.effect_scale": ("absolute or relative.", "absolute (absoluuttinen) tai relative (suhteellinen)."),
    "help.baseline_sd": ("Known standard deviation of the metric.", "Mittarin tunnettu keskihajonta."),
    "help.add_metric": (
        "A further metric (repeatable), e.g. name=missed_medication,role=guardrail,kind=proportion,"
        "direction=lower_is_better,minimum_effect=0.02 (role: secondary or guardrail).",
        "Lisämittari (voi toistaa), esim. name=lääke_unohtui,role=guardrail,kind=proportion,"
        "direction=lower_is_better,minimum_effect=0.02 "
        "(rooli: secondary eli toissijainen tai guardrail eli varomittari).",
    ),
    "help.confidence": (
        "Confidence level of the intervals the verdict uses (default 0.95).",
        "Johtopäätöksen luottamusvälien luottamustaso (oletus 0,95).",
    ),
    "help.new_key": (
        "The key (default: generated, e.g. OULU-2026-001).",
        "Tunnus (oletus: muodostetaan, esim. OULU-2026-001).",
    ),
    "help.yes": ("Save without asking for confirmation.", "Tallenna kysymättä vahvistusta."),
    "help.purpose_filter": ("Only experiments serving this task.", "Vain kokeilut, jotka palvelevat tätä tehtävää."),
    "help.text_filter": (
        "Only experiments whose title, summary or Test Card contain this text.",
        "Vain kokeilut, joiden nimessä, tiivistelmässä tai testikortissa on tämä teksti.",
    ),
    "help.data_seen": (
        "The answer to 'has any of the data been seen already?' (no, or yes and what), part of the Test Card.",
        "Vastaus kysymykseen 'onko aineistoa jo nähty?' (ei, tai kyllä ja mitä); osa testikorttia.",
    ),
    "help.amended_verdict": (
        "The verdict against the amended criterion (only when the success criterion was amended after the start).",
        "Johtopäätös muutettua kriteeriä vasten (vain, jos onnistumisen ehtoa muutettiin käynnistyksen jälkeen).",
    ),
    "help.judged_against": (
        "Which judgement the team stands by: locked (the criterion as locked at start, the default) or amended.",
        "Kumpaan arvioon tiimi nojaa: locked (alussa lukittu kriteeri, oletus) tai amended (muutettu kriteeri).",
    ),
    "help.verdict": (
        "supported, refuted or inconclusive.",
        "supported (vahvistui), refuted (kumoutui) tai inconclusive (ei selvää tulosta).",
    ),
    "help.decision": (
        "scale_up, adapt or stop.",
        "scale_up (laajennetaan), adapt (muokataan ja kokeillaan uudelleen) tai stop (lopetetaan).",
    ),
    "reason.empty": ("{option} must not be empty: say why", "{option} ei voi olla tyhjä: kerro syy"),
    "note.empty": ("the note is empty", "muistiinpano on tyhjä"),
    "conclude.activity_supported": (
        "the primary metric '{metric}' measures activity, and an activity metric cannot support the hypothesis; "
        "the verdict can be refuted or inconclusive",
        "päämittari '{metric}' mittaa toiminnan määrää, eikä sellainen voi vahvistaa hypoteesia; johtopäätös voi "
        "olla refuted (kumoutui) tai inconclusive (ei selvää tulosta)",
    ),
    "export.unwritable": ("cannot write {path}: {problem}", "tiedostoon {path} ei voi kirjoittaa: {problem}"),
    "export.spreadsheet_suffix": (
        "{path} is named as a spreadsheet, but {format} text would be written into it; write a real "
        "spreadsheet with --format xlsx and a .xlsx name, or name the file .csv (--excel for Finnish spreadsheets)",
        "{path} on nimetty taulukkolaskentatiedostoksi, mutta siihen kirjoitettaisiin {format}-tekstiä; kirjoita "
        "oikea taulukko valitsimella --format xlsx ja .xlsx-nimellä, tai anna tiedostolle .csv-nimi "
        "(--excel suomenkielisille taulukko-ohjelmille)",
    ),
    "export.xlsx_suffix": (
        "an .xlsx spreadsheet is written only into a file named .xlsx, not {path}",
        ".xlsx-taulukko kirjoitetaan vain .xlsx-päätteiseen tiedostoon, ei tiedostoon {path}",
    ),
    "export.xlsx_needs_output": (
        "a spreadsheet is not written to the terminal; give the file with --output NAME.xlsx",
        "taulukkoa ei kirjoiteta päätteelle; anna tiedosto valitsimella --output NIMI.xlsx",
    ),
    "export.excel_only_csv": (
        "--excel is a form of CSV; it cannot be used with --format {format}",
        "--excel on CSV-muoto; sitä ei voi käyttää valitsimen --format {format} kanssa",
    ),
    "export.needs_openpyxl": (
        "writing .xlsx needs the openpyxl package: pip install 'kokeilu[excel]'",
        ".xlsx-tiedoston kirjoittaminen vaatii openpyxl-paketin: pip install 'kokeilu[excel]'",
    ),
    "export.too_many_rows": (
        "{count} rows do not fit in one spreadsheet (at most {limit}); export them as CSV",
        "{count} riviä ei mahdu yhteen taulukkoon (enintään {limit}); vie ne CSV-muodossa",
    ),
    "value.share_effect": (
        "a share cannot change by 1 or more, got {value}; give it as a fraction, e.g. 0.05 for 5 percentage points",
        "osuus ei voi muuttua 1:llä tai enemmän, nyt {value}; anna se desimaalilukuna, esim. 0,05 viidelle "
        "prosenttiyksikölle",
    ),
    # -- analysis -----------------------------------------------------------------------------------
    "help.analyze": (
        "Analyse an experiment: every metric compared, the verdict on the primary metric, warnings.",
        "Analysoi kokeilu: jokaisen mittarin vertailu, johtopäätös päämittarista ja varoitukset.",
    ),
    "help.until": (
        "Analyse the data as it stood at this time (31.12.2026 14:30 or ISO 8601, in the tracker's "
        "time zone unless an offset is given; later observations are left out).",
        "Analysoi tiedot sellaisina kuin ne olivat tällä hetkellä (31.12.2026 14:30 tai ISO 8601, "
        "seurannan aikavyöhykkeessä ellei aikaeroa anneta; myöhemmät havainnot jätetään pois).",
    ),
    "analyze.draft": (
        "{key} is a draft: start it and record observations before analysing it",
        "{key} on luonnos: käynnistä se ja kirjaa havaintoja ennen kuin analysoit sen",
    ),
    "analyze.summaries": ("Observations per arm", "Havainnot ryhmittäin"),
    "analyze.comparisons": ("Comparisons", "Vertailut"),
    "analyze.verdict": ("Verdict: {verdict}", "Johtopäätös: {verdict}"),
    "analyze.criterion": ("Judged against the criterion: {right_if}", "Arvioitu kriteeriä vasten: {right_if}"),
    "analyze.verdict_locked": (
        "Verdict, against the criterion locked at start: {verdict}",
        "Johtopäätös alussa lukittua kriteeriä vasten: {verdict}",
    ),
    "analyze.verdict_amended": (
        "Exploratory: against the amended criterion (it was changed after data had been seen): {verdict}",
        "Suuntaa antava: muutettua kriteeriä vasten (sitä muutettiin, kun aineistoa oli jo nähty): {verdict}",
    ),
    "analyze.criterion_locked": (
        "Judged against the criterion as locked at start: {right_if}",
        "Arvioitu kriteeriä vasten sellaisena kuin se lukittiin alussa: {right_if}",
    ),
    "analyze.criterion_amended": (
        "Judged against the amended criterion: {right_if}",
        "Arvioitu muutettua kriteeriä vasten: {right_if}",
    ),
    "analyze.change": ("{field}: {locked} → {amended}", "{field}: {locked} → {amended}"),
    "analyze.warnings": ("Warnings", "Varoitukset"),
    "analyze.no_warnings": ("No warnings.", "Ei varoituksia."),
    "analyze.not_enough": ("not enough data: {why}", "liian vähän havaintoja: {why}"),
    "analyze.too_large": (
        "values too large to summarise exactly (arm {arm}); correct the values that are wrong",
        "arvot ovat liian suuria laskettaviksi tarkasti yhteen (ryhmä {arm}); korjaa virheelliset arvot",
    ),
    "analyze.vs": ("{arm} vs {reference}", "{arm} vs. {reference}"),
    "analyze.baseline": ("baseline", "lähtötaso"),
    "analyze.metric_role": ("{metric} ({role})", "{metric} ({role})"),
    "analyze.p_below": ("< {limit}", "< {limit}"),
    "col.n": ("n", "n"),
    "col.level": ("Level", "Taso"),
    "col.compared": ("Compared", "Vertailu"),
    "col.effect": ("Effect", "Vaikutus"),
    "col.interval": ("{confidence} interval", "{confidence}:n luottamusväli"),
    "col.p": ("p", "p"),
    "col.adjusted_p": ("p (Holm)", "p (Holm)"),
    "col.chance": ("Chance to be better", "Todennäköisyys olla parempi"),
    "col.method": ("Method", "Menetelmä"),
    "show.latest": ("Latest summary: {metric}", "Viimeisin tilanne: {metric}"),
    # -- the demo ---------------------------------------------------------------------------------
    "help.demo": (
        "Create a demo tracker: experiments of Oulu, Kajaani, Ii and Kuusamo, the same every time.",
        "Luo esimerkkiseuranta: Oulun, Kajaanin, Iin ja Kuusamon kokeiluja, joka kerta samat.",
    ),
    "help.seed": (
        "Seed of the random data: the same seed gives the same tracker (default {seed}).",
        "Satunnaisaineiston siemenluku: sama siemenluku antaa saman seurannan (oletus {seed}).",
    ),
    "value.whole_at_least": (
        "must be a whole number of at least {minimum}, got '{value}'",
        "on oltava kokonaisluku, vähintään {minimum}, nyt '{value}'",
    ),
    "demo.memory": (
        "the demo is written to a file; name one with --db",
        "esimerkkiseuranta kirjoitetaan tiedostoon; anna tiedoston nimi valitsimella --db",
    ),
    "help.event_rows": (
        "Rows of the event-stream experiment (at least 2; default {rows}).",
        "Tapahtumavirtakokeilun rivimäärä (vähintään 2; oletus {rows}).",
    ),
    "help.overwrite": (
        "Replace the tracker file if it already holds experiments.",
        "Korvaa seurantatiedosto, jos siinä on jo kokeiluja.",
    ),
    "demo.exists": (
        "{path} already holds experiments; replace it with --overwrite or name another file with --db",
        "tiedostossa {path} on jo kokeiluja; korvaa se valitsimella --overwrite tai anna toinen tiedosto "
        "valitsimella --db",
    ),
    "demo.creating": (
        "Creating the demo tracker {path} ({rows} rows in the event stream)…",
        "Luodaan esimerkkiseurantaa tiedostoon {path} ({rows} riviä tapahtumavirrassa)…",
    ),
    "demo.created": (
        "Created the demo tracker {path}: {count} experiments in Oulu, Kajaani, Ii and Kuusamo.",
        "Esimerkkiseuranta luotiin tiedostoon {path}: {count} kokeilua Oulusta, Kajaanista, Iistä ja Kuusamosta.",
    ),
    "demo.next": (
        "Look at it with: kokeilu --db {path} list",
        "Katso sitä komennolla: kokeilu --db {path} list",
    ),
    "prompt.section_criterion": (
        "-- The Test Card: what we measure and when we are right --",
        "-- Testikortti: mitä mittaamme ja milloin olemme oikeassa --",
    ),
}


# Names of enumeration values, by enumeration and value name: (English, Finnish).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "Status": {
        "draft": ("draft", "luonnos"),
        "running": ("running", "käynnissä"),
        "stopped": ("stopped", "keskeytetty"),
        "concluded": ("concluded", "päätetty"),
    },
    "Purpose": {
        "wellbeing": ("wellbeing", "hyvinvointi"),
        "vitality": ("vitality", "elinvoima"),
        "democracy": ("democracy", "demokratia"),
    },
    "DesignKind": {
        "concurrent": ("concurrent arms", "rinnakkaiset ryhmät"),
        "before_after": ("before and after", "ennen ja jälkeen"),
        "one_sample": ("one group against a target", "yksi ryhmä tavoitetasoa vasten"),
    },
    "ArmRole": {
        "control": ("control", "verrokki"),
        "treatment": ("treatment", "kokeiluryhmä"),
        "before": ("before", "ennen"),
        "after": ("after", "jälkeen"),
        "group": ("group", "ryhmä"),
    },
    "MetricKind": {
        "mean": ("mean", "keskiarvo"),
        "proportion": ("proportion", "osuus"),
        "count": ("count", "tapahtumamäärä"),
    },
    "MetricRole": {
        "primary": ("primary", "päämittari"),
        "secondary": ("secondary", "toissijainen"),
        "guardrail": ("guardrail", "varomittari"),
    },
    "Direction": {
        "higher_is_better": ("higher is better", "suurempi on parempi"),
        "lower_is_better": ("lower is better", "pienempi on parempi"),
    },
    "ImpactClass": {
        "customer_outcome": ("customer outcome", "asiakasvaikutus"),
        "activity_output": ("activity", "toiminnan määrä"),
    },
    "EffectScale": {
        "absolute": ("absolute", "absoluuttinen"),
        "relative": ("relative", "suhteellinen"),
    },
    "Verdict": {
        "supported": ("supported", "hypoteesi vahvistui"),
        "refuted": ("refuted", "hypoteesi kumoutui"),
        "inconclusive": ("inconclusive", "ei selvää tulosta"),
    },
    "Criterion": {
        "locked": ("the criterion locked at start", "alussa lukittu kriteeri"),
        "amended": ("the amended criterion (exploratory)", "muutettu kriteeri (suuntaa antava)"),
    },
    "Decision": {
        "scale_up": ("scale up", "laajennetaan"),
        "adapt": ("adapt and run again", "muokataan ja kokeillaan uudelleen"),
        "stop": ("stop", "lopetetaan"),
    },
}

# Names of experiment fields as the amend command and error messages show them: (English, Finnish).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "title": ("title", "nimi"),
    "summary": ("summary", "tiivistelmä"),
    "organisation": ("organisation", "organisaatio"),
    "unit": ("unit", "yksikkö"),
    "owner": ("owner", "vastuuhenkilö"),
    "risk": ("risk", "riski"),
    "planned_start": ("planned start", "suunniteltu alkupäivä"),
    "planned_end": ("planned end", "suunniteltu loppupäivä"),
    "planned_cost_eur": ("planned cost (EUR)", "suunniteltu kustannus (EUR)"),
    "actual_cost_eur": ("actual cost (EUR)", "toteutunut kustannus (EUR)"),
    "planned_effort_hours": ("planned effort (hours)", "suunniteltu työmäärä (tuntia)"),
    "actual_effort_hours": ("actual effort (hours)", "toteutunut työmäärä (tuntia)"),
    "design": ("design", "asetelma"),
    "tags": ("tags", "tunnisteet"),
    "purposes": ("purposes", "tehtävät"),
    "we_believe": ("We believe that", "Uskomme, että"),
    "to_verify": ("To verify that, we will", "Varmistaaksemme sen"),
    "and_measure": ("And measure", "Ja mittaamme"),
    "right_if": ("We are right if", "Olemme oikeassa, jos"),
    "data_seen": ("data seen already?", "aineisto jo nähty?"),
    "reason": ("reason", "syy"),
    "at": ("time", "ajankohta"),
    "on": ("date", "päivämäärä"),
    "value": ("value", "arvo"),
    "arm": ("arm", "ryhmä"),
    "metric": ("metric", "mittari"),
    "text": ("text", "teksti"),
}

class Messages:
    """The texts of one language: ``messages("key", name=value)`` formats a message."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang
        # The IANA zone times are shown in; the command sets it to the tracker's when it opens one.
        self.time_zone = "UTC"
        # ("fi", "en") is the order of LANGUAGES; the catalogue stores (English, Finnish).
        self._column = 1 if lang == "fi" else 0

    def __call__(self, message_id: str, /, **values: object) -> str:
        return CATALOGUE[message_id][self._column].format(**values)

    def label(self, value: object) -> str:
        """The name of an enumeration value in this language (e.g. Status.running -> "käynnissä")."""
        enum_name = type(value).__name__
        name = str(getattr(value, "name", value))
        labels = LABELS.get(enum_name, {})
        return labels[name][self._column] if name in labels else name

    def labels(self, enum_name: str) -> dict[str, str]:
        """Value name -> label, for one enumeration."""
        return {name: texts[self._column] for name, texts in LABELS[enum_name].items()}

    def field(self, name: str) -> str:
        """The name of a field as shown to the user."""
        texts = FIELD_LABELS.get(name)
        return name if texts is None else texts[self._column]

    def number(self, value: float | int | None) -> str:
        """A number as written in this language: 0.3 in English, 0,3 in Finnish."""
        if value is None:
            return "–"
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return text.replace(".", ",") if self.lang == "fi" else text

    def date(self, value: datetime.date | None) -> str:
        """A date as written in this language: 2026-03-01 in English, 1.3.2026 in Finnish."""
        if value is None:
            return "–"
        if self.lang == "fi":
            return f"{value.day}.{value.month}.{value.year}"
        return value.isoformat()

    def duration(self, seconds: float) -> str:
        """A wait as written in this language: 300 s is "5 min", 90 s "90 s"."""
        if seconds >= 120 and seconds % 60 == 0:
            return f"{self.number(int(seconds // 60))} min"
        return f"{self.number(int(seconds) if float(seconds).is_integer() else seconds)} s"

    def time(self, value: datetime.datetime | None) -> str:
        """A time to the minute in the tracker's zone with its abbreviation ("2026-03-29 04:00
        EEST"), by the core's rule of the zone; in UTC before a tracker is open."""
        if value is None:
            return "–"
        utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None) if value.tzinfo else value
        day, clock, zone = _core.local_time_text(utc, self.time_zone).split(" ")
        hour, minute = clock.split(":")
        if self.lang == "fi":
            return f"{self.date(datetime.date.fromisoformat(day))} klo {int(hour)}.{minute} {zone}"
        return f"{day} {clock} {zone}"

    def core_problem(self, problem: str) -> str:
        """A problem the core reported, in this language when it has a known wording, and with the
        command's options where the core names an option of the API (``--backfill``)."""
        return translate_core_problem(problem, self.lang)

    def figure(self, value: float | None, digits: int = 3) -> str:
        """A measured number to ``digits`` significant digits, as written in this language."""
        if value is None or not math.isfinite(value):
            return "–"
        if abs(value) >= 1e12:
            text = f"{value:.{digits - 1}e}"  # not a line of digits
        elif abs(value) >= 10 ** (digits - 1):
            text = f"{value:.0f}"  # 1234, not 1.23e+03: whole units read better
        else:
            text = f"{value:.{digits}g}"
            if "e" in text:
                text = f"{value:.{digits - 1}e}"
        text = text.replace("-", "−") if self.lang == "fi" else text
        return text.replace(".", ",") if self.lang == "fi" else text

    def percent(self, share: float | None, *, sign: bool = False) -> str:
        """A share as a percentage to one decimal: 12.5% in English, 12,5 % in Finnish."""
        if share is None or not math.isfinite(share):
            return "–"
        text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
        text = "0" if text in ("-0", "") else text
        if self.lang == "fi":
            text = text.replace("-", "−").replace(".", ",")
        if sign and share > 0:
            text = "+" + text
        return f"{text} %" if self.lang == "fi" else f"{text}%"

    def warning(self, text: str) -> str:
        """A warning of the analysis in this language, as far as it has a known wording."""
        return translate_warning(text, self.lang)

    def core_state(self, message: str) -> str:
        """A lifecycle message of the core, in this language when it has a known wording."""
        return translate_core_state(message, self.lang)
