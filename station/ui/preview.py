"""Show the latest shipping label and insert side by side, drawn from the bytes sent to print.

`PrintPreview` shows what it is given (`show_prints`) and, with a `PreviewLoader`, fetches
it itself: `request(order_pk)` (None: the whole station) returns at once; the loader reads
the print jobs (`station.app.printed`) and renders their payloads
(`station.printing.preview`) on its own worker thread, converts them to `QImage`s there and
hands them back through a Qt signal, so the slot runs on the GUI thread. Only the answer to
the newest request is shown; older ones still in flight are dropped.

Nothing here takes focus: the packing screen's scanner input is never disturbed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image
from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from station.app.printed import PrintRecord, latest_by_kind, latest_prints
from station.printing.preview import PreviewError, render_escpos_preview, render_zpl_preview
from station.ui.widgets import big_label

log = logging.getLogger(__name__)

# Background, text: colour and words together say the state.
STATUS_COLOURS = {
    "printed": ("#0b6e1f", "#ffffff"),
    "waiting": ("#f2a900", "#000000"),
    "error": ("#b00020", "#ffffff"),
    "none": ("#5a5a5a", "#ffffff"),
}


@dataclass(frozen=True, slots=True)
class RenderedPrint:
    """A print job and its preview; `image` is None when the payload cannot be drawn."""

    record: PrintRecord
    image: QImage | None
    error: str = ""


def pil_to_qimage(image: Image.Image) -> QImage:
    """Return `image` as a grayscale QImage that owns its pixels."""
    gray = image.convert("L")
    data = gray.tobytes()
    wrapped = QImage(data, gray.width, gray.height, gray.width, QImage.Format.Format_Grayscale8)
    # The wrapper only points into `data`; the copy owns its pixels, so `data` may go.
    return wrapped.copy()


def render_record(record: PrintRecord, *, label_dpi: int, paper_width_dots: int) -> Image.Image:
    """Return the preview of one job's payload; raise PreviewError if it cannot be drawn."""
    if record.device == "label_printer":
        return render_zpl_preview(record.payload, label_dpi)
    return render_escpos_preview(record.payload, paper_width_dots)


def load_prints(sessions: sessionmaker[Session], station_id: str, order_pk: int | None, *,
                label_dpi: int, paper_width_dots: int) -> list[RenderedPrint]:
    """Read the newest label and insert and render them (call off the GUI thread)."""
    out = []
    for record in latest_prints(sessions, station_id, order_pk, limit=1):
        try:
            image = render_record(record, label_dpi=label_dpi,
                                  paper_width_dots=paper_width_dots)
        except PreviewError as exc:
            out.append(RenderedPrint(record, None, str(exc)))
        else:
            out.append(RenderedPrint(record, pil_to_qimage(image)))
    return out


class PreviewLoader(QObject):
    """Fetch and render previews on one worker thread; `loaded` delivers them.

    `loaded(generation, prints)` and `failed(generation, message)` are emitted from the
    worker thread; connected slots of GUI objects run on the GUI thread (queued).
    """

    loaded = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, sessions: sessionmaker[Session], station_id: str, *,
                 label_dpi: int = 203, paper_width_dots: int = 576) -> None:
        # No parent: the worker keeps this object alive until its last answer is sent.
        super().__init__()
        self.sessions = sessions
        self.station_id = station_id
        self.label_dpi = label_dpi
        self.paper_width_dots = paper_width_dots
        self._lock = threading.Lock()
        self._generation = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview")

    @property
    def generation(self) -> int:
        """Return the number of the newest request."""
        with self._lock:
            return self._generation

    def request(self, order_pk: int | None = None) -> int:
        """Start fetching the prints of `order_pk` (None: the station); return its number."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._executor.submit(self._load, generation, order_pk)
        return generation

    def shutdown(self, wait: bool = True) -> None:
        """Drop requests not started yet; with `wait`, let the running one finish."""
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def _load(self, generation: int, order_pk: int | None) -> None:
        if generation != self.generation:
            return  # a newer request is queued behind this one
        try:
            prints = load_prints(self.sessions, self.station_id, order_pk,
                                 label_dpi=self.label_dpi,
                                 paper_width_dots=self.paper_width_dots)
        except Exception as exc:  # the worker must outlive a lost database connection
            log.exception("print preview: reading the print jobs failed")
            self.failed.emit(generation, str(exc) or type(exc).__name__)
            return
        self.loaded.emit(generation, prints)


class ImageView(QWidget):
    """Draw one image scaled to fit, centred, on white; or a message when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.message = ""
        self._scaled: QPixmap | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 200)
        font = QFont()
        font.setPointSize(14)
        self.setFont(font)

    def set_image(self, image: QImage | None, message: str = "") -> None:
        """Show `image`, or `message` in its place."""
        self.image, self.message, self._scaled = image, message, None
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 480)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.image is None or self.image.isNull():
            painter.setPen(QColor("#000000"))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.message)
            return
        if self._scaled is None or not _fits(self._scaled.size(), self.size()):
            self._scaled = QPixmap.fromImage(self.image.scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        x = (self.width() - self._scaled.width()) // 2
        y = (self.height() - self._scaled.height()) // 2
        painter.drawPixmap(QRect(x, y, self._scaled.width(), self._scaled.height()),
                           self._scaled)


def _fits(scaled: QSize, box: QSize) -> bool:
    """True when a pixmap scaled for an earlier size still fills `box` as it should."""
    return scaled.width() <= box.width() and scaled.height() <= box.height() and (
        scaled.width() == box.width() or scaled.height() == box.height())


class PrintPanel(QFrame):
    """One job's preview with what it is, for which order and parcel, and its state."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.state = "none"
        self.record: PrintRecord | None = None
        self.shown: RenderedPrint | None = None
        self.printer_state = ("", "")
        self.setFrameShape(QFrame.Shape.Box)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = big_label(16, bold=True, wrap=True)
        self.view = ImageView()
        self.details = big_label(14, wrap=True)
        self.status = big_label(14, bold=True, wrap=True)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.view, self.details, self.status):
            layout.addWidget(widget)
        layout.setStretchFactor(self.view, 1)
        self.clear()

    def _kind_name(self) -> str:
        return self.tr("Shipping label") if self.kind == "label" else self.tr("Insert")

    def clear(self, message: str = "") -> None:
        """Show that there is no job of this kind (or why none could be read)."""
        self.record = self.shown = None
        self.title.setText(self._kind_name())
        self.view.set_image(None, message or self.tr("Nothing printed yet"))
        self.details.setText("")
        self._set_status("error" if message else "none",
                         self.tr("Cannot read the print jobs") if message
                         else self.tr("No print job"))

    def show_print(self, shown: RenderedPrint) -> None:
        """Show one rendered job."""
        record = shown.record
        self.record, self.shown = record, shown
        title = self._kind_name()
        self.title.setText(self.tr("{kind} (reprint)").format(kind=title) if record.reprint
                           else title)
        lines = [self.tr("Order {number}").format(number=record.order_number or "-")]
        if record.tracking_number:
            lines.append(self.tr("Tracking {number}").format(number=record.tracking_number))
        self.details.setText("\n".join(lines))
        if shown.image is None:
            self.view.set_image(None, self.tr("Cannot show the preview: {error}").format(
                error=shown.error))
        else:
            self.view.set_image(shown.image)
        if record.printed:
            when = record.printed_at.astimezone().strftime("%H:%M") if record.printed_at \
                else "-"
            self._set_status("printed", self.tr("printed {time}").format(time=when))
        else:
            self._set_status("waiting", self.tr("waiting: {reason}").format(
                reason=self._reason(record)))
        if shown.image is None:
            self.status.setText(self.status.text() + "\n" + self.tr("preview not available"))
            self._paint("error")

    def _reason(self, record: PrintRecord) -> str:
        if record.status == "held":
            return record.last_error or self.tr("the printer holds it until its fault is"
                                                " cleared")
        if self.printer_state[0] not in ("", "connected"):
            # A queued job waits for its printer: what the printer says is the reason.
            return self.printer_state[1] or self.printer_state[0].replace("_", " ")
        return record.last_error or self.tr("in the print queue")

    def set_printer_state(self, state: str, detail: str = "") -> None:
        """Take the printer's `device.state` (state, detail): why a queued job waits."""
        self.printer_state = (state, detail)
        if self.shown is not None:
            self.show_print(self.shown)

    def _set_status(self, state: str, text: str) -> None:
        self.status.setText(text)
        self._paint(state)

    def _paint(self, state: str) -> None:
        self.state = state
        bg, fg = STATUS_COLOURS[state]
        self.status.setStyleSheet(f"background-color: {bg}; color: {fg}; padding: 6px;")


class PrintPreview(QWidget):
    """Show the newest shipping label and insert side by side, each scaled to fit."""

    def __init__(self, loader: PreviewLoader | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.loader = loader
        self.label_panel = PrintPanel("label")
        self.insert_panel = PrintPanel("insert")
        layout = QHBoxLayout(self)
        layout.addWidget(self.label_panel, 1)
        layout.addWidget(self.insert_panel, 1)
        self.loader = None
        if loader is not None:
            self.set_loader(loader)

    def set_loader(self, loader: PreviewLoader) -> None:
        """Take the loader once the station's database is open."""
        self.loader = loader
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)

    @property
    def ready(self) -> bool:
        """Tell whether previews can be fetched (the station's database is open)."""
        return self.loader is not None

    def request(self, order_pk: int | None = None) -> None:
        """Fetch and render the newest prints of `order_pk` (None: the station) off-thread."""
        if self.loader is None:
            raise RuntimeError("PrintPreview.request needs a PreviewLoader")
        self.loader.request(order_pk)

    def show_prints(self, prints: Sequence[RenderedPrint]) -> None:
        """Show the newest label and insert among `prints`; a kind with none is cleared."""
        newest = latest_by_kind([p.record for p in prints])
        by_id = {p.record.job_id: p for p in prints}
        for kind, panel in (("label", self.label_panel), ("insert", self.insert_panel)):
            record = newest.get(kind)
            if record is None:
                panel.clear()
            else:
                panel.show_print(by_id[record.job_id])

    def set_device_state(self, device: str, state: str, detail: str = "") -> None:
        """Follow a printer's `device.state` event, so a waiting job says what it waits for."""
        panel = {"label_printer": self.label_panel,
                 "receipt_printer": self.insert_panel}.get(device)
        if panel is not None:
            panel.set_printer_state(state, detail)

    def shutdown(self) -> None:
        """Stop the loader's worker (waits for a render in progress)."""
        if self.loader is not None:
            self.loader.shutdown()

    def _on_loaded(self, generation: int, prints: list[RenderedPrint]) -> None:
        if self.loader is not None and generation == self.loader.generation:
            self.show_prints(prints)

    def _on_failed(self, generation: int, message: str) -> None:
        if self.loader is not None and generation == self.loader.generation:
            for panel in (self.label_panel, self.insert_panel):
                panel.clear(message)
