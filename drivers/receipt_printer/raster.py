"""ESC/POS raster bit images (`GS v 0`): pure conversion between wire bytes and 1-bit images.

Command, byte by byte::

    GS  v   0   m   xL xH  yL yH  d1 ... dk
    1D  76  30  m   width in BYTES  height in DOTS  k = (xL + 256 xH) * (yL + 256 yH)

- m: 0/48 normal, 1/49 double width, 2/50 double height, 3/51 quadruple (dots are repeated
  by the printer; the data is the same).
- Data rows run top to bottom; each row is `width_bytes` bytes, most significant bit first
  (leftmost dot); bit 1 prints a black dot. A row is padded with 0 bits to a whole byte, so
  the decoded image is `8 * width_bytes` dots wide.

The decoded image is PIL mode "1" with black 0 and white 255, as a scanner would see paper.
"""

from __future__ import annotations

from PIL import Image, ImageChops

__all__ = ["decode_raster", "encode_raster", "with_quiet_zone"]


def decode_raster(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """Return the 1-bit image (black dots 0) that `GS v 0` raster `data` prints."""
    if len(data) != width_bytes * height:
        raise ValueError(f"raster of {width_bytes}x{height} bytes needs {width_bytes * height}"
                         f" data bytes, got {len(data)}")
    dots = Image.frombytes("1", (width_bytes * 8, height), data)  # bit 1 -> 255
    return ImageChops.invert(dots)  # a printed dot is black


def encode_raster(image: Image.Image) -> tuple[int, int, bytes]:
    """Return (width_bytes, height, data) that print `image` (dark pixels become dots)."""
    # Threshold, no dithering: dark -> 255 -> bit 1; tobytes() pads rows with 0 bits.
    dots = image.convert("L").point(lambda v: 255 if v < 128 else 0, mode="1")
    return (dots.width + 7) // 8, dots.height, dots.tobytes()


def with_quiet_zone(image: Image.Image, margin: int = 16) -> Image.Image:
    """Return `image` on a white margin of `margin` dots, as paper around a printed code."""
    framed = Image.new("1", (image.width + 2 * margin, image.height + 2 * margin), 255)
    framed.paste(image.convert("1"), (margin, margin))
    return framed
