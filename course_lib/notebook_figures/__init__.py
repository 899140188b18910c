"""Figures for the numbered notebooks (matplotlib, no pyplot state), each with its words.

Each function returns a ``Picture``: a ``matplotlib.figure.Figure`` built without pyplot
and its text alternative. A notebook cell that ends with the call shows it once, as an
HTML ``<img alt=...>`` (what JupyterLab and voila display, so a screen reader reads the
alt), as a PNG beside it (for viewers that do not show HTML) and as the alt in plain text
(what nbval compares, so the numbers a figure states are checked on every run).

Colours come from the Okabe-Ito palette, which colour-blind readers can tell apart, and
every series also differs by marker, line style or hatching, so nothing is told by colour
alone. Every figure has a title and labelled axes. A number a title states is formatted by
``course_lib.notebook_helpers`` exactly as the notebook prints it, and the alt repeats it.

The modules, one per notebook or theme, each drawing a figure panel by panel:

================  ===============================================================
``picture``       ``Picture``, a title as the alt's first sentence, stacked PNGs
``formulations``  ``two_formulations`` (notebook 0)
``shapes``        ``forward_shapes`` (notebook 1)
``saturation``    ``output_pairs``, ``saturation_precision`` (notebook 4)
``fan``           ``fan_out`` (notebook 5)
``measured``      ``gradcheck_scatter`` (notebook 5), ``backward_time`` (notebook 6)
``still``         ``stepper_still`` (notebook 7)
``boundary``      ``decision_boundary`` (notebook 9)
================  ===============================================================
"""

from course_lib.figures import BLACK, BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, YELLOW
from course_lib.notebook_figures.boundary import decision_boundary
from course_lib.notebook_figures.fan import fan_out
from course_lib.notebook_figures.formulations import two_formulations
from course_lib.notebook_figures.measured import backward_time, gradcheck_scatter
from course_lib.notebook_figures.picture import PALETTE, Picture
from course_lib.notebook_figures.saturation import output_pairs, saturation_precision
from course_lib.notebook_figures.shapes import forward_shapes
from course_lib.notebook_figures.still import stepper_still

__all__ = [
    "BLACK",
    "BLUE",
    "GREEN",
    "GREY",
    "ORANGE",
    "PALETTE",
    "PURPLE",
    "SKY",
    "VERMILLION",
    "YELLOW",
    "Picture",
    "backward_time",
    "decision_boundary",
    "fan_out",
    "forward_shapes",
    "gradcheck_scatter",
    "output_pairs",
    "saturation_precision",
    "stepper_still",
    "two_formulations",
]
