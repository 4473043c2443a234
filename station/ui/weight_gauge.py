"""Live scale weight against the expected weight and its tolerance band."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from station.ui.widgets import big_label

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

GREEN, RED, AMBER, GREY = "#0b6e1f", "#b00020", "#f2a900", "#5a5a5a"


def band_position(grams: float, low_g: float, high_g: float) -> str:
    """Say where a reading is against the band: `below`, `inside` or `above`."""
    if grams < low_g:
        return "below"
    return "above" if grams > high_g else "inside"


def view_range(low_g: float, high_g: float, grams: float | None) -> tuple[float, float]:
    """Return the grams shown at the bar's ends: the band in the middle third, reading in view."""
    width = max(high_g - low_g, 1.0)
    lo, hi = max(0.0, low_g - width), high_g + width
    if grams is not None:
        lo, hi = min(lo, max(0.0, grams - width * 0.1)), max(hi, grams + width * 0.1)
    return lo, hi


class GaugeBar(QWidget):
    """Paint the band (green), the expected weight (black line) and the reading (needle)."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(56)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.band: tuple[float, float, float] | None = None  # low, expected, high
        self.grams: float | None = None
        self.colour = GREY

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(4, 12, -4, -12)
        p.fillRect(r, QColor("#d9d9d9"))
        if self.band is not None:
            low, expected, high = self.band
            lo, hi = view_range(low, high, self.grams)

            def x(g: float) -> float:
                return r.left() + (g - lo) / (hi - lo) * r.width()

            p.fillRect(QRectF(x(low), r.top(), x(high) - x(low), r.height()), QColor(GREEN))
            p.setPen(QPen(QColor("#000000"), 3))
            p.drawLine(int(x(expected)), int(r.top()), int(x(expected)), int(r.bottom()))
            if self.grams is not None:
                p.setPen(QPen(QColor(self.colour), 7))
                gx = int(min(max(x(self.grams), r.left()), r.right()))
                p.drawLine(gx, 2, gx, self.height() - 2)
        p.end()


class WeightGauge(QFrame):
    """Show the live weight in large type, the expected weight and the band, in words too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.Box)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.expected: dict | None = None
        self.grams: float | None = None
        self.stable = False
        layout = QVBoxLayout(self)
        self.caption = big_label(14, bold=True)
        self.live_label = big_label(34, bold=True)
        self.position_label = big_label(16, bold=True, wrap=True)
        self.bar = GaugeBar()
        self.band_label = big_label(14, wrap=True)
        for widget in (
            self.caption,
            self.live_label,
            self.position_label,
            self.bar,
            self.band_label,
        ):
            layout.addWidget(widget)
        self.set_expected(None)
        self.set_live(None)

    def set_expected(self, event: dict | None) -> None:
        """Show a `weight.requested` band (None: no parcel is awaited)."""
        self.expected = event
        if event is None:
            self.caption.setText(translate("Weight", "Scale"))
            self.band_label.setText("")
            self.bar.band = None
        else:
            self.caption.setText(
                translate("Weight", "Box {n}: expected {grams} g").format(
                    n=event.get("package", 1), grams=f"{event['expected_g']:.0f}"
                )
            )
            self.band_label.setText(
                translate("Weight", "Accepted from {low} g to {high} g").format(
                    low=f"{event['low_g']:.0f}", high=f"{event['high_g']:.0f}"
                )
            )
            self.bar.band = (event["low_g"], event["expected_g"], event["high_g"])
        self._refresh()

    def set_live(self, grams: float | None, stable: bool = False) -> None:
        """Show a scale reading (None: no reading, the scale is away)."""
        self.grams, self.stable = grams, stable
        self._refresh()

    def _refresh(self) -> None:
        grams, event = self.grams, self.expected
        self.bar.grams = grams
        if grams is None:
            self.live_label.setText(translate("Weight", "no reading"))
            self.position_label.setText("")
            self.bar.colour = GREY
        else:
            self.live_label.setText(translate("Weight", "{grams} g").format(grams=f"{grams:.0f}"))
            words = "" if self.stable else translate("Weight", "settling…")
            colour = GREY
            if event is not None:
                where = band_position(grams, event["low_g"], event["high_g"])
                colour = GREEN if where == "inside" else RED
                words = {
                    "inside": translate("Weight", "in range"),
                    "below": translate("Weight", "{grams} g too light").format(
                        grams=f"{event['expected_g'] - grams:.0f}"
                    ),
                    "above": translate("Weight", "{grams} g too heavy").format(
                        grams=f"{grams - event['expected_g']:.0f}"
                    ),
                }[where] + ("" if self.stable else " · " + translate("Weight", "settling…"))
                if not self.stable:
                    colour = AMBER if where == "inside" else colour
            self.position_label.setText(words)
            self.bar.colour = colour
        self.bar.update()
