"""Table model of the open order's boxes: type, items, status, weight and label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

_Index = QModelIndex | QPersistentModelIndex
_BOX_EVENTS = frozenset(
    {
        "box.opened",
        "box.selected",
        "box.reopened",
        "weight.requested",
        "weight.accepted",
        "weight.rejected",
        "override.applied",
        "label.created",
        "label.confirmed",
    }
)


def status_words(status: str) -> str:
    """Return a box status in words."""
    words = {
        "open": translate("Boxes", "packing"),
        "weighing": translate("Boxes", "on the scale"),
        "accepted": translate("Boxes", "weight OK"),
        "rejected": translate("Boxes", "weight wrong"),
        "overridden": translate("Boxes", "overridden"),
    }
    return words.get(status, status)


@dataclass
class Box:
    """One box (package) of the open order."""

    index: int
    box_type: str = ""
    units: int = 0
    status: str = "open"
    weight_g: float | None = None
    tracking: str = ""
    label_ok: bool = False


class BoxesModel(QAbstractTableModel):
    """Hold the boxes of the open order, following the station's events."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._boxes: list[Box] = []
        self._packed: dict[str, int] = {}

    def _headers(self) -> tuple[str, ...]:
        return (
            translate("Boxes", "Box"),
            translate("Boxes", "Type"),
            translate("Boxes", "Items"),
            translate("Boxes", "Status"),
            translate("Boxes", "Label"),
        )

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._boxes)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._boxes):
            return None
        box = self._boxes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            status = status_words(box.status)
            if box.weight_g is not None:
                status = translate("Boxes", "{status} ({grams} g)").format(
                    status=status, grams=f"{box.weight_g:.0f}")
            label = box.tracking + (" ✓" if box.label_ok else "")
            return (str(box.index), box.box_type or "-", str(box.units), status, label)[
                index.column()
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 2):
            return int(Qt.AlignmentFlag.AlignCenter)
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
            and 0 <= section < 5
        ):
            return self._headers()[section]
        return None

    # ------------------------------------------------------------ feeding
    @property
    def boxes(self) -> list[Box]:
        """Return the boxes shown (do not change them in place)."""
        return list(self._boxes)

    def _reset(self, boxes: list[Box], packed: dict[str, int]) -> None:
        self.beginResetModel()
        self._boxes, self._packed = boxes, packed
        self.endResetModel()

    def _box(self, index: int) -> Box:
        for box in self._boxes:
            if box.index == index:
                return box
        row = len(self._boxes)
        self.beginInsertRows(QModelIndex(), row, row)
        box = Box(index)
        self._boxes.append(box)
        self.endInsertRows()
        return box

    def _changed(self, box: Box) -> None:
        row = self._boxes.index(box)
        self.dataChanged.emit(self.index(row, 0), self.index(row, 4))

    def apply_event(self, event: dict[str, Any]) -> None:
        """Follow one station event (others are ignored)."""
        name = event.get("event")
        if name == "order.opened":
            self._reset([Box(1)], {ln["line_id"]: 0 for ln in event.get("lines") or ()})
        elif name == "station.ready":
            boxes = [
                Box(p["index"], units=p.get("units", 0), status=p.get("status", "open"))
                for p in event.get("packages") or ()
            ]
            self._reset(
                boxes, {ln["line_id"]: ln.get("packed", 0) for ln in event.get("lines") or ()}
            )
        elif name in ("order.packed", "order.exception"):
            self._reset([], {})
        elif name == "scan.accepted" and event.get("line_id") and self._boxes:
            line, packed = event["line_id"], event.get("packed")
            if packed is not None and packed > self._packed.get(line, 0):
                open_boxes = [b for b in self._boxes if b.status == "open"] or self._boxes
                box = open_boxes[-1]
                box.units += packed - self._packed.get(line, 0)
                self._changed(box)
            if packed is not None:
                self._packed[line] = packed
        else:
            self._apply_box_event(name or "", event)

    def _apply_box_event(self, name: str, e: dict[str, Any]) -> None:
        if (
            name not in _BOX_EVENTS
            or "package" not in e
            or (not self._boxes and name != "box.opened")
        ):
            return
        box = self._box(int(e["package"]))
        if name == "box.selected":
            box.box_type = str(e.get("box", ""))
        elif name == "weight.requested":
            box.status, box.weight_g = "weighing", None
        elif name in ("weight.accepted", "weight.rejected", "override.applied"):
            box.status = {
                "weight.accepted": "accepted",
                "weight.rejected": "rejected",
                "override.applied": "overridden",
            }[name]
            box.weight_g = e.get("weight_g")
        elif name == "box.reopened":
            box.status, box.weight_g = "open", None
        elif name == "label.created":
            box.tracking, box.label_ok = str(e.get("tracking_number", "")), False
        elif name == "label.confirmed":
            box.label_ok = True
        self._changed(box)
