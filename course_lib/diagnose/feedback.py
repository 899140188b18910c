"""The ``Feedback`` record that ``check`` returns, shown as text and as HTML in a notebook."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

NOT_IMPLEMENTED = "not implemented yet"
UNKNOWN = "not correct, and not a mistake we know"


@dataclass(frozen=True)
class Feedback:
    """What ``check`` found.

    passed : every output right on every test case.
    mistake : the catalogued mistake's id, or the ids of several joined by ``+``; None
        when none is named.
    message : what is right and what is wrong, in a sentence or a few.
    hint : the idea to look at ("" when passed).
    outputs : each output's name (``"dW"``, ``"dW1"``) and whether it is right on every
        test case; empty when the function raised or returned the wrong kind of value.
    mistakes : every mistake named, in catalogue order (``mistake`` is them joined).
    unexplained : the wrong outputs that no catalogued mistake explains.
    notes : what the function did besides its outputs: arguments it changed in place,
        NumPy warnings its arithmetic raised.
    printed : what the function printed, by test case.
    traceback : the error, trimmed to the student's own lines, when it raised.
    case : the first test case it fails, ``"test case 2 of 2 (n[l] = 4, m = 7, some Z
        exactly 0)"``; "" when it passed or could not be called.
    changed : the arguments it changed in place (``("dA",)``).
    """

    passed: bool
    mistake: str | None
    message: str
    hint: str
    outputs: dict[str, bool] = field(default_factory=dict, hash=False)  # Feedback hashes
    mistakes: tuple[str, ...] = ()
    unexplained: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    printed: str = ""
    traceback: str = ""
    case: str = field(default="", compare=False)  # facts about the run, as notes are
    changed: tuple[str, ...] = field(default=(), compare=False)

    @property
    def status(self) -> str:
        """``"passed"``, ``"mistake"``, ``"not implemented"`` or ``"not correct"``."""
        if self.passed:
            return "passed"
        if self.mistake:
            return "mistake"
        if NOT_IMPLEMENTED in self.message:
            return "not implemented"
        return "not correct"

    def __str__(self) -> str:
        label = {
            "passed": "[passed]",
            "mistake": "[known mistake]",
            "not implemented": "[to do]",
            "not correct": "[not correct]",
        }[self.status]
        # The mistake's id is for instructors (the catalogue, docs/instructors.md): a student
        # reads its title, in the message, and its hint.
        lines = [f"{label} {self.message}"]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        lines += [f"Note: {note}" for note in self.notes]
        if self.traceback:
            lines.append(self.traceback.rstrip())
        if self.printed:
            lines.append(f"Your function printed:\n{self.printed.rstrip()}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        # A word and a symbol carry the verdict; the colour only repeats it.
        symbol, word, colour = {
            "passed": ("&#10004;", "Correct", "#1b7837"),
            "mistake": ("&#10008;", "Known mistake", "#b35806"),
            "not implemented": ("&#8230;", "Not implemented yet", "#5e3c99"),
            "not correct": ("&#10008;", "Not correct", "#b2182b"),
        }[self.status]
        parts = [f"<strong>{symbol} {word}</strong>"]
        parts.append(f"<div>{_html_text(self.message)}</div>")
        if self.hint:
            parts.append(f"<div><em>Hint:</em> {_html_text(self.hint)}</div>")
        parts += [f"<div><em>Note:</em> {_html_text(note)}</div>" for note in self.notes]
        if self.traceback:
            parts.append(_pre(self.traceback))
        if self.printed:
            parts.append("<div><em>Your function printed:</em></div>" + _pre(self.printed))
        return (
            f"<div style='border-left: 6px solid {colour}; padding: 4px 10px; "
            f"margin: 4px 0'>" + "".join(parts) + "</div>"
        )


def _html_text(text: str) -> str:
    """Escape ``text`` for HTML, showing `backticked` spans as code and keeping line breaks."""
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text, quote=False))
    return html.replace("\n", "<br>")


def _pre(text: str) -> str:
    """Text shown as it was written (printed output, a traceback), escaped."""
    return f"<pre style='margin: 2px 0'>{escape(text.rstrip(), quote=False)}</pre>"
