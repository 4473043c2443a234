"""The packing screen speaks Spanish from the committed catalogue, and English without one.

The catalogue checks run Qt's own tools: `pyside6-lupdate` extracts today's strings from
station/ui and `pyside6-lrelease` compiles the committed .ts, so a string added without a
translation, a lost placeholder or a stale .qm fails here.
"""

from __future__ import annotations

import logging
import re
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QDialogButtonBox

from station.app.events import make_event
from station.ui.bridge import EventBridge
from station.ui.i18n import (
    I18N_DIR,
    available_languages,
    install_translator,
    remove_translators,
)
from station.ui.main_window import MainWindow
from station.ui.override import page_label
from station.ui.texts import REASONS
from tests.ui.test_main_window import send

ROOT = Path(__file__).resolve().parents[2]
TS = I18N_DIR / "packbench_es.ts"
QM = I18N_DIR / "packbench_es.qm"
SID = "st-1"
KEYS = re.compile(r"\b(?:F\d{1,2}|Esc|(?:Ctrl|Alt)\+\w+)\b")  # "Enter" is a word too

Key = tuple[str, str, str]  # context, source, disambiguation


def qt_tool(name: str) -> str:
    """Return a PySide6 tool next to this interpreter, else from PATH."""
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.exists() else shutil.which(name)
    assert found, f"{name} is part of PySide6 and must be installed"
    return found


def messages(ts: Path) -> dict[Key, ET.Element]:
    """Return a .ts file's messages by (context, source, disambiguation)."""
    found: dict[Key, ET.Element] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""), message.findtext("comment", ""))
            found[key] = message
    return found


def translations(message: ET.Element) -> list[str]:
    """Return a message's translated texts (one per plural form), empty when unfinished."""
    translation = message.find("translation")
    if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
        return []
    forms = translation.findall("numerusform")
    texts = [f.text or "" for f in forms] if forms else [translation.text or ""]
    return texts if all(t.strip() for t in texts) else []


def fields(text: str) -> set[str]:
    """Return the `{name:spec}` fields of a format string (raises on a broken one)."""
    return {f"{name}:{spec}" for _lit, name, spec, _conv in string.Formatter().parse(text)
            if name is not None}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[Key, ET.Element]:
    """Extract the strings of station/ui/*.py today, as `scripts/update_translations` does."""
    out = tmp_path_factory.mktemp("lupdate") / "packbench_es.ts"
    sources = sorted(str(p) for p in (ROOT / "station" / "ui").glob("*.py"))
    subprocess.run([qt_tool("pyside6-lupdate"), "-silent", "-locations", "none", *sources,
                    "-ts", str(out)], check=True, capture_output=True, timeout=120)
    return messages(out)


@pytest.fixture(scope="module")
def committed() -> dict[Key, ET.Element]:
    return messages(TS)


@pytest.fixture
def app(qapp):
    """Yield the application; afterwards, no translator and the system locale again."""
    yield qapp
    remove_translators(qapp)  # the other screen tests expect English
    assert QCoreApplication.translate("Actions", "New box") == "New box"


@pytest.fixture
def spanish(app):
    assert install_translator(app, "es") == "es"
    return app


@pytest.fixture
def screen(qtbot, spanish):
    bridge = EventBridge()
    window = MainWindow(bridge)
    qtbot.addWidget(window)
    window.show()
    return bridge, window


def wrong_item() -> dict:
    return make_event("scan.rejected", SID, seq=4, order_id="ord_2", kind="item",
                      code="036000291452", reason="wrong_item",
                      message="Organic T-shirt is not in this order",
                      prompt="Scan an item of order SO-2")


# ------------------------------------------------------------------ the catalogue
def test_lupdate_finds_the_screen_strings(extracted):
    assert len(extracted) > 200
    assert ("Texts", "Wrong item: {code} is not in this order.", "") in extracted


def test_every_string_in_the_code_has_a_finished_spanish_translation(extracted, committed):
    missing = sorted(k[:2] for k in extracted if not translations(committed.get(k, ET.Element(
        "message"))))
    assert not missing, (
        f"{len(missing)} string(s) without a Spanish translation (run "
        f"scripts/update_translations, then translate them): {missing}")


def test_the_catalogue_holds_no_string_the_code_lost(extracted, committed):
    stale = sorted(k[:2] for k in committed if k not in extracted)
    assert not stale, f"run scripts/update_translations to drop: {stale}"


def test_every_reason_code_is_translated(committed):
    for reason, source in REASONS.items():
        assert translations(committed[("Texts", source, "")]), reason


def test_translations_keep_placeholders_plural_marks_and_keys(committed):
    for (context, source, _), message in committed.items():
        for text in translations(message):
            where = f"{context}: {source!r} -> {text!r}"
            assert fields(text) == fields(source), where
            assert ("%n" in text) == ("%n" in source), where
            assert KEYS.findall(text) == KEYS.findall(source), where


def test_plural_messages_have_both_spanish_forms(committed):
    plural = [m for m in committed.values() if m.get("numerus") == "yes"]
    assert plural
    for message in plural:
        singular, many = translations(message)
        assert singular != many, message.findtext("source")


def test_the_committed_qm_is_compiled_from_the_committed_ts(tmp_path):
    out = tmp_path / "packbench_es.qm"
    subprocess.run([qt_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(out)],
                   check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == QM.read_bytes(), "run scripts/update_translations"


def test_the_qm_translates_every_message_as_the_ts_says(committed):
    translator = QTranslator()
    assert translator.load(str(QM))
    for (context, source, comment), message in committed.items():
        texts = translations(message)
        if message.get("numerus") == "yes":
            got = [translator.translate(context, source, comment or None, n) for n in (1, 2)]
        else:
            got = [translator.translate(context, source, comment or None)]
        assert got == texts, (context, source)


# ------------------------------------------------------------------ choosing the language
def test_available_languages_are_english_and_spanish():
    assert {"en", "es"} <= set(available_languages())
    assert available_languages() == sorted(available_languages())


def test_a_language_without_translation_falls_back_to_english_and_says_why(app, caplog):
    install_translator(app, "es")
    with caplog.at_level(logging.INFO, logger="station.ui.i18n"):
        assert install_translator(app, "xx") == "en"
    assert "no translation for xx" in caplog.text
    assert QCoreApplication.translate("Actions", "New box") == "New box"
    assert QLocale().language() == QLocale.Language.English


def test_a_country_variant_uses_the_language_and_keeps_the_country(app):
    assert install_translator(app, "es-MX") == "es"
    assert QLocale().name() == "es_MX"
    assert QCoreApplication.translate("Actions", "New box") == "Caja nueva"


def test_removing_the_translators_brings_back_english_and_the_system_locale(app):
    install_translator(app, "es")
    remove_translators(app)
    assert QCoreApplication.translate("Actions", "New box") == "New box"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    assert QLocale() == QLocale.system()


def test_spanish_sets_the_locale_and_qt_own_texts(spanish):
    assert QLocale().language() == QLocale.Language.Spanish
    assert QLocale().toString(20000) == "20.000"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancelar"


def test_installing_again_replaces_the_translators(spanish):
    install_translator(spanish, "es")
    ours = spanish.findChildren(QTranslator)
    assert len([t for t in ours if t.objectName() == "packbench-i18n"]) == 2  # ours + qtbase
    assert install_translator(spanish, "en") == "en"
    assert QCoreApplication.translate("Actions", "New box") == "New box"


# ------------------------------------------------------------------ the packing screen
def test_the_main_window_is_in_spanish(qtbot, screen):
    bridge, window = screen
    assert window.actions.buttons["new_box"].text() == "F2\nCaja nueva"
    assert window.actions.buttons["logout"].text() == "F10\nCerrar sesión"
    assert window.lights["scale"].text() == "Báscula: sin datos aún"
    assert window.order_label.text() == "Sin pedido"
    send(qtbot, bridge, make_event("device.state", SID, device="label_printer",
                                   state="not_ready", detail="paper out"),
         make_event("station.ready", SID, phase="idle", packer="P1", prompt="Scan an order"))
    assert window.prompt_label.text() == "Escanee el pedido"
    assert window.band.text() == "Puesto listo"
    send(qtbot, bridge, wrong_item())
    assert window.lights["label_printer"].text().startswith(
        "Impresora de etiquetas: requiere atención")
    assert window.band_state == "rejected"
    assert window.band.text() == (
        "ALTO  Artículo equivocado: 036000291452 no está en este pedido.")
    title, text = page_label(window.context, "item_problem")
    assert title.text() == "Aparte este artículo"
    assert text.text().endswith("No debe ir en el paquete.")


def test_an_accepted_item_is_said_in_spanish_not_in_the_station_english(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, make_event(
        "scan.accepted", SID, seq=3, order_id="ord_2", kind="item", code="4006381333931",
        message="Stoneware mug: 1 of 2", phase="scanning", units_packed=1, units_total=3,
        line_id="L1", sku="MUG-1", packed=1, qty=2))
    assert window.band.text() == "OK  MUG-1 1/2"
    assert window.prompt_label.text() == "Escanee los artículos (1/3)"


def test_english_leaves_the_screen_in_english(qtbot, app):
    install_translator(app, "es")  # a language chosen before is replaced, not added to
    assert install_translator(app, "en") == "en"
    bridge = EventBridge()
    window = MainWindow(bridge)
    qtbot.addWidget(window)
    assert window.actions.buttons["new_box"].text() == "F2\nNew box"
    assert window.lights["scale"].text() == "Scale: not seen yet"
    send(qtbot, bridge, wrong_item())
    assert window.band.text() == "STOP  Organic T-shirt is not in this order"
