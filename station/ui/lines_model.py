"""Table model of the open order's lines: picture, SKU, title, scanned of required, lot/serial."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from station.ui.images import ImageCache

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

COLUMNS = 4
_Index = QModelIndex | QPersistentModelIndex
# Row backgrounds: the line the last scan touched (green or red), finished lines grey.
_LAST_OK, _LAST_BAD, _DONE = QColor("#c8f0cf"), QColor("#ffd0d6"), QColor("#e6e6e6")


def headers() -> tuple[str, ...]:
    """Return the column titles in the screen's language."""
    return (
        translate("Lines", "SKU"),
        translate("Lines", "Item"),
        translate("Lines", "Scanned"),
        translate("Lines", "Lot / serial"),
    )


@dataclass
class Line:
    """One order line as shown on the packing screen."""

    line_id: str
    sku: str
    qty: int
    packed: int = 0
    title: str = ""
    captured: list[str] = field(default_factory=list)
    image_url: str = ""

    @property
    def complete(self) -> bool:
        """Return whether every unit of the line is scanned."""
        return self.packed >= self.qty


class LinesModel(QAbstractTableModel):
    """Hold the lines of the open order; fed from `order.opened`, `station.ready`, scans."""

    def __init__(self, parent=None, images: ImageCache | None = None) -> None:
        super().__init__(parent)
        self._lines: list[Line] = []
        self.images = images
        self.last: tuple[str, bool] | None = None  # line id of the last scan, accepted?
        if images is not None:
            images.loaded.connect(self._picture_loaded)

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.sku, line.title, f"{line.packed} / {line.qty}", ", ".join(line.captured))[
                col
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and self.images is not None:
            return self.images.pixmap(line.sku, line.image_url)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.last is not None and self.last[0] == line.line_id:
                return _LAST_OK if self.last[1] else _LAST_BAD
            return _DONE if line.complete else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if line.complete:
                return translate("Lines", "complete")
            return translate("Lines", "{n} to scan").format(n=line.qty - line.packed)
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < COLUMNS
        ):
            return headers()[section]
        return None

    # ------------------------------------------------------------ feeding
    @property
    def lines(self) -> list[Line]:
        """Return the lines shown (do not change them in place)."""
        return list(self._lines)

    def set_lines(self, lines: list[dict[str, Any]]) -> None:
        """Show a new order's lines (`line_id`, `sku`, `qty`, optional `packed`, `title`)."""
        self.beginResetModel()
        self.last = None
        self._lines = [
            Line(
                str(ln["line_id"]),
                str(ln.get("sku", "")),
                int(ln.get("qty", 0)),
                int(ln.get("packed", 0)),
                str(ln.get("title", "")),
                image_url=str(ln.get("image_url", "")),
            )
            for ln in lines
        ]
        self.endResetModel()

    def clear(self) -> None:
        """Show no order."""
        self.set_lines([])

    def update_line(
        self,
        line_id: str,
        packed: int | None = None,
        qty: int | None = None,
        captured: str | None = None,
    ) -> bool:
        """Update one line's count or add a captured lot/serial; return whether it exists."""
        for row, line in enumerate(self._lines):
            if line.line_id == line_id:
                if packed is not None:
                    line.packed = int(packed)
                if qty is not None:
                    line.qty = int(qty)
                if captured:
                    line.captured.append(captured)
                self._row_changed(row)
                return True
        return False

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMNS - 1))

    def _mark_last(self, line_id: str | None, ok: bool) -> None:
        before, self.last = self.last, (line_id, ok) if line_id else None
        for row, line in enumerate(self._lines):
            if line.line_id in {x[0] for x in (before, self.last) if x}:
                self._row_changed(row)

    def _picture_loaded(self, url: str) -> None:
        for row, line in enumerate(self._lines):
            if line.image_url == url:
                self._row_changed(row)

    def apply_event(self, event: dict[str, Any]) -> None:
        """Follow one station event (events that do not concern lines are ignored)."""
        name = event.get("event")
        if name == "order.opened" or (name == "station.ready" and "lines" in event):
            self.set_lines(event.get("lines") or [])
        elif name == "station.ready" or name in ("order.packed", "order.exception"):
            self.clear()
        elif name == "scan.accepted" and event.get("line_id"):
            kind = event.get("kind")
            captured = event.get("code") if kind in ("lot", "serial") else None
            self.update_line(event["line_id"], event.get("packed"), event.get("qty"), captured)
            self._mark_last(event["line_id"], True)
        elif name == "scan.rejected":
            self._mark_last(event.get("line_id"), False)
