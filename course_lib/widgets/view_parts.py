"""What the views of ``views`` and ``views_controls`` are built from: the ``Frame`` a refresh
computes every view's content from, and the two helpers every builder uses (``classed``,
``full_width``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import ipywidgets as widgets

from course_lib.stepper import Stepper


class Frame(NamedTuple):
    """What one refresh shows: the views' contents are computed from this alone."""

    stepper: Stepper
    message: str  # for the error area, "" for none
    graphs: dict  # stage index -> the graph's <img> HTML
    expansion: Callable[[int], str]  # stage index -> its entry's expansion HTML (cached)
    moved: bool  # a stage or configuration not on screen before: the guesses are cleared


def full_width() -> widgets.Layout:
    """A layout as wide as its container."""
    return widgets.Layout(width="100%")


def classed(widget, *classes):
    """``widget`` with the CSS ``classes`` added (the DOM contract's names), for a builder to
    return."""
    for name in classes:
        widget.add_class(name)
    return widget
