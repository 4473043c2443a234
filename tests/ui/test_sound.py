"""Verdict sounds: the shipped WAVs, which event plays which, volume, repeat, real playback.

Real playback needs an audio output; `.ci/run` starts PulseAudio with a null sink and sets
`PACKBENCH_REQUIRE_AUDIO=1`, so there the playback tests fail instead of skipping, and what
reached the sink is recorded back from its monitor with `parec`.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import wave
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

from station.app.events import make_event
from station.config import SoundSection, StationConfig
from station.ui.bridge import EventBridge
from station.ui.sound import VerdictSounds

ROOT = Path(__file__).resolve().parents[2]
SOUNDS_DIR = ROOT / "resources" / "sounds"
NAMES = ("accept", "reject", "complete", "attention")
RATE = 44_100
REQUIRE_AUDIO = os.environ.get("PACKBENCH_REQUIRE_AUDIO") == "1"

EXPECTED = {
    "scan.accepted": "accept",
    "scan.rejected": "reject",
    "weight.rejected": "reject",
    "station.error": "reject",
    "order.packed": "complete",
    "weight.requested": "attention",
    "order.exception": "attention",
    "print.waiting": "attention",
}
SILENT = ("order.opened", "weight.accepted", "device.state", "print.printed", "box.selected",
          "station.ready", "override.applied")


def read_pcm(path: Path) -> tuple[tuple, np.ndarray]:
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    return params, samples


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[spectrum.argmax()])


def event(name: str) -> dict:
    return make_event(name, "st-1")


@pytest.fixture
def make(qtbot):
    """Return a factory of VerdictSounds that records what each one played."""
    made: list[VerdictSounds] = []

    def build(**config) -> tuple[VerdictSounds, list[str]]:
        sounds = VerdictSounds(SoundSection(**config))
        heard: list[str] = []
        sounds.played.connect(heard.append)
        made.append(sounds)
        return sounds, heard

    yield build
    for sounds in made:
        sounds.enabled = False  # stops timers and playback before the object goes
        sounds.deleteLater()


# ------------------------------------------------------------ the files
@pytest.mark.parametrize("name", NAMES)
def test_each_sound_is_16_bit_mono_pcm_loud_unclipped_and_fades_in_and_out(name):
    params, samples = read_pcm(SOUNDS_DIR / f"{name}.wav")
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, RATE)
    assert params.comptype == "NONE"
    peak = np.abs(samples).max()
    assert 0.85 * 32767 < peak < 32767  # normalised near full scale, never at the rail
    assert np.sqrt(np.mean(samples**2)) > 0.2 * 32767  # loud enough for a warehouse
    assert abs(samples[0]) < 0.01 * 32767 and abs(samples[-1]) < 0.01 * 32767  # no click


def test_the_sounds_differ_in_length_and_pitch_as_their_meaning_does():
    pcm = {name: read_pcm(SOUNDS_DIR / f"{name}.wav")[1] for name in NAMES}
    seconds = {name: len(s) / RATE for name, s in pcm.items()}
    pitch = {name: dominant_hz(s) for name, s in pcm.items()}
    assert len({round(s, 2) for s in seconds.values()}) == 4
    assert seconds["accept"] <= 0.15  # a blip: heard hundreds of times a shift
    assert 0.5 <= seconds["reject"] <= 0.7
    assert pitch["reject"] < 400 < pitch["attention"] < 1000 < pitch["accept"]
    for a in NAMES:
        for b in NAMES:
            if a < b:
                assert abs(pitch[a] - pitch[b]) > 100, (a, b, pitch)
    # The reject is two buzzes: a quiet gap splits it.
    env = np.abs(pcm["reject"]).reshape(-1, 441).max(axis=1)  # 10 ms frames
    middle = env[len(env) // 3: 2 * len(env) // 3]
    assert middle.min() < 0.05 * 32767 and env[:10].max() > 0.5 * 32767
    # The chime rises: each third of it is higher than the one before.
    chime = pcm["complete"]
    notes = [dominant_hz(chime[round(t * RATE): round((t + 0.15) * RATE)])
             for t in (0.0, 0.15, 0.30)]
    assert notes[0] < notes[1] < notes[2], notes


def test_make_sounds_regenerates_the_committed_files(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sounds"), str(tmp_path)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    for name in NAMES:
        made = read_pcm(tmp_path / f"{name}.wav")
        shipped = read_pcm(SOUNDS_DIR / f"{name}.wav")
        assert made[0] == shipped[0]
        # A different libm may round a sample the other way; nothing more.
        assert np.abs(made[1] - shipped[1]).max() <= 1


# ------------------------------------------------------------ config
def test_config_declares_the_sound_section_with_its_defaults_and_limits():
    sound = StationConfig().sound
    assert (sound.enabled, sound.volume, sound.repeat_reject_s, sound.folder) == (
        True, 80, 0.0, "")
    for bad in ({"volume": 101}, {"volume": -1}, {"repeat_reject_s": -0.5}, {"loud": True}):
        with pytest.raises(ValidationError):
            StationConfig.model_validate({"sound": bad})


# ------------------------------------------------------------ events to sounds
@pytest.mark.parametrize(("name", "sound"), sorted(EXPECTED.items()))
def test_each_verdict_event_plays_its_sound(make, name, sound):
    sounds, heard = make()
    sounds.on_event(event(name))
    assert heard == [sound]


def test_other_events_are_silent(make):
    sounds, heard = make()
    for name in SILENT:
        sounds.on_event(event(name))
    sounds.on_event({"no_event_key": 1})
    assert heard == []


def test_events_posted_from_a_worker_thread_play_on_the_gui_thread(qtbot, make):
    sounds, heard = make()
    bridge = EventBridge()
    bridge.event.connect(sounds.on_event)
    names = ["scan.accepted", "scan.accepted", "weight.requested", "weight.accepted",
             "order.packed"]
    worker = threading.Thread(target=lambda: [bridge.post(event(n)) for n in names])
    worker.start()
    worker.join(5)
    qtbot.waitUntil(lambda: len(heard) == 4, timeout=3000)
    assert heard == ["accept", "accept", "attention", "complete"]


# ------------------------------------------------------------ volume
def test_volume_from_config_and_set_volume_reach_every_sound_effect(make):
    sounds, _ = make(volume=80)
    assert [sounds.effect(n).volume() for n in NAMES] == pytest.approx([0.8] * 4)
    sounds.set_volume(35)
    assert sounds.volume == 35
    assert [sounds.effect(n).volume() for n in NAMES] == pytest.approx([0.35] * 4)
    with pytest.raises(ValueError, match="0 to 100"):
        sounds.set_volume(101)
    assert sounds.effect("reject").volume() == pytest.approx(0.35)


# ------------------------------------------------------------ repeat until acknowledged
def test_reject_repeats_until_acknowledged(qtbot, make):
    sounds, heard = make(repeat_reject_s=0.05)
    sounds.on_event(event("scan.rejected"))
    assert sounds.repeating
    qtbot.waitUntil(lambda: len(heard) >= 3, timeout=2000)
    assert set(heard) == {"reject"}
    sounds.acknowledge()
    assert not sounds.repeating
    count = len(heard)
    qtbot.wait(200)  # four repeat intervals
    assert len(heard) == count


@pytest.mark.parametrize(("reject", "later"), [
    ("scan.rejected", "scan.accepted"),
    ("weight.rejected", "weight.accepted"),
    ("station.error", "order.packed"),
    ("scan.rejected", "scan.info"),
])
def test_a_later_accepting_event_stops_the_repeat(qtbot, make, reject, later):
    sounds, heard = make(repeat_reject_s=0.05)
    sounds.on_event(event(reject))
    qtbot.waitUntil(lambda: len(heard) >= 3, timeout=2000)
    sounds.on_event(event(later))
    assert not sounds.repeating
    count = heard.count("reject")
    qtbot.wait(200)
    assert heard.count("reject") == count


def test_background_events_do_not_stop_the_repeat_and_a_new_reject_restarts_it(qtbot, make):
    sounds, heard = make(repeat_reject_s=0.05)
    sounds.on_event(event("weight.rejected"))
    for name in ("device.state", "print.printed", "print.waiting"):
        sounds.on_event(event(name))
    assert sounds.repeating
    qtbot.waitUntil(lambda: heard.count("reject") >= 3, timeout=2000)
    assert "attention" in heard
    sounds.on_event(event("scan.rejected"))
    assert sounds.repeating


def test_without_repeat_a_reject_plays_once(make):
    sounds, heard = make(repeat_reject_s=0)
    sounds.on_event(event("scan.rejected"))
    assert heard == ["reject"]
    assert not sounds.repeating


def test_disabled_plays_nothing_and_disabling_stops_a_repeat(qtbot, make):
    sounds, heard = make(enabled=False, repeat_reject_s=0.05)
    for name in EXPECTED:
        sounds.on_event(event(name))
    assert heard == [] and not sounds.repeating
    assert sounds.audio_status == "Sound: off"

    sounds, heard = make(repeat_reject_s=0.05)
    sounds.on_event(event("scan.rejected"))
    sounds.enabled = False
    assert not sounds.repeating
    qtbot.wait(150)
    assert heard == ["reject"]


# ------------------------------------------------------------ audio output
def audio_output_or_skip() -> None:
    if QMediaDevices.audioOutputs():
        return
    if REQUIRE_AUDIO:
        pytest.fail("PACKBENCH_REQUIRE_AUDIO=1 but there is no audio output (PULSE_SERVER?)")
    pytest.skip("no audio output on this machine")


def settled(sounds: VerdictSounds) -> bool:
    return all(sounds.effect(n).status() in (QSoundEffect.Status.Ready, QSoundEffect.Status.Error)
               for n in NAMES)


def test_status_says_whether_sounds_are_heard_and_warns_once(qtbot, make, caplog):
    caplog.set_level(logging.WARNING, logger="station.ui.sound")
    sounds, heard = make()
    qtbot.waitUntil(lambda: settled(sounds), timeout=3000)
    for name in EXPECTED:
        sounds.on_event(event(name))
    assert len(heard) == len(EXPECTED)  # the screen hears of every verdict either way
    warnings = [r for r in caplog.records if r.name == "station.ui.sound"]
    if QMediaDevices.audioOutputs():
        assert sounds.audio_available
        assert sounds.audio_status == "Sound: on"
        assert warnings == []
    else:
        assert not sounds.audio_available
        assert sounds.audio_status == "Sound: no audio output"
        assert [r.getMessage() for r in warnings] == [
            "verdict sounds will not be heard: no audio output"]


def test_an_override_folder_replaces_only_the_sounds_it_has(qtbot, make, tmp_path):
    audio_output_or_skip()
    shutil.copy(SOUNDS_DIR / "complete.wav", tmp_path / "accept.wav")
    sounds, _ = make(folder=str(tmp_path))
    qtbot.waitUntil(lambda: settled(sounds) and sounds.source("reject").parent == SOUNDS_DIR,
                    timeout=3000)
    assert sounds.source("accept") == tmp_path / "accept.wav"
    assert all(sounds.effect(n).status() == QSoundEffect.Status.Ready for n in NAMES)
    assert sounds.audio_available


class Recorder:
    """Record the default sink's monitor with parec, as the listener next to a speaker."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", "@DEFAULT_MONITOR@", "--raw", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=10"],
            stdout=subprocess.PIPE)
        self.data = bytearray()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while chunk := self.proc.stdout.read1(4096):
            with self._lock:
                self.data.extend(chunk)

    def samples(self) -> np.ndarray:
        with self._lock:
            raw = bytes(self.data[: len(self.data) // 2 * 2])
        return np.frombuffer(raw, dtype="<i2").astype(np.float64)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        self._thread.join(5)
        self.proc.stdout.close()


def loud_span(samples: np.ndarray) -> tuple[int, int]:
    """Return the first and last sample above a tenth of the peak (or of a quiet floor)."""
    loud = np.flatnonzero(np.abs(samples) > max(300.0, 0.1 * np.abs(samples).max(initial=0)))
    return (int(loud[0]), int(loud[-1])) if len(loud) else (0, 0)


@pytest.mark.parametrize(("name", "trigger"), [
    ("accept", "scan.accepted"), ("reject", "scan.rejected"),
    ("complete", "order.packed"), ("attention", "print.waiting"),
])
def test_each_sound_really_plays_and_reaches_the_output(qtbot, make, name, trigger):
    audio_output_or_skip()
    if shutil.which("parec") is None:
        if REQUIRE_AUDIO:
            pytest.fail("PACKBENCH_REQUIRE_AUDIO=1 but parec (pulseaudio-utils) is missing")
        pytest.skip("parec (pulseaudio-utils) is not installed")
    sounds, heard = make(volume=80)
    effect = sounds.effect(name)
    qtbot.waitUntil(lambda: effect.status() == QSoundEffect.Status.Ready, timeout=3000)
    _, wav = read_pcm(SOUNDS_DIR / f"{name}.wav")
    wav_start, wav_end = loud_span(wav)
    recorder = Recorder()
    try:
        # The null sink first finishes the block it is rendering (up to 2 s), and a sound an
        # earlier test played may still be sounding: start from 0.2 s of silence.
        def quiet() -> bool:
            got = recorder.samples()
            return len(got) > RATE // 5 and np.abs(got[-(RATE // 5):]).max() < 300

        qtbot.waitUntil(quiet, timeout=5000)
        mark = len(recorder.samples())
        sounds.on_event(event(trigger))
        assert heard == [name]
        qtbot.waitUntil(effect.isPlaying, timeout=2000)

        def heard_whole_sound() -> bool:
            got = recorder.samples()[mark:]
            start, end = loud_span(got)
            # The whole sound, then 50 ms of silence after it.
            return end - start >= (wav_end - wav_start) - RATE // 25 and len(got) - end > RATE // 20

        qtbot.waitUntil(heard_whole_sound, timeout=3000)
    finally:
        recorder.stop()
    got = recorder.samples()[mark:]
    start, end = loud_span(got)
    played = got[start:end + 1]
    assert dominant_hz(played) == pytest.approx(dominant_hz(wav), rel=0.03)
    # Volume 80 % scales the samples linearly on the way out.
    assert np.abs(played).max() == pytest.approx(0.8 * np.abs(wav).max(), rel=0.05)
