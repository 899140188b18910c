"""notebooks/08_exercises.ipynb: as shipped every check says "not implemented yet"; with
solutions put into the stub cells, every check passes; with hostile code (a loop that never
ends, prints, an argument changed in place, a raise) every check cell still shows one
Feedback and the notebook runs on. All run on a fresh kernel."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib.diagnose import EXERCISES, find_mistake

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "08_exercises.ipynb"
CELL_TIMEOUT = 60  # seconds per cell; the whole notebook runs in a few seconds

pytestmark = pytest.mark.slow

# Solutions written for this test; each replaces the source of the cell tagged
# "exercise:<name>", and later ones use the earlier ones as a student's would.
SOLUTIONS = {
    "sigmoid_backward": """
def sigmoid_backward(dA, cache):
    s = sigmoid(cache)
    return dA * s * (1 - s)
""",
    "relu_backward": """
def relu_backward(dA, cache):
    return np.where(cache > 0, dA, 0.0)
""",
    "tanh_backward": """
def tanh_backward(dA, cache):
    return dA * (1 - np.tanh(cache) ** 2)
""",
    "linear_backward": """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m
""",
    "linear_activation_backward": """
def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    step = {"sigmoid": sigmoid_backward, "relu": relu_backward}[activation]
    return linear_backward(step(dA, Z), linear_cache)
""",
    "dAL": """
def compute_dAL(AL, Y):
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
""",
    "L_model_backward": """
def L_model_backward(AL, Y, caches):
    L = len(caches)
    grads = {}
    dA = compute_dAL(AL, Y)
    for l in range(L, 0, -1):
        activation = "sigmoid" if l == L else "relu"
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], activation)
        grads[f"dA{l - 1}"] = dA
    return grads
""",
    "backward_propagation": """
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2)
    return {"dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ cache["A1"].T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m}
""",
}


def tagged(nb, prefix: str) -> dict:
    """Cells whose tag starts with ``prefix``, keyed by the rest of the tag."""
    found = {}
    for cell in nb.cells:
        for tag in cell.metadata.get("tags", []):
            if tag.startswith(prefix):
                found[tag[len(prefix) :]] = cell
    return found


def execute(nb):
    """Run ``nb`` top to bottom on a fresh kernel, failing on any error."""
    nb = copy.deepcopy(nb)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return nb


def check_texts(nb) -> dict:
    """The plain-text feedback each check cell displayed, keyed by exercise."""
    texts = {}
    for name, cell in tagged(nb, "check:").items():
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(results) == 1, f"check cell for {name} shows {len(results)} results"
        texts[name] = results[0]["data"]["text/plain"]
    return texts


def no_stderr(nb):
    streams = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream" and o.name == "stderr"
    ]
    assert not streams, streams


@pytest.fixture(scope="module")
def shipped():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_every_exercise_has_a_tagged_stub_and_check(shipped):
    assert set(tagged(shipped, "exercise:")) == set(EXERCISES)
    assert set(tagged(shipped, "check:")) == set(EXERCISES)
    assert set(SOLUTIONS) == set(EXERCISES)
    for name, cell in tagged(shipped, "exercise:").items():
        assert "raise NotImplementedError" in cell.source, name


def test_as_shipped_every_check_says_not_implemented_yet(shipped):
    ran = execute(shipped)
    no_stderr(ran)
    texts = check_texts(ran)
    for name, text in texts.items():
        assert text.startswith(f"[to do] {name}: not implemented yet."), text
    # What is stored in the file is what a fresh run produces (nbval compares the rest).
    assert texts == check_texts(shipped)


def test_with_solutions_every_check_passes(shipped):
    solved = copy.deepcopy(shipped)
    for name, cell in tagged(solved, "exercise:").items():
        cell.source = SOLUTIONS[name].strip()
    ran = execute(solved)
    no_stderr(ran)
    for name, text in check_texts(ran).items():
        assert text.startswith(f"[passed] {name}: correct on "), text


# Code a student may write, put into the stub cells: the kernel must run on past each.
HOSTILE = {
    "sigmoid_backward": """
def sigmoid_backward(dA, cache):
    while True:  # never returns
        pass
""",
    "relu_backward": """
def relu_backward(dA, cache):
    print("dA has shape", dA.shape)
    dA[cache <= 0] = 0  # changes the caller's dA
    return dA
""",
    "tanh_backward": """
def tanh_backward(dA, cache):
    from dnn_utils import tanh_backward as theirs
    return theirs(dA, cache)
""",
    "linear_backward": """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    dA_prev = W @ dZ
    return dA_prev, dZ @ A_prev.T, dZ
""",
}


def test_hostile_code_gets_one_feedback_per_check_and_the_kernel_runs_on(shipped):
    hostile = copy.deepcopy(shipped)
    for name, cell in tagged(hostile, "exercise:").items():
        if name in HOSTILE:
            cell.source = HOSTILE[name].strip()
    ran = execute(hostile)
    no_stderr(ran)
    texts = check_texts(ran)
    assert texts["sigmoid_backward"].startswith(
        "[not correct] sigmoid_backward: sigmoid_backward ran past the time limit of 3 s on "
        "test case 1 of 2"
    ), texts["sigmoid_backward"]
    relu = texts["relu_backward"]
    assert relu.startswith("[passed] relu_backward: correct on both test cases."), relu
    assert "Note: relu_backward changed its argument dA in place" in relu
    assert "Your function printed:\n--- test case 1 of 2" in relu and "dA has shape" in relu
    assert "imports dnn_utils, a helper module of the original course" in texts["tanh_backward"]
    assert "raised ValueError" in texts["linear_backward"]
    assert "File " in texts["linear_backward"] and "dA_prev = W @ dZ" in texts["linear_backward"]
    assert texts["backward_propagation"].startswith("[to do] backward_propagation")


# ----------------------------------------------------------------------------- notebook 10

NOTEBOOK_10 = NOTEBOOK.parent / "10_your_code_stage_by_stage.ipynb"
# Notebook 10's stubs and the solutions above that fill them (its compute_dAL is 08's dAL).
YOURS = {
    "compute_dAL": "dAL",
    "sigmoid_backward": "sigmoid_backward",
    "relu_backward": "relu_backward",
    "linear_backward": "linear_backward",
    "linear_activation_backward": "linear_activation_backward",
    "L_model_backward": "L_model_backward",
    "backward_propagation": "backward_propagation",
}


def shown(nb, tag: str) -> str:
    """The plain text of everything the cell tagged ``tag`` printed or displayed."""
    (cell,) = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    parts = []
    for out in cell.outputs:
        parts.append(out["text"] if out.output_type == "stream" else out["data"]["text/plain"])
    return "\n".join(parts)


def execute_10(nb):
    nb = copy.deepcopy(nb)
    NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_10.parent)}},
    ).execute()
    return nb


@pytest.fixture(scope="module")
def shipped_10():
    return nbformat.read(NOTEBOOK_10, as_version=4)


def test_notebook_10_has_a_stub_for_every_function_compare_knows(shipped_10):
    from course_lib.student import EXERCISE_OF

    stubs = tagged(shipped_10, "yours:")
    assert set(stubs) == set(YOURS) <= set(EXERCISE_OF)
    for name, cell in stubs.items():
        assert "raise NotImplementedError" in cell.source, name


def test_notebook_10_as_shipped_runs_the_course_functions_and_shows_a_mistake(shipped_10):
    ran = execute_10(shipped_10)
    no_stderr(ran)
    passed = shown(ran, "your-pass")
    assert "your functions in the pass: none yet" in passed
    assert shown(ran, "your-summary") == "Every stage agrees with the reference."
    assert shown(ran, "your-whole-pass") == "None of these written yet.\n"
    demo = "\n".join(
        o["data"]["text/plain"]
        for c in ran.cells
        for o in c.get("outputs", [])
        if o.output_type == "execute_result" and "First departure" in o["data"]["text/plain"]
    )
    assert "First departure: dA1 (stage 5)." in demo and "Hint: " in demo
    # Nothing written yet: the catalogued mistake's own lines, its dA_prev line wrong.
    lines = shown(ran, "your-lines")
    assert lines.startswith("the mistaken code, line by line")
    wrong = next(ln for ln in lines.splitlines() if "dA_prev = np.dot(W.T, dZ) / m" in ln)
    assert "dA1: eq. 4's bracket, wrong here" in wrong
    # What is stored in the file is what a fresh run produces.
    for tag in ("your-pass", "your-summary", "your-whole-pass", "your-lines"):
        assert shown(ran, tag) == shown(shipped_10, tag), tag


def test_notebook_10_with_correct_functions_every_stage_agrees(shipped_10):
    solved = copy.deepcopy(shipped_10)
    for name, cell in tagged(solved, "yours:").items():
        cell.source = SOLUTIONS[YOURS[name]].strip()
    ran = execute_10(solved)
    no_stderr(ran)
    assert (
        "your functions in the pass: compute_dAL, sigmoid_backward, relu_backward, "
        "linear_backward" in shown(ran, "your-pass")
    )
    assert shown(ran, "your-summary") == "Every stage agrees with the reference."
    lines = shown(ran, "your-lines")
    assert "wrong" not in lines
    for equation in ("(equation 1)", "(equation 2)", "(equation 5)", "(equation 6)"):
        assert equation in lines, equation
    whole = shown(ran, "your-whole-pass")
    for name in ("linear_activation_backward", "L_model_backward", "backward_propagation"):
        assert f"{name}:" in whole
    assert whole.count("Every stage agrees with the reference.") == 3, whole


def test_notebook_10_names_a_mistake_in_the_students_own_function(shipped_10):
    mistaken = copy.deepcopy(shipped_10)
    tagged(mistaken, "yours:")["linear_backward"].source = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)
""".strip()
    ran = execute_10(mistaken)
    no_stderr(ran)
    table = shown(ran, "your-pass")
    assert "your linear_backward" in table and "wrong here" in table
    summary = shown(ran, "your-summary")
    assert summary.startswith("First departure: dW2 (stage 3).")
    entry = find_mistake("linear_backward.no_one_over_m")
    assert f"The mistake, made at dW2: {entry.title}." in summary and entry.id not in summary
    # Line by line: the student's one return line computes every output, and the two it
    # gets wrong (no 1/m) are marked with their verdict.
    lines = shown(ran, "your-lines")
    assert lines.startswith("your code, line by line")
    returned = next(ln for ln in lines.splitlines() if "return W.T @ dZ" in ln)
    assert "dW2: eq. 2, wrong here" in returned and "db2: eq. 3, wrong here" in returned
    assert "dA1: eq. 4's bracket" in returned and "dA0: not on the slide" in returned
