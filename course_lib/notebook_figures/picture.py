"""``Picture``: a figure and its text alternative, shown together wherever it is shown.

Also what every figure module shares: a title as one sentence (``as_sentence``, how each
alt starts) and PNG images stacked into one (``stacked_png``).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cached_property

from matplotlib.figure import Figure
from PIL import Image

from course_lib import figures

PALETTE = 256  # colours of a stored PNG: the figures look the same at a third of the bytes


@dataclass(frozen=True, eq=False)
class Picture:
    """A figure and its text alternative, shown with the alt wherever it is shown.

    figure : the matplotlib figure (None for a picture composed from images); alt : what
    the figure shows, in words, starting with its title; png : the image (drawn from
    ``figure`` when not given).
    """

    alt: str
    figure: Figure | None = None
    image: bytes | None = None

    @cached_property
    def png(self) -> bytes:
        if self.image is not None:
            return self.image
        return figures.png_bytes(self.figure, colors=PALETTE)

    @property
    def title(self) -> str:
        """The figure's title (its suptitle, else its first axes' title)."""
        if self.figure is None:
            return self.alt.split(". ")[0]
        suptitle = self.figure.get_suptitle() if hasattr(self.figure, "get_suptitle") else ""
        return suptitle or self.figure.axes[0].get_title()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": figures.img_html(self.png, self.alt),
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": self.alt,
        }

    def __repr__(self) -> str:
        return self.alt


def as_sentence(title: str) -> str:
    """A title as one sentence: line breaks become spaces, and it ends with a full stop."""
    text = " ".join(title.split())
    return text if text.endswith((".", ":")) else text + "."


def stacked_png(pngs: list) -> bytes:
    """PNG images one above the other on white, left-aligned, as one palette PNG."""
    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in pngs]
    width = max(i.width for i in images)
    sheet = Image.new("RGB", (width, sum(i.height for i in images)), "white")
    top = 0
    for image in images:
        sheet.paste(image, (0, top))
        top += image.height
    out = io.BytesIO()
    sheet.quantize(colors=PALETTE, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()
