"""Screen settings for the supervisor: sound volume, repeat of the reject sound, language.

Volume and sound on/off apply at once; the language applies at the next start. "Save"
writes them into the station's TOML file (comments kept) on a worker thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from station.config import StationConfig
from station.ui.i18n import available_languages
from station.ui.widgets import COLOURS, big_label, paint, touch_button

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

# Each language in its own name; "system" in the screen's language.
NAMES = {"en": "English", "es": "Español"}


class SettingsPanel(QWidget):
    """Change and save the screen's settings; `sounds` is the screen's `VerdictSounds`."""

    saved = Signal(object)  # the StationConfig as saved
    _finished = Signal(object, str)  # config or None, error text (from the worker)

    def __init__(self, config: StationConfig, config_path: str | Path | None, sounds: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config, self.config_path, self.sounds = config, config_path, sounds
        self.saving = False
        layout = QVBoxLayout(self)
        form = QFormLayout()
        font = self.font()
        font.setPointSize(15)
        self.setFont(font)
        self.enabled_box = QCheckBox(translate("Settings", "Sounds on"))
        self.enabled_box.setChecked(config.sound.enabled)
        self.enabled_box.setMinimumHeight(56)
        self.enabled_box.setStyleSheet("QCheckBox::indicator { width: 36px; height: 36px; }")
        self.enabled_box.toggled.connect(self._sound_on)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setPageStep(10)
        self.volume.setMinimumHeight(48)
        self.volume.setValue(config.sound.volume)
        self.volume_label = big_label(15, bold=True)
        self.volume.valueChanged.connect(self._volume)
        self.repeat = QDoubleSpinBox()
        self.repeat.setRange(0.0, 30.0)
        self.repeat.setSingleStep(0.5)
        self.repeat.setSuffix(" s")
        self.repeat.setValue(config.sound.repeat_reject_s)
        self.language = QComboBox()
        self.language.addItem(translate("Settings", "System language"), "")
        for code in available_languages():  # every language a translation exists for
            self.language.addItem(NAMES.get(code, QLocale(code).nativeLanguageName()), code)
        self.language.setCurrentIndex(max(0, self.language.findData(config.station.language)))
        form.addRow(self.enabled_box)
        form.addRow(translate("Settings", "Volume"), self.volume)
        form.addRow("", self.volume_label)
        form.addRow(translate("Settings", "Repeat the reject sound every (0: once)"),
                    self.repeat)
        form.addRow(translate("Settings", "Language (at the next start)"), self.language)
        layout.addLayout(form)
        tests = QGridLayout()
        for col, (name, text) in enumerate((
            ("accept", translate("Settings", "Play accept")),
            ("reject", translate("Settings", "Play reject")),
            ("complete", translate("Settings", "Play complete")),
        )):
            button = touch_button(text)
            button.clicked.connect(lambda _=False, n=name: self.sounds.play(n))
            tests.addWidget(button, 0, col)
        layout.addLayout(tests)
        self.save_button = touch_button(translate("Settings", "Save"), "Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(config_path is not None)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        layout.addWidget(self.save_button)
        self.result = big_label(15, bold=True, wrap=True)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self._finished.connect(self._on_finished)
        self._volume(self.volume.value())
        if config_path is None:
            self._say("waiting", translate("Settings", "This station has no settings file: "
                                                       "changes last until it stops."))

    def _sound_on(self, on: bool) -> None:
        self.sounds.enabled = on

    def _volume(self, percent: int) -> None:
        self.sounds.set_volume(percent)
        self.volume_label.setText(translate("Settings", "{percent} %").format(percent=percent))

    def values(self) -> dict[str, dict[str, Any]]:
        """Return the settings as shown, by config section."""
        return {
            "sound": {"enabled": self.enabled_box.isChecked(), "volume": self.volume.value(),
                      "repeat_reject_s": round(self.repeat.value(), 2)},
            "station": {"language": self.language.currentData() or ""},
        }

    def save(self) -> None:
        """Write the settings to the station file on a worker thread."""
        if self.config_path is None or self.saving:
            return
        self.saving = True
        self.save_button.setEnabled(False)
        values, path = self.values(), self.config_path

        def work() -> None:
            from station.app.config_file import save_settings
            from station.config import ConfigError

            try:
                self._finished.emit(save_settings(path, values), "")
            except (ConfigError, OSError) as exc:
                self._finished.emit(None, str(exc))

        threading.Thread(target=work, name="settings-save", daemon=True).start()

    def _on_finished(self, config: StationConfig | None, error: str) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if config is None:
            self._say("rejected", translate("Settings", "Not saved: {error}").format(
                error=error))
            return
        self.config = config
        self._say("accepted", translate("Settings", "Saved in {path}.").format(
            path=self.config_path))
        self.saved.emit(config)

    def _say(self, state: str, text: str) -> None:
        self.result.setText(text)
        paint(self.result, COLOURS[state])
