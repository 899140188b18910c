"""What a student reads carries no internal names: no module path (``course_lib.slide...``),
no cache class (``LinearCache``, ``LayerCache``) and no mistake id
(``linear_backward.one_over_m_in_dA_prev``). A student acts on what they can see: the
mistake's title and hint, the function they wrote, the formula to use. The ids stay with the
instructors (``course_lib.diagnose.MISTAKES``, docs/instructors.md).

One scan over every student-facing text the library produces that a test can reach (error
and warning messages, ``check``'s feedback as text and HTML, the stage-by-stage comparison's
summary and table, the catalogue's titles and hints) and over every stored output of every
numbered notebook.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from test_bad_input import CASES
from test_notebook_text import NUMBERED, load, text_of
from test_student_deep import (
    db_over_the_wrong_axis,
    last_hidden_dA_in_loop,
    loop_not_reversed,
    older_notebook,
    relu_backward_in_place,
    sigmoid_above_the_first_hidden_layer,
    wrong_return_order,
)

from course_lib import CourseInputError, SaturationError, SaturationWarning, assignment, slide
from course_lib import notebook_helpers as nh
from course_lib.activations import sigmoid
from course_lib.data import make_dataset
from course_lib.diagnose import EXERCISES, MISTAKES, check
from course_lib.student import compare, demonstrate, summary

MISTAKE_ID = re.compile(rf"\b(?:{'|'.join(map(re.escape, EXERCISES))})\.[A-Za-z_]\w*")
INTERNAL = re.compile(r"course_lib\.|LinearCache|LayerCache")
# A line of code the student is told to type stays: an import of the package a student's
# own code needs in place of the course's helper modules, as code (backticks, or <code>).
IMPORT_TO_TYPE = re.compile(r"(`|<code>)from course_lib(?:\.\w+)* import [\w, ]+(`|</code>)")


def internal_names(text: str) -> list[str]:
    """The internal names ``text`` shows a student."""
    text = IMPORT_TO_TYPE.sub("`import`", text)
    return INTERNAL.findall(text) + MISTAKE_ID.findall(text)


def test_the_scan_finds_each_kind_of_internal_name():
    assert internal_names("use it (course_lib.slide.output_dZ)") == ["course_lib."]
    assert internal_names("'LinearCache' object has no attribute 'shape'") == ["LinearCache"]
    assert internal_names("(Mistake id: linear_backward.one_over_m_in_dA_prev.)") == [
        "linear_backward.one_over_m_in_dA_prev"
    ]
    assert internal_names("Mistake id: dAL.inner_sign") == ["dAL.inner_sign"]
    assert internal_names("use `from course_lib.activations import sigmoid, relu`") == []
    assert internal_names("use <code>from course_lib.data import make_problem</code>") == []
    assert internal_names("dA_prev = W.T dZ, from linear_backward. Then dAL.") == []


# ----------------------------------------------------------------------------- the library


def error_messages():
    """Every message of test_bad_input's table of bad calls, and of saturation."""
    for name, (call, _pieces) in CASES.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises((CourseInputError, SaturationError)) as info:
                call()
        yield name, str(info.value)
    saturated = sigmoid(np.array([[40.0]]))
    for name, call in {
        "output_dA saturated": lambda: assignment.output_dA(saturated, [[0.0]]),
        "compute_cost saturated": lambda: assignment.compute_cost(saturated, [[0.0]]),
        "week-3 compute_cost saturated": lambda: slide.compute_cost(saturated, [[0.0]]),
        "training on moons saturates": lambda: assignment.L_layer_model(
            *make_dataset("moons", m=60, seed=0), [2, 8, 4, 1], 0.5, 1000
        ),
    }.items():
        with pytest.raises(SaturationError) as info:
            call()
        yield name, str(info.value)
    with pytest.warns(SaturationWarning) as record:
        assignment.output_dA(sigmoid(np.array([[30.0]])), [[0.0]])
    yield "output_dA nearly saturated", str(record[0].message)


def _student_functions(exercise):
    """Functions a student might write for ``exercise``: the stub, the reference, one that
    raises, one that returns the wrong thing, one that reads its cache wrongly, one that
    imports the course's helper module, one that prints."""

    def stub(*args):
        raise NotImplementedError

    def raises(*args):
        return 1 / 0

    def wrong_shape(*args):
        return np.zeros((7, 3))

    def reads_the_cache(*args):
        # The cache as an array: the classic slip with a (linear_cache, Z) tuple.
        return args[1].shape

    def imports_a_helper(*args):
        import dnn_utils  # noqa: F401  the course's helper module, not here

    def prints(*args):
        print("debugging", args[0].shape)
        return EXERCISES[exercise].reference(*args)

    return {
        "stub": stub,
        "reference": EXERCISES[exercise].reference,
        "raises": raises,
        "wrong shape": wrong_shape,
        "reads the cache": reads_the_cache,
        "imports a helper": imports_a_helper,
        "prints": prints,
    }


def feedback_texts():
    """``check``'s feedback, as text and HTML, for each exercise and each kind of function,
    and for every catalogued mistake."""
    for exercise in EXERCISES:
        for kind, function in _student_functions(exercise).items():
            feedback = check(exercise, function)
            yield f"{exercise}, {kind}", str(feedback)
            yield f"{exercise}, {kind} (HTML)", feedback._repr_html_()
    for entry in MISTAKES:
        feedback = check(entry.exercise, entry.apply)
        yield entry.id, str(feedback)
        yield f"{entry.id} (HTML)", feedback._repr_html_()
        yield f"{entry.id} title and hint", f"{entry.title}\n{entry.hint}"


def comparison_texts():
    """The stage-by-stage comparison for every catalogued mistake, and for a pass whose
    function raises: its one-line summary and the notebooks' table and summary."""

    def one_array(dZ, cache):
        return dZ

    def reads_the_cache(dZ, cache):
        return cache.shape  # the cache as an array: its error names the cache's type

    def whole_pass_reads_the_cache(AL, Y, caches):
        return {"dA0": caches[0].Z}

    for name, result in [
        *((entry.id, demonstrate(entry.id)) for entry in MISTAKES),
        ("a linear_backward returning one array", compare({"linear_backward": one_array})),
        ("a linear_backward reading its cache", compare({"linear_backward": reads_the_cache})),
        (
            "an L_model_backward reading its caches",
            compare({"L_model_backward": whole_pass_reads_the_cache}),
        ),
        # What a whole pass does at three and four layers, an argument grads keeps changed
        # in place, a mistake beside an error, the return order, the older grads keys.
        *(
            (fn.__name__, compare({"L_model_backward": fn}))
            for fn in (
                loop_not_reversed,
                last_hidden_dA_in_loop,
                sigmoid_above_the_first_hidden_layer,
                older_notebook,
            )
        ),
        ("relu_backward in place", compare({"relu_backward": relu_backward_in_place})),
        ("db over the wrong axis", compare({"linear_backward": db_over_the_wrong_axis})),
        ("the wrong return order", compare({"linear_backward": wrong_return_order})),
    ]:
        yield name, summary(result)
        yield f"{name} (str)", str(result)
        yield f"{name} (reports)", "\n".join(result.reports)
        for shown in (nh.comparison_summary(result), nh.comparison_table(result)):
            yield name, shown.text
            yield f"{name} (HTML)", shown._repr_html_()


@pytest.mark.parametrize(
    "texts", [error_messages, feedback_texts, comparison_texts], ids=lambda f: f.__name__
)
def test_no_student_facing_text_of_the_library_shows_an_internal_name(texts):
    scanned = [(where, internal_names(text)) for where, text in texts()]
    assert [(where, names) for where, names in scanned if names] == []
    assert len(scanned) > 20  # the scan reached something


# ----------------------------------------------------------------------------- the notebooks


@pytest.mark.parametrize("path", NUMBERED, ids=[p.stem for p in NUMBERED])
def test_no_stored_notebook_output_shows_an_internal_name(path):
    nb = load(path)
    found = [
        (i, names)
        for i, cell in enumerate(nb["cells"])
        for output in cell.get("outputs", [])
        for text in text_of(output)
        if (names := internal_names(text))
    ]
    assert found == []


# ----------------------------------------------------------------------------- the instructors


def test_the_instructors_list_of_mistake_ids_is_the_catalogue():
    doc = Path(__file__).resolve().parents[1] / "docs" / "instructors.md"
    section = doc.read_text(encoding="utf-8").split("## Mistake ids", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.*) \|$", section, re.M)
    assert rows == [(entry.id, entry.title) for entry in MISTAKES]
