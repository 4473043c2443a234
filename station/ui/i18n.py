"""Choose the screen's language and load its translations, before any window is built.

English is the source language: the code's own texts need no file. Any other language is
`resources/i18n/packbench_<lang>.qm` (compiled by `scripts/update_translations`), plus Qt's
own `qtbase_<lang>.qm` from the PySide6 wheel for the texts of Qt's standard widgets and
dialogs. Widgets translate when they are built, so this runs before the first window.
"""

from __future__ import annotations

import functools
import logging
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

I18N_DIR = Path(str(resources.files("resources"))) / "i18n"
SOURCE_LANGUAGE = "en"
PREFIX = "packbench_"
_MARK = "packbench-i18n"  # object name of the translators installed here


@functools.cache
def _languages() -> tuple[str, ...]:
    # Read the folder once: the settings page asks again on the GUI thread.
    found = {p.stem.removeprefix(PREFIX) for p in I18N_DIR.glob(PREFIX + "*.qm")}
    return tuple(sorted(found | {SOURCE_LANGUAGE}))


def available_languages() -> list[str]:
    """Return the languages the screen can show: English and each compiled translation."""
    return list(_languages())


def _candidates(language: str) -> list[str]:
    """Return the names to try for `language`, most specific first: es_Latn_MX, es_MX, es."""
    parts = [p for p in language.strip().replace("-", "_").split("_") if p]
    if not parts:
        return []
    base = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4), "")
    country = next((p.upper() for p in parts[1:] if len(p) in (2, 3)), "")
    names = ["_".join(p for p in (base, script, country) if p),
             "_".join(p for p in (base, country) if p), base]
    return list(dict.fromkeys(names))


def _choose(language: str) -> tuple[str, QLocale]:
    """Return the language to show for a request ("" = the system's) and its locale."""
    system = QLocale.system()
    wanted = system.uiLanguages() if not language else [language]
    available = set(available_languages())
    for requested in wanted:
        for name in _candidates(requested):
            if name in available:
                locale = QLocale(requested.replace("-", "_"))
                # Unless a country was asked for, the system's own variant of the language
                # keeps its country and settings (es_MX numbers, en_GB dates).
                if system.language() == locale.language() and (
                    not language or "_" not in _candidates(requested)[0]
                ):
                    locale = system
                return name, locale
    shown = language or ", ".join(system.uiLanguages()) or system.name()
    # Asked for by name: worth a warning. The system's language: only a note.
    log.log(logging.WARNING if language else logging.INFO,
            "no translation for %s (have %s): the screen is in English", shown,
            ", ".join(sorted(available)))
    english = QLocale(SOURCE_LANGUAGE)
    return SOURCE_LANGUAGE, system if system.language() == english.language() else english


def _load(app: QCoreApplication, folder: Path, name: str) -> bool:
    translator = QTranslator(app)  # the app owns it: it lives as long as it is installed
    translator.setObjectName(_MARK)
    if not translator.load(name, str(folder)):
        translator.setParent(None)
        return False
    app.installTranslator(translator)
    return True


def remove_translators(app: QCoreApplication) -> None:
    """Take out the translators `install_translator` put in and go back to the system locale."""
    for translator in app.findChildren(QTranslator, _MARK):
        app.removeTranslator(translator)
        translator.setParent(None)  # back to Python, deleted with its last reference
    QLocale.setDefault(QLocale.system())


def install_translator(app: QCoreApplication, language: str = "") -> str:
    """Show the screen in `language` ("" = the system's, "en", "es", ...); return the one used.

    Installs our translation and Qt's own for that language on `app` and makes its locale
    the default (numbers, dates). A language without a translation gives English, logged.
    """
    remove_translators(app)
    chosen, locale = _choose(language)
    QLocale.setDefault(locale)
    if chosen == SOURCE_LANGUAGE:
        return chosen
    if not _load(app, I18N_DIR, PREFIX + chosen):
        log.warning("%s could not be loaded from %s: the screen is in English",
                    PREFIX + chosen + ".qm", I18N_DIR)
        QLocale.setDefault(QLocale(SOURCE_LANGUAGE))
        return SOURCE_LANGUAGE
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    # QTranslator.load falls back by itself: qtbase_es_MX, then qtbase_es.
    if not _load(app, qt_dir, f"qtbase_{chosen}"):
        log.info("no Qt translation qtbase_%s in %s: Qt's own dialogs stay in English",
                 chosen, qt_dir)
    return chosen
