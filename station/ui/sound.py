"""Play a verdict sound for each station event: accept, reject, complete, attention.

Packers look at the parcel, not the screen, so every verdict is also heard. The four WAV
files ship in `resources/sounds/` (made by `scripts/make_sounds`); `[sound] folder` may
replace any of them. QtMultimedia decodes and plays them on its own threads; this object
only starts and stops them on the GUI thread.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

from station.config import SoundSection

log = logging.getLogger(__name__)

SOUND_NAMES = ("accept", "reject", "complete", "attention")
BUILTIN_DIR = Path(str(resources.files("resources"))) / "sounds"

EVENT_SOUNDS: dict[str, str] = {
    "scan.accepted": "accept",
    "scan.rejected": "reject",
    "weight.rejected": "reject",
    "station.error": "reject",
    "order.packed": "complete",
    "weight.requested": "attention",
    "order.exception": "attention",
    "print.waiting": "attention",
}

# Events that show the packer dealt with a reject. Every scan decision starts with a `scan.*`
# event, so any later scan that is not itself refused counts; weights have no scan event.
ACKNOWLEDGING_EVENTS = frozenset({"weight.accepted", "override.applied", "order.packed",
                                  "order.opened"})


def acknowledges(name: str) -> bool:
    """Return whether event `name` ends a repeating reject sound."""
    return name in ACKNOWLEDGING_EVENTS or (name.startswith("scan.") and name != "scan.rejected")


class VerdictSounds(QObject):
    """Map station events to the four verdict sounds and play them.

    `played` carries the sound name each time one is asked for, whether or not an audio
    output exists, so the screen (and tests) can follow what the packer was meant to hear.
    With `repeat_reject_s > 0` the reject sound repeats until `acknowledge()` or a later
    event that shows the packer acted (see `acknowledges`).
    """

    played = Signal(str)
    audio_changed = Signal()  # `audio_available` or `audio_status` may have changed

    def __init__(self, config: SoundSection | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        config = config or SoundSection()
        self._enabled = config.enabled
        self._volume = 0
        self._override_dir = Path(config.folder) if config.folder else None
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        self._has_output = bool(QMediaDevices.audioOutputs())
        self._warned = ""
        self._effects: dict[str, QSoundEffect] = {}
        self._sources: dict[str, list[QUrl]] = {}
        for name in SOUND_NAMES:
            effect = QSoundEffect(self)
            effect.statusChanged.connect(lambda n=name: self._on_status(n))
            self._effects[name] = effect
            self._sources[name] = self._candidates(name)
        self._repeat = QTimer(self)
        self._repeat.setInterval(max(1, round(config.repeat_reject_s * 1000)))
        self._repeat.timeout.connect(self._repeat_reject)
        self._repeat_enabled = config.repeat_reject_s > 0
        self.set_volume(config.volume)
        for name, effect in self._effects.items():
            # Loading happens inside QtMultimedia (its sample cache thread), not here.
            effect.setSource(self._sources[name][0])
        self._report()

    def _candidates(self, name: str) -> list[QUrl]:
        builtin = QUrl.fromLocalFile(str(BUILTIN_DIR / f"{name}.wav"))
        if self._override_dir is None:
            return [builtin]
        # No stat here (GUI thread): a missing override fails to load and falls back then.
        return [QUrl.fromLocalFile(str(self._override_dir / f"{name}.wav")), builtin]

    # ------------------------------------------------------------ state
    @property
    def enabled(self) -> bool:
        """Return whether sounds play at all."""
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._enabled = bool(value)
        if not self._enabled:
            self._repeat.stop()
            for effect in self._effects.values():
                effect.stop()
        self.audio_changed.emit()

    @property
    def volume(self) -> int:
        """Return the loudness in percent."""
        return self._volume

    def set_volume(self, percent: int) -> None:
        """Set the loudness of every sound, 0 to 100 percent of full scale."""
        if not 0 <= percent <= 100:
            raise ValueError(f"volume must be 0 to 100 percent, not {percent}")
        self._volume = int(percent)
        for effect in self._effects.values():
            effect.setVolume(percent / 100)

    @property
    def repeating(self) -> bool:
        """Return whether the reject sound repeats, waiting for acknowledgement."""
        return self._repeat.isActive()

    def effect(self, name: str) -> QSoundEffect:
        """Return the sound effect playing `name` (for its status and volume)."""
        return self._effects[name]

    def source(self, name: str) -> Path:
        """Return the file `name` plays from (or is loading from)."""
        return Path(self._effects[name].source().toLocalFile())

    @property
    def audio_available(self) -> bool:
        """Return whether sounds can be heard: an audio output exists and every file loaded."""
        return self._has_output and not self._failed()

    @property
    def audio_status(self) -> str:
        """Return a short line for the screen saying whether sounds are heard, and if not why."""
        if not self._enabled:
            return self.tr("Sound: off")
        if not self._has_output:
            return self.tr("Sound: no audio output")
        failed = self._failed()
        if failed:
            return self.tr("Sound: cannot play {names}").format(names=", ".join(failed))
        return self.tr("Sound: on")

    @property
    def audio_problem(self) -> str:
        """Return why sounds are not heard, in words for the screen; "" when they are."""
        if not self._enabled:
            return self.tr("turned off")
        if not self._has_output:
            return self.tr("no audio output")
        failed = self._failed()
        return self.tr("cannot play {names}").format(names=", ".join(failed)) if failed else ""

    def _failed(self) -> list[str]:
        return [name for name, effect in self._effects.items()
                if effect.status() == QSoundEffect.Status.Error]

    def _problem(self) -> str:
        """Return why sounds are not heard (for the log), or "" when they are."""
        if not self._has_output:
            return "no audio output"
        failed = self._failed()
        return f"cannot play {', '.join(failed)}" if failed else ""

    # ------------------------------------------------------------ events
    def on_event(self, event: dict[str, Any]) -> None:
        """Play the sound for one station event (GUI thread); other events are silent."""
        name = str(event.get("event", ""))
        sound = EVENT_SOUNDS.get(name)
        if self._repeat.isActive() and acknowledges(name):
            self._repeat.stop()
        if sound is None:
            return
        self.play(sound)
        if sound == "reject" and self._repeat_enabled and self._enabled:
            self._repeat.start()  # a new reject restarts the wait

    def acknowledge(self) -> None:
        """Stop a repeating reject sound."""
        self._repeat.stop()

    def play(self, sound: str) -> None:
        """Play one sound by name unless sounds are off; emit `played` when asked to play."""
        effect = self._effects[sound]  # KeyError for an unknown name: a programming error
        if not self._enabled:
            return
        if sound == "reject":
            # Nothing may blur the STOP: cut any blip or chime still sounding.
            for other in self._effects.values():
                other.stop()
        elif sound in ("accept", "complete"):
            self._effects["reject"].stop()
        effect.stop()  # restart from the beginning when asked again
        effect.play()
        self.played.emit(sound)

    def _repeat_reject(self) -> None:
        self.play("reject")

    # ------------------------------------------------------------ audio output
    def _on_status(self, name: str) -> None:
        effect = self._effects[name]
        if effect.status() == QSoundEffect.Status.Error and self._has_output:
            sources = self._sources[name]
            current = effect.source()
            if current in sources and sources.index(current) + 1 < len(sources):
                log.info("sound %s: no usable %s; playing the built-in one", name,
                         current.toLocalFile())
                effect.setSource(sources[sources.index(current) + 1])
                return
        self._report()

    def _on_outputs_changed(self) -> None:
        had = self._has_output
        self._has_output = bool(QMediaDevices.audioOutputs())
        device = QMediaDevices.defaultAudioOutput()
        for name, effect in self._effects.items():
            effect.setAudioDevice(device)
            if self._has_output and effect.status() == QSoundEffect.Status.Error:
                # Loading failed for want of a device: load again for the new one.
                effect.setSource(QUrl())
                effect.setSource(self._sources[name][0])
        if had != self._has_output:
            self._report()

    def _report(self) -> None:
        # One warning per cause, not one per sound or per event.
        problem = self._problem()
        if problem and problem != self._warned:
            log.warning("verdict sounds will not be heard: %s", problem)
        self._warned = problem
        self.audio_changed.emit()
