"""The meta-analysis of replications against two independent references: R's metafor (one Rscript
run for the whole module, with its iterations tightened) and statsmodels' combine_effects; both to
1e-8 relative. Then what the result says: with two municipalities no random-effects claim, below
five a caution, in fi, sv and en.

metafor must be installed (Debian's r-cran-metafor, `make deps`): without it these tests fail.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.meta_analysis import combine_effects

import kokeilu
from kokeilu import stats

RTOL = 1e-8

# name -> (estimates, standard errors, confidence level in %). bcg (metafor's dat.bcg, log risk
# ratios of 13 vaccine trials) is added by the R script itself through escalc.
DATASETS: dict[str, tuple[list[float], list[float], int]] = {
    # Clearly heterogeneous, three and four municipalities: the smallest with a prediction interval.
    "k3": ([0.10, 0.45, 0.80], [0.10, 0.12, 0.15], 95),
    "k4": ([0.20, 0.05, 0.35, 0.60], [0.15, 0.20, 0.10, 0.25], 95),
    # Two: the fixed effect only.
    "k2": ([0.30, 0.10], [0.10, 0.15], 95),
    # Homogeneous (Q well below its df): tau^2 = 0 and q < 1, so the plain HKSJ interval is narrower
    # than the usual one and the ad hoc variant keeps the usual width.
    "homogeneous": ([0.21, 0.19, 0.20, 0.22, 0.18, 0.20], [0.10, 0.12, 0.09, 0.11, 0.10, 0.13], 95),
    # Eight municipalities with unequal precision, at 90 %.
    "k8": ([-0.05, 0.12, 0.31, 0.02, 0.44, 0.18, -0.20, 0.27], [0.08, 0.15, 0.11, 0.05, 0.20, 0.09, 0.14, 0.06], 90),
}
METHODS = {"REML": "reml", "DL": "dl", "PM": "pm"}

R_SCRIPT = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
d <- rbind(d, data.frame(dataset = "bcg", yi = as.numeric(bcg$yi), sei = sqrt(as.numeric(bcg$vi)), level = 95))
# Far tighter than the defaults (threshold 1e-5, uniroot's tol eps^0.25): the solutions to the last digits.
ctl <- list(threshold = 1e-14, maxiter = 1000, tol = 1e-15, tau2.max = 1e4)
out <- function(ds, key, x) cat(ds, "\t", key, "\t", sprintf("%.17g", as.numeric(x)), "\n", sep = "")
cat("version\tmetafor\t", as.character(packageVersion("metafor")), "\n", sep = "")
for (ds in unique(d$dataset)) {
  s <- d[d$dataset == ds, ]
  k <- nrow(s)
  lvl <- s$level[1]
  for (i in seq_len(k)) { out(ds, paste0("yi", i), s$yi[i]); out(ds, paste0("sei", i), s$sei[i]) }
  out(ds, "level", lvl)
  fe <- rma(s$yi, sei = s$sei, method = "FE", level = lvl)
  out(ds, "FE.b", fe$b); out(ds, "FE.se", fe$se); out(ds, "FE.ci.lb", fe$ci.lb); out(ds, "FE.ci.ub", fe$ci.ub)
  out(ds, "FE.pval", fe$pval); out(ds, "FE.QE", fe$QE); out(ds, "FE.QEp", fe$QEp)
  out(ds, "FE.I2", fe$I2); out(ds, "FE.H2", fe$H2)
  if (k < 3) next
  for (m in c("REML", "DL", "PM")) {
    z <- rma(s$yi, sei = s$sei, method = m, level = lvl, control = ctl)
    kn <- rma(s$yi, sei = s$sei, method = m, level = lvl, control = ctl, test = "knha")
    ah <- rma(s$yi, sei = s$sei, method = m, level = lvl, control = ctl, test = "adhoc")
    p <- predict(z)
    key <- function(x) paste0(m, ".", x)
    out(ds, key("tau2"), z$tau2); out(ds, key("se.tau2"), z$se.tau2)
    out(ds, key("b"), z$b); out(ds, key("se"), z$se); out(ds, key("ci.lb"), z$ci.lb); out(ds, key("ci.ub"), z$ci.ub)
    out(ds, key("pval"), z$pval); out(ds, key("I2"), z$I2)
    for (t in list(list("knha", kn), list("adhoc", ah))) {
      f <- t[[2]]
      out(ds, key(paste0(t[[1]], ".se")), f$se); out(ds, key(paste0(t[[1]], ".ci.lb")), f$ci.lb)
      out(ds, key(paste0(t[[1]], ".ci.ub")), f$ci.ub); out(ds, key(paste0(t[[1]], ".pval")), f$pval)
    }
    # predict() of the normal fit: its prediction interval is b +- qnorm * sqrt(tau2 + se^2), so this
    # recovers the spread of a new municipality's effect as metafor computes it; the interval kokeilu
    # gives (Higgins, Thompson and Spiegelhalter 2009) takes t(k - 2) over that spread.
    spread <- (p$pi.ub - p$pi.lb) / (2 * qnorm(1 - (1 - lvl / 100) / 2))
    crit <- qt(1 - (1 - lvl / 100) / 2, df = k - 2)
    out(ds, key("pi.spread"), spread)
    out(ds, key("hts.lb"), p$pred - crit * spread); out(ds, key("hts.ub"), p$pred + crit * spread)
  }
}
"""


def _close(ours: float, theirs: float, *, atol: float = 1e-13) -> bool:
    return math.isclose(ours, theirs, rel_tol=RTOL, abs_tol=atol)


@pytest.fixture(scope="module")
def metafor(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    """dataset -> key -> value, from one Rscript run over every dataset."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.fail("Rscript is not installed: the meta-analysis is checked against R's metafor (make deps)")
    folder = tmp_path_factory.mktemp("metafor")
    data = folder / "datasets.csv"
    with data.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["dataset", "yi", "sei", "level"])
        for name, (y, se, level) in DATASETS.items():
            writer.writerows([name, repr(a), repr(b), level] for a, b in zip(y, se))
    script = folder / "reference.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    run = subprocess.run([rscript, "--vanilla", str(script), str(data)], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        pytest.fail(f"Rscript failed (is r-cran-metafor installed?):\n{run.stderr}")
    results: dict[str, dict[str, float]] = {}
    for line in run.stdout.splitlines():
        dataset, key, value = line.split("\t")
        if dataset == "version":
            continue
        results.setdefault(dataset, {})[key] = float(value)
    assert set(results) == {*DATASETS, "bcg"}
    return results


def _data(reference: dict[str, float]) -> tuple[list[float], list[float], float]:
    k = sum(1 for key in reference if key.startswith("yi"))
    y = [reference[f"yi{i}"] for i in range(1, k + 1)]
    se = [reference[f"sei{i}"] for i in range(1, k + 1)]
    return y, se, 1.0 - reference["level"] / 100.0


ALL = [*DATASETS, "bcg"]
RANDOM = [name for name in ALL if name != "k2"]


@pytest.mark.parametrize("dataset", ALL)
def test_fixed_effect_and_heterogeneity_match_metafor(metafor: dict[str, dict[str, float]], dataset: str) -> None:
    r = metafor[dataset]
    y, se, alpha = _data(r)
    m = stats.meta_analysis(y, se, alpha=alpha)
    assert _close(m.fixed.estimate, r["FE.b"])
    assert _close(m.fixed.std_error, r["FE.se"])
    assert _close(m.fixed.ci_low, r["FE.ci.lb"]) and _close(m.fixed.ci_high, r["FE.ci.ub"])
    assert _close(m.fixed.p_value, r["FE.pval"])
    assert _close(m.q, r["FE.QE"]) and _close(m.q_p_value, r["FE.QEp"])
    assert _close(m.i_squared, r["FE.I2"] / 100.0)
    # metafor's fixed-effect H^2 is Q / df untruncated; kokeilu's is at least 1, as I^2 is at least 0.
    assert _close(m.h_squared, max(1.0, r["FE.H2"]))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dataset", RANDOM)
def test_random_effects_match_metafor(metafor: dict[str, dict[str, float]], dataset: str, method: str) -> None:
    r = metafor[dataset]
    y, se, alpha = _data(r)
    m = stats.meta_analysis(y, se, alpha=alpha, method=METHODS[method])
    assert m.tau_squared is not None and m.random is not None and m.random_normal is not None
    assert m.random_hartung_knapp is not None and m.prediction is not None

    def ref(key: str) -> float:
        return r[f"{method}.{key}"]

    # At a boundary metafor's halved steps stop a hair above 0 (about its threshold); kokeilu says 0.
    assert _close(m.tau_squared, ref("tau2"), atol=1e-12)
    if method == "REML":
        assert m.tau_squared_se is not None and _close(m.tau_squared_se, ref("se.tau2"), atol=1e-10)
    normal = m.random_normal
    for ours, key in ((normal.estimate, "b"), (normal.std_error, "se"), (normal.ci_low, "ci.lb"),
                      (normal.ci_high, "ci.ub"), (normal.p_value, "pval")):
        assert _close(ours, ref(key), atol=1e-11), key
    for e, test in ((m.random_hartung_knapp, "knha"), (m.random, "adhoc")):
        for ours, key in ((e.std_error, "se"), (e.ci_low, "ci.lb"), (e.ci_high, "ci.ub"), (e.p_value, "pval")):
            assert _close(ours, ref(f"{test}.{key}"), atol=1e-11), f"{test}.{key}"
    # The spread of a new municipality's effect as metafor's predict() has it, and the t(k - 2)
    # interval over it.
    assert _close(math.sqrt(m.tau_squared + normal.std_error**2), ref("pi.spread"), atol=1e-11)
    assert _close(m.prediction.low, ref("hts.lb"), atol=1e-11)
    assert _close(m.prediction.high, ref("hts.ub"), atol=1e-11)


def test_the_adhoc_interval_matters_where_hksj_would_narrow(metafor: dict[str, dict[str, float]]) -> None:
    r = metafor["homogeneous"]
    y, se, alpha = _data(r)
    m = stats.meta_analysis(y, se, alpha=alpha)
    assert m.tau_squared == 0.0 and m.hartung_knapp_factor is not None and m.hartung_knapp_factor < 0.5
    assert m.random is not None and m.random_hartung_knapp is not None and m.random_normal is not None
    # metafor's plain knha interval is narrower than the normal one; its adhoc one is not.
    assert r["REML.knha.ci.ub"] - r["REML.knha.ci.lb"] < r["REML.ci.ub"] - r["REML.ci.lb"]
    width = m.random_normal.ci_high - m.random_normal.ci_low
    assert m.random_hartung_knapp.ci_high - m.random_hartung_knapp.ci_low < width
    assert m.random.std_error == pytest.approx(m.random_normal.std_error, rel=1e-14)
    assert m.random.ci_high - m.random.ci_low > width


@pytest.mark.parametrize("dataset", ALL)
def test_statsmodels_combine_effects_agrees(metafor: dict[str, dict[str, float]], dataset: str) -> None:
    y, se, alpha = _data(metafor[dataset])
    variance = np.asarray(se) ** 2
    # statsmodels' Paule-Mandel iteration stops when |Q - (k - 1)| < atol, but returns 0 as soon as
    # Q - (k - 1) is negative: an atol near rounding noise (1e-13) lets a last step land just below
    # the root and gives 0. 1e-11 stops first, within about 1e-13 of the root in tau^2.
    for method, method_re, options in (("dl", "chi2", {}), ("pm", "iterated", {"atol": 1e-11, "maxiter": 1000})):
        # Its DerSimonian-Laird tau^2 is negative for Q < k - 1, and numpy warns of the square root.
        with np.errstate(invalid="ignore"):
            sm = combine_effects(np.asarray(y), variance, method_re=method_re, alpha=alpha, **options)
            fe_ci = sm.conf_int(alpha=alpha, use_t=False)[0]
        m = stats.meta_analysis(y, se, alpha=alpha, method=method)
        assert _close(m.fixed.estimate, sm.mean_effect_fe) and _close(m.fixed.std_error, sm.sd_eff_w_fe)
        assert _close(m.fixed.ci_low, fe_ci[0]) and _close(m.fixed.ci_high, fe_ci[1])
        assert _close(m.q, sm.q)
        if m.tau_squared is None:
            continue
        # statsmodels leaves DerSimonian-Laird's tau^2, I^2 and H^2 untruncated (negative for Q < df);
        # they are compared where Q > df, where no truncation applies.
        if sm.q > len(y) - 1:
            assert _close(m.tau_squared, sm.tau2, atol=1e-12)
            assert _close(m.i_squared, sm.i2) and _close(m.h_squared, sm.h2)
            assert m.random_normal is not None and m.random_hartung_knapp is not None
            assert _close(m.random_normal.estimate, sm.mean_effect_re)
            assert _close(m.random_normal.std_error, sm.sd_eff_w_re)
            assert _close(m.random_hartung_knapp.std_error, sm.sd_eff_w_re_hksj)
            re_hksj = sm.conf_int(alpha=alpha, use_t=True)[3]
            hk = m.random_hartung_knapp
            assert _close(hk.ci_low, re_hksj[0]) and _close(hk.ci_high, re_hksj[1])
        else:
            assert m.tau_squared == 0.0 and sm.tau2 <= 1e-12


# -- what the result says ---------------------------------------------------------------------------


def test_two_municipalities_give_the_fixed_effect_only() -> None:
    m = stats.meta_analysis([0.30, 0.10], [0.10, 0.15], labels=["Oulu", "Kuusamo"])
    assert m.k == 2
    assert m.random is None and m.tau_squared is None and m.prediction is None and m.random_weights is None
    assert [code for code, _ in m.cautions] == ["stats.meta.few_studies", "stats.meta.fixed_only"]
    frame = m.frame()
    assert list(frame["row"]) == ["study", "study", "fixed"]
    assert list(frame["label"][:2]) == ["Oulu", "Kuusamo"]
    assert frame["weight_fixed"][:2].sum() == pytest.approx(1.0)
    assert "Satunnaisvaikutusten" not in m.text(lang="fi")
    assert "eikä satunnaisvaikutusten mallista tehdä päätelmiä" in m.text(lang="fi")


@pytest.mark.parametrize(
    ("lang", "caution"),
    [
        ("fi", "Hyvin vähän kuntia (3): yhdistetty vaikutus on epävarma."),
        ("sv", "Mycket få kommuner (3): den sammanvägda effekten är osäker."),
        ("en", "Very few municipalities (3): the pooled effect is uncertain."),
    ],
)
def test_few_municipalities_carry_a_caution(lang: str, caution: str) -> None:
    m = stats.meta_analysis([0.10, 0.45, 0.80], [0.10, 0.12, 0.15])
    assert m.cautions == (("stats.meta.few_studies", {"k": 3}),)
    assert caution in m.text(lang=lang)
    assert caution in m.html(lang=lang)


def test_five_municipalities_carry_none() -> None:
    m = stats.meta_analysis([0.1, 0.3, 0.2, 0.5, 0.4], [0.1, 0.1, 0.2, 0.2, 0.3])
    assert m.cautions == ()
    assert "kuntia" not in m.text(lang="fi")


def test_the_text_and_html_in_each_language() -> None:
    labels = ["Oulu", "Kemi", "Salla", "Inari"]
    m = stats.meta_analysis([0.10, 0.45, 0.80, 0.30], [0.10, 0.12, 0.15, 0.2], labels=labels)
    fi = m.text(lang="fi")
    assert fi.startswith("<kokeilu.MetaAnalysis: 4 kunnan meta-analyysi")
    assert "Satunnaisvaikutusten malli (REML" in fi and "95\u00a0%:n luottamusväli" in fi
    assert "95\u00a0%:n ennusteväli uudelle kunnalle" in fi and "kuntien välinen varianssi τ² = " in fi
    assert "Slumpeffektmodell (REML" in m.text(lang="sv")
    en = m.text(lang="en")
    assert "Random effects (REML; Hartung–Knapp–Sidik–Jonkman interval, never narrower" in en
    assert "Fixed effect (inverse-variance weights)" in en
    page = m.html(lang="sv")
    assert "<th>kommun</th>" in page and "<td>Salla</td>" in page and "vikt (slumpmässig)" in page
    assert m._repr_html_() == m.html()
    assert repr(m) == m.text()


def test_the_frame_has_the_studies_and_the_pooled_rows() -> None:
    y = pd.Series([0.10, 0.45, 0.80, 0.30], index=["Oulu", "Kemi", "Salla", "Inari"])
    se = np.array([0.10, 0.12, 0.15, 0.2])
    m = stats.meta_analysis(y, se, method="dl")
    frame = m.frame()
    assert list(frame["row"]) == ["study"] * 4 + ["fixed", "random", "prediction"]
    assert list(frame["label"][:4]) == ["Oulu", "Kemi", "Salla", "Inari"]
    studies = frame[frame["row"] == "study"]
    assert studies["weight_random"].sum() == pytest.approx(1.0) and studies["weight_fixed"].sum() == pytest.approx(1.0)
    # Each study's own interval is the normal one at 1 - alpha: 0.10 +- 1.959964 * 0.10.
    assert studies["ci_low"].iloc[0] == pytest.approx(0.10 - 1.959963984540054 * 0.10, rel=1e-12)
    assert m.random is not None and m.prediction is not None
    assert frame.loc[frame["row"] == "random", "ci_low"].item() == m.random.ci_low
    assert frame.loc[frame["row"] == "prediction", "ci_high"].item() == m.prediction.high
    # The weights follow 1 / (v + tau^2).
    assert m.tau_squared is not None
    w = 1.0 / (se**2 + m.tau_squared)
    assert studies["weight_random"].to_numpy() == pytest.approx(w / w.sum(), rel=1e-12)


@pytest.mark.parametrize(
    ("estimates", "errors", "field", "code"),
    [
        ([0.1, 0.2, 0.3], [0.1, 0.1, float("nan")], "standard_errors[2]", "stats.number.not_positive"),
        ([0.1, 0.2, 0.3], [0.1, 0.1, float("inf")], "standard_errors[2]", "stats.number.not_positive"),
        ([0.1, 0.2, 0.3], [0.1, 0.1, -0.2], "standard_errors[2]", "stats.number.not_positive"),
        ([0.1, 0.2, 0.3], [0.1, 0.1, 0.0], "standard_errors[2]", "stats.number.not_positive"),
        ([0.1, float("nan"), 0.3], [0.1, 0.1, 0.1], "estimates[1]", "stats.number.not_finite"),
        ([0.1], [0.1], "estimates", "stats.meta.too_few"),
        ([0.1, 0.2, 0.3], [0.1, 0.1], "standard_errors", "input.rows_expected"),
        ([0.1, "x", 0.3], [0.1, 0.1, 0.1], "estimates[1]", "input.not_a_number"),
        ([[0.1, 0.2]], [0.1, 0.1], "estimates", "input.not_one_dimensional"),
    ],
)
def test_bad_input_is_refused_naming_the_field(estimates: Any, errors: Any, field: str, code: str) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.meta_analysis(estimates, errors)
    assert (raised.value.field, raised.value.code) == (field, code)


def test_bad_options_are_refused() -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as method:
        stats.meta_analysis([0.1, 0.2, 0.3], [0.1, 0.1, 0.1], method="hs")
    assert method.value.field == "method" and method.value.code == "input.unknown_enum_value"
    with pytest.raises(kokeilu.InvalidArgumentError) as alpha:
        stats.meta_analysis([0.1, 0.2, 0.3], [0.1, 0.1, 0.1], alpha=1.5)
    assert alpha.value.field == "alpha"
    with pytest.raises(kokeilu.InvalidArgumentError) as labels:
        stats.meta_analysis([0.1, 0.2, 0.3], [0.1, 0.1, 0.1], labels=["a", "b"])
    assert labels.value.field == "labels" and labels.value.params == {"rows": 2, "expected": 3}
    assert kokeilu.error_text(alpha.value, "fi").startswith("alpha: ")


def test_the_result_is_frozen() -> None:
    m = stats.meta_analysis([0.1, 0.2, 0.3], [0.1, 0.1, 0.1])
    with pytest.raises(AttributeError):
        m.q = 0.0  # type: ignore[misc]
    assert isinstance(m, stats.MetaAnalysis) and Path(stats.__file__).name == "stats.py"
