"""The portfolio report as a reader sees it: opened in headless Chromium (Debian's chromium and
chromium-driver, which `make deps` installs) at 1280 px, in fi, sv and en.

The page must load without console errors, fit the window (nothing wider than it), show no NaN or
None, give every image its alt text, and each section is saved as a screenshot under
build/report/ for a person to look at. One browser session serves all three languages.
"""

from __future__ import annotations

import base64
import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from kokeilu import report
from kokeilu.demo import create_demo

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "build" / "report"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTH = 1280
LANGS = ("fi", "sv", "en")

# Each element whose right edge is beyond the window, named by its tag and class.
_TOO_WIDE = """
const limit = window.innerWidth + 0.5;
return Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > limit)
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
"""
_SECTIONS = """
return Array.from(document.querySelectorAll('header, section')).map(el => {
  const r = el.getBoundingClientRect();
  return {name: el.id || el.tagName.toLowerCase(), x: r.left + window.scrollX, y: r.top + window.scrollY,
          width: r.width, height: r.height};
});
"""


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    # Not a skip: `make test` installs Chromium, and a machine without it must say so.
    assert CHROMIUM.is_file() and CHROMEDRIVER.is_file(), (
        "the browser test needs Debian's chromium and chromium-driver: run `make deps`"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={WIDTH},900", "--hide-scrollbars"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        # The viewport itself is 1280 px wide, whatever the window's frame takes.
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False}
        )
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("browser")
    db = work / "demo.db"
    create_demo(db, event_rows=3000)
    day = datetime.date(2026, 3, 1)
    return {lang: report.build_report(db, work / f"portfolio-{lang}.html", lang, today=day) for lang in LANGS}


def test_the_report_in_a_browser(driver: webdriver.Chrome, reports: dict[str, Path]) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        driver.get(reports[lang].as_uri())
        assert driver.execute_script("return document.documentElement.lang") == lang
        assert driver.execute_script("return window.innerWidth") == WIDTH
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert not errors, (lang, errors)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= WIDTH, lang
        assert driver.execute_script(_TOO_WIDE) == [], lang
        text = driver.execute_script("return document.body.innerText")
        assert not re.search(r"\b(NaN|nan|None)\b", text), (lang, re.findall(r".{30}\b(?:NaN|nan|None)\b.{30}", text))
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth > 0])"
        )
        assert len(images) == 7, lang
        for alt, loaded in images:
            assert alt.strip() and loaded, (lang, alt)
        for section in driver.execute_script(_SECTIONS):
            shot = driver.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {key: section[key] for key in ("x", "y", "width", "height")} | {"scale": 1},
                },
            )
            (ARTEFACTS / f"{lang}-{section['name']}.png").write_bytes(base64.b64decode(shot["data"]))
    assert len(list(ARTEFACTS.glob("*-summary.png"))) >= len(LANGS)
