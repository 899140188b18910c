"""What every view is built from: the ``Frame`` a refresh computes its contents from, and
the small helpers the views share (classes, layouts, per-stage widgets, bounded values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import ipywidgets as widgets

from course_lib.stepper import Stepper

WIDE_DESCRIPTION = {"description_width": "initial"}


class Frame(NamedTuple):
    """What one refresh shows: the views' contents are computed from this alone."""

    stepper: Stepper
    message: str  # for the error area, "" for none
    graphs: dict  # stage index -> the graph's <img> HTML
    expansion: Callable[[int], str]  # stage index -> its entry's expansion HTML (cached)
    moved: bool  # a stage or configuration not on screen before: the guesses are cleared


def _full_width() -> widgets.Layout:
    return widgets.Layout(width="100%")


def _classed(widget, *classes):
    for name in classes:
        widget.add_class(name)
    return widget


def _widgets(built, frame: Frame) -> list:
    """The widgets an update changes, by default all that the view's builder returned."""
    return list(built.values()) if isinstance(built, dict) else [built]


def _set_value(widget, value, frame: Frame) -> None:
    widget.value = value


def _show(widget, visible: bool, css_class: str) -> None:
    """Show one of a set of per-stage widgets: only the one on screen has ``css_class``."""
    widget.layout.display = None if visible else "none"
    if visible and css_class not in widget._dom_classes:
        widget.add_class(css_class)
    elif not visible and css_class in widget._dom_classes:
        widget.remove_class(css_class)


def _set_bounded(widget, low: int, high: int, value: int) -> None:
    """Restore a bounded widget's range (a client may have changed it) and set its value."""
    if widget.min != low or widget.max != high:
        widget.min = min(low, widget.max)
        widget.max = high
        widget.min = low
    widget.value = value
