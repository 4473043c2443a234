"""Table model of the open order's lines: SKU, title, scanned of required, lot/serial."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

HEADERS = ("SKU", "Item", "Scanned", "Lot / serial")
_Index = QModelIndex | QPersistentModelIndex


@dataclass
class Line:
    """One order line as shown on the packing screen."""

    line_id: str
    sku: str
    qty: int
    packed: int = 0
    title: str = ""
    captured: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Return whether every unit of the line is scanned."""
        return self.packed >= self.qty


class LinesModel(QAbstractTableModel):
    """Hold the lines of the open order; fed from `order.opened`, `station.ready`, scans."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lines: list[Line] = []

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.sku, line.title, f"{line.packed} / {line.qty}",
                    ", ".join(line.captured))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "complete" if line.complete else f"{line.qty - line.packed} to scan"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    # ------------------------------------------------------------ feeding
    @property
    def lines(self) -> list[Line]:
        """Return the lines shown (do not change them in place)."""
        return list(self._lines)

    def set_lines(self, lines: list[dict[str, Any]]) -> None:
        """Show a new order's lines (`line_id`, `sku`, `qty`, optional `packed`, `title`)."""
        self.beginResetModel()
        self._lines = [
            Line(str(ln["line_id"]), str(ln.get("sku", "")), int(ln.get("qty", 0)),
                 int(ln.get("packed", 0)), str(ln.get("title", "")))
            for ln in lines
        ]
        self.endResetModel()

    def clear(self) -> None:
        """Show no order."""
        self.set_lines([])

    def update_line(self, line_id: str, packed: int | None = None, qty: int | None = None,
                    captured: str | None = None) -> bool:
        """Update one line's count or add a captured lot/serial; return whether it exists."""
        for row, line in enumerate(self._lines):
            if line.line_id == line_id:
                if packed is not None:
                    line.packed = int(packed)
                if qty is not None:
                    line.qty = int(qty)
                if captured:
                    line.captured.append(captured)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
                return True
        return False

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
