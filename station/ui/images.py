"""Product pictures for the order lines: loaded off the GUI thread, a placeholder meanwhile.

A product's `image_url` may be a local path, a `file://` URL or an `http(s)://` URL. Files
and downloads are read on a worker thread (downloads time out after 3 s and may be at most
5 MB); the GUI thread only turns the finished `QImage` into a pixmap. A product without a
picture, or whose picture cannot be read, shows its SKU's initials on a grey tile.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap

log = logging.getLogger(__name__)

SIZE = 64
MAX_BYTES = 5 * 1024 * 1024


def read_image(url: str, size: int = SIZE) -> QImage | None:
    """Read and scale a product picture (runs on a worker thread); None if it cannot."""
    try:
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https"):
            import httpx

            with httpx.stream("GET", url, timeout=3.0, follow_redirects=True) as reply:
                reply.raise_for_status()
                data = b""
                for chunk in reply.iter_bytes():
                    data += chunk
                    if len(data) > MAX_BYTES:
                        raise ValueError("picture larger than 5 MB")
            image = QImage.fromData(data)
        else:
            path = Path(unquote(parsed.path) if parsed.scheme == "file" else url)
            if path.stat().st_size > MAX_BYTES:
                raise ValueError("picture larger than 5 MB")
            image = QImage(str(path))
    except Exception as exc:  # any unreadable picture falls back to the placeholder
        log.info("product picture %s not shown: %s", url, exc)
        return None
    if image.isNull():
        log.info("product picture %s is not an image", url)
        return None
    return image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


class _Load(QRunnable):
    def __init__(self, cache: ImageCache, url: str) -> None:
        super().__init__()
        self.cache, self.url = cache, url

    def run(self) -> None:
        self.cache._done.emit(self.url, read_image(self.url))


class ImageCache(QObject):
    """Load each picture once; emit `loaded(url)` on the GUI thread when one is ready."""

    loaded = Signal(str)
    _done = Signal(str, object)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._pixmaps: dict[str, QPixmap | None] = {}
        self._placeholders: dict[str, QPixmap] = {}
        self._done.connect(self._store)

    def pixmap(self, sku: str, url: str) -> QPixmap:
        """Return the picture if loaded, else start loading it and return the placeholder."""
        if url:
            if url not in self._pixmaps:
                self._pixmaps[url] = None
                self.pool.start(_Load(self, url))
            found = self._pixmaps[url]
            if found is not None:
                return found
        return self.placeholder(sku)

    def has_picture(self, url: str) -> bool:
        """Tell whether the picture at `url` is loaded."""
        return self._pixmaps.get(url) is not None

    def placeholder(self, sku: str) -> QPixmap:
        """Return a grey tile with the SKU's first letters."""
        if sku not in self._placeholders:
            tile = QPixmap(SIZE, SIZE)
            tile.fill(QColor("#cfcfcf"))
            painter = QPainter(tile)
            font = QFont()
            font.setPointSize(14)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#333333"))
            initials = "".join(ch for ch in sku if ch.isalnum())[:3].upper() or "?"
            painter.drawText(tile.rect(), Qt.AlignmentFlag.AlignCenter, initials)
            painter.end()
            self._placeholders[sku] = tile
        return self._placeholders[sku]

    def _store(self, url: str, image: QImage | None) -> None:
        if image is not None:
            self._pixmaps[url] = QPixmap.fromImage(image)
            self.loaded.emit(url)

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for the loads in progress (for tests and shutdown)."""
        return self.pool.waitForDone(msecs)
