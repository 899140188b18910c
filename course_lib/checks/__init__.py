"""Input checks: the home of every check of the arrays and numbers that the two formulations
and the backward pass take (shapes, dtypes, labels, finiteness), and the errors they raise.
Arguments that only one part of the courseware knows (a stage key to expand, an exercise
name, a mistake id, the dict of a student's functions) are checked where that part lives,
with the same ``CourseInputError``.

A public function's body starts with one call to a check here and then reads as the
course's lines. Each check raises an error that names the argument (or the equation), the
expected shape or value, and what it got. The checks are cheap: shapes and
dtypes only, plus finiteness of small arrays. Large inputs such as ``X`` are
checked for NaN or inf through the product they feed (``W1 @ X`` is non-finite
wherever ``X`` is), so validation costs no extra pass over the data.

One rule at every product: the small operands (weights, biases, a cache) are checked
with ``expect_finite`` before use; a product with a large operand (``X``, ``A_prev``)
is computed inside ``checked_after()`` and then named by ``check_product_finite``.
Whether NumPy warns about ``inf * 0`` inside a product depends on which BLAS kernel
the CPU picks, so the warning is silenced for that product alone and the clear error
comes from the check on every machine. NumPy's global state (``np.seterr``) is never
touched: a student's own warnings stay theirs.
"""

from course_lib.checks.nets import (
    SlideBackwardArgs,
    check_activation_backward,
    check_cache_dict,
    check_caches,
    check_cost,
    check_deep_dims,
    check_dims,
    check_draw,
    check_layer_count,
    check_layer_sizes,
    check_linear_backward,
    check_linear_forward,
    check_model,
    check_nn_model,
    check_output_and_labels,
    check_seed,
    check_shapes_of,
    check_slide_backward,
    check_training_data,
    check_two_layer,
    check_two_layer_dims,
    check_two_layer_labels,
    check_update,
)
from course_lib.checks.values import (
    INIT_SCHEMES,
    ONE_OVER_M,
    CourseInputError,
    SaturationError,
    SaturationWarning,
    as_bias,
    as_labels,
    as_matrix,
    check_activation,
    check_choice,
    check_hidden,
    check_int,
    check_items,
    check_labels,
    check_one_over_m,
    check_probabilities,
    check_product_finite,
    check_real,
    check_saturation,
    checked_after,
    expect_finite,
    expect_shape,
    same_examples,
)

__all__ = [
    "CourseInputError",
    "INIT_SCHEMES",
    "ONE_OVER_M",
    "SaturationError",
    "SaturationWarning",
    "SlideBackwardArgs",
    "as_bias",
    "as_labels",
    "as_matrix",
    "check_activation",
    "check_activation_backward",
    "check_cache_dict",
    "check_caches",
    "check_choice",
    "check_cost",
    "check_deep_dims",
    "check_dims",
    "check_draw",
    "check_hidden",
    "check_int",
    "check_items",
    "check_labels",
    "check_layer_count",
    "check_layer_sizes",
    "check_linear_backward",
    "check_linear_forward",
    "check_model",
    "check_nn_model",
    "check_one_over_m",
    "check_output_and_labels",
    "check_probabilities",
    "check_product_finite",
    "check_real",
    "check_saturation",
    "check_seed",
    "check_shapes_of",
    "check_slide_backward",
    "check_training_data",
    "check_two_layer",
    "check_two_layer_dims",
    "check_two_layer_labels",
    "check_update",
    "checked_after",
    "expect_finite",
    "expect_shape",
    "same_examples",
]
