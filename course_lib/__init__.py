"""course_lib: backpropagation in a two-layer network, two ways, with the numbers.

The slide's six vectorized equations (`course_lib.slide`) and the assignment's
split into an activation step and a linear step (`course_lib.assignment`) are
computed independently on the same network; `course_lib.stages` lays the
backward pass out as nine stage records that put the two side by side.

Symbols (the course's notation, used in every docstring):

=========  ==========================================================
``n_x``    number of input features (rows of ``X``)
``n_h``    number of hidden units
``n_y``    number of output units (1 for binary classification)
``m``      number of examples (columns of every activation)
``l``      layer index; layer 0 is the input, ``A0 = X``
``L``      number of layers with parameters
``X``      inputs, shape ``(n_x, m)``; ``Y`` labels, shape ``(n_y, m)``
``W[l]``   weights, shape ``(n[l], n[l-1])``; ``b[l]`` biases ``(n[l], 1)``
``Z[l]``   ``W[l] @ A[l-1] + b[l]``; ``A[l] = g[l](Z[l])``
``dA``     per-example ``dL/dA`` (the loss of each column, not averaged)
``dW``     averaged ``dJ/dW`` with ``J = (1/m) sum_i L_i``
=========  ==========================================================

The layers, each importing only from itself and those above (docs/design.md):
``activations``, ``checks``, ``guarded``, ``training``; ``assignment`` | ``slide``;
``stages``, ``gradcheck``, ``derivation``, ``diagnose``, ``data``, ``measure``;
``student``, ``stepper``; ``figures``, ``widgets``; ``notebook_helpers``,
``notebook_figures``. Modules know no screen except the last two layers; nothing
numerical imports them.
"""

from course_lib.checks import CourseInputError, SaturationError, SaturationWarning

__all__ = ["CourseInputError", "SaturationError", "SaturationWarning"]
__version__ = "0.1.0"
