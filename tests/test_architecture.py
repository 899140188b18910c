"""The house rules of course_lib's layout (docs/design.md), checked on the import statements.

1. The two formulations, ``slide`` and ``assignment``, share no gradient code: each computes
   its gradients on its own, so their agreement is evidence. They import only the top layer:
   ``activations`` (the functions; each writes the derivative its own way), ``checks`` and
   ``training`` (the initial draw, the cost and the update), and ``training`` holds nothing
   that computes a gradient: no backward or derivative function, no ``dA``/``dZ``.
2. The numerical modules know no screen: nothing below ``figures`` and ``widgets`` imports
   matplotlib, Pillow, ipywidgets or the display modules.

Every module of every subpackage is checked, at the layer of its package. In the last layer
``notebook_helpers`` imports nothing from ``notebook_figures``: the figures state numbers as
the helpers format them.

3. A module's private names stay inside it: no module imports ``_name`` from another
   course_lib module or reads it as ``module._name``. Helpers two modules share are public in
   a module named for what they do (``guarded.failures``, ``widgets.view_parts``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "course_lib"
NUMERICAL = (
    "activations",
    "checks",
    "guarded",
    "training",
    "assignment",
    "slide",
    "stages",
    "functions",
    "gradcheck",
    "derivation",
    "data",
    "diagnose",
    "measure",
    "student",
    "stepper",
)
DISPLAY = {"figures", "widgets", "notebook_figures", "notebook_helpers"}
SCREEN_PACKAGES = {"matplotlib", "PIL", "ipywidgets", "IPython"}
# docs/design.md's layers, top first: a module imports only from its own layer or above.
# A subpackage (course_lib/diagnose/...) sits wholly in the layer of its name.
LAYERS = (
    ("activations", "checks", "guarded", "training"),
    ("assignment", "slide"),
    ("stages", "functions", "gradcheck", "derivation", "diagnose", "data", "measure"),
    ("student", "stepper"),
    ("figures", "widgets"),
    ("notebook_helpers", "notebook_figures"),
)
LAYER_OF = {module: depth for depth, layer in enumerate(LAYERS) for module in layer}
# What the two formulations may import, and of those what they share besides the checks.
TOP_LAYER_SHARED = {"activations", "checks", "training"}
SHARED_PLUMBING = ("training",)


def module_files() -> dict[str, Path]:
    """Every module of course_lib and its subpackages, by dotted name below course_lib."""
    files = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            files[".".join(parts)] = path
    return files


MODULES = module_files()


def unit(module: str) -> str:
    """The top-level module or subpackage that ``module`` belongs to (its layer's name)."""
    return module.split(".")[0]


def imports_of(module: str) -> set[str]:
    """Every module ``module`` imports, as absolute dotted names
    (``from course_lib import slide`` gives ``course_lib.slide``; relative imports resolved)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text())
    package = ["course_lib", *module.split(".")]
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            if base.startswith("course_lib"):
                names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def own_modules(module: str) -> set[str]:
    """The course_lib units (top-level modules or subpackages) that ``module`` imports."""
    return {
        n.split(".")[1]
        for n in imports_of(module)
        if n.startswith("course_lib.") and n.split(".")[1] in LAYER_OF
    }


def test_the_rules_see_every_module():
    on_disk = {unit(m) for m in MODULES}
    assert on_disk == set(NUMERICAL) | DISPLAY, "classify the new module in this test"
    assert on_disk == set(LAYER_OF), "give the new module a layer here and in docs/design.md"


def test_every_module_inside_a_subpackage_is_checked_at_the_subpackage_layer():
    # The rules below run per module: a subpackage's modules each get their package's layer.
    inside = {m for m in MODULES if "." in m}
    assert {"diagnose.catalogue.dAL", "notebook_figures.still", "notebook_helpers.tables"} <= inside
    assert {unit(m) for m in inside} <= set(LAYER_OF)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_import_only_from_their_layer_or_above(module):
    below = {m for m in own_modules(module) if LAYER_OF[m] > LAYER_OF[unit(module)]}
    assert not below, f"{module} imports {below} from a lower layer"


@pytest.mark.parametrize("module", [m for m in sorted(MODULES) if unit(m) == "notebook_helpers"])
def test_notebook_helpers_know_nothing_of_the_figures(module):
    # The figures format the numbers they state with the helpers, never the other way round.
    assert "notebook_figures" not in own_modules(module)


@pytest.mark.parametrize("module", ["slide", "assignment"])
def test_slide_and_assignment_import_only_the_top_layer(module):
    assert own_modules(module) <= TOP_LAYER_SHARED, own_modules(module)


def gradient_code_in(source: str) -> list[str]:
    """What in ``source`` computes a gradient: a function or method whose name says backward
    or derivative (``backward``, ``prime``, ``derivative``), a call of one, a name, argument,
    attribute or string key ``dA...`` or ``dZ...``, or an import of the derivatives."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            names = [getattr(node, "name", "")] + [
                a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)
            ]
        elif isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.alias):
            names = [node.name, node.asname or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value] if re.fullmatch(r"d[AZ]\w*", node.value) else []
        found += [n for n in names if GRADIENT_NAME.search(n)]
    return found


GRADIENT_NAME = re.compile(r"[Bb]ackward|[Pp]rime|[Dd]erivative|^d[AZ](\d|L|_|$)")


@pytest.mark.parametrize("module", SHARED_PLUMBING)
def test_the_shared_plumbing_holds_no_gradient_code(module):
    assert set(SHARED_PLUMBING) == (
        own_modules("slide") & own_modules("assignment") - {"activations", "checks"}
    ), "a new shared module?"
    assert not gradient_code_in(MODULES[module].read_text()), gradient_code_in(
        MODULES[module].read_text()
    )


@pytest.mark.parametrize(
    "snippet",
    [
        "def linear_backward(dZ, cache):\n    return dZ",
        "def step(A2, Y):\n    dZ2 = A2 - Y\n    return dZ2",
        "def step(W2, delta, A1, g):\n    return W2.T @ delta * g.prime_from_A(A1)",
        "from course_lib.activations import tanh_prime",
        "def f(cache):\n    return cache['dA1']",
        "g = lambda dA, Z: dA * (Z > 0)",
    ],
)
def test_the_gradient_code_check_sees_gradient_code(snippet):
    # The rule above is only as good as gradient_code_in: each of these must be seen.
    assert gradient_code_in(snippet), snippet


def test_the_gradient_check_does_not_depend_on_the_slide():
    # Its input check lives in checks; only gradient_check_deep calls the split it judges.
    assert "slide" not in own_modules("gradcheck"), own_modules("gradcheck")


@pytest.mark.parametrize("module", [m for m in sorted(MODULES) if unit(m) in NUMERICAL])
def test_numerical_modules_know_no_screen(module):
    top_level = {name.split(".")[0] for name in imports_of(module)}
    assert not top_level & SCREEN_PACKAGES, (module, top_level & SCREEN_PACKAGES)
    assert not own_modules(module) & DISPLAY, (module, own_modules(module) & DISPLAY)


def test_the_import_parser_sees_a_forbidden_import():
    # The rule checks above are only as good as imports_of: it must see both import forms.
    assert "matplotlib.figure" in imports_of("figures")
    assert any("course_lib.figures" in imports_of(m) for m in MODULES if unit(m) == "widgets")
    assert {"assignment", "slide"} <= own_modules("stages.compute")


# A module reads in one sitting (docs/design.md): about 450 lines at most, a function 60.
MODULE_LINES, FUNCTION_LINES = 450, 60


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_functions_read_in_one_sitting(module):
    source = MODULES[module].read_text()
    assert len(source.splitlines()) <= MODULE_LINES, f"{module} has outgrown one sitting"
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]
    assert not long, f"{module}: {long}"


# ----------------------------------------------------------------------------- private names


def is_private(name: str) -> bool:
    """``_name`` is private; a dunder (``__all__``) is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_names_crossing(source: str, module: str) -> list[str]:
    """Where ``module`` (dotted below course_lib, its source ``source``) uses another course_lib
    module's private name: ``from course_lib.x import _y`` (relative imports too) or ``x._y``
    read from a course_lib module it imported (``from course_lib import x``,
    ``import course_lib.x as x``, ``import course_lib.x``)."""
    path = MODULES.get(module)
    package = ["course_lib", *module.split(".")]
    if path is None or path.name != "__init__.py":
        package = package[:-1]
    here = ".".join(["course_lib", *module.split(".")])
    modules = {f"course_lib.{m}" for m in MODULES} | {"course_lib"}
    bound: dict[str, str] = {}  # a name in this module -> the course_lib module it is
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "course_lib":
                    name = alias.asname or alias.name.split(".")[0]
                    bound[name] = alias.name if alias.asname else "course_lib"
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] != "course_lib" or base == here:
                continue
            for alias in node.names:
                if is_private(alias.name):
                    found.append(f"{module} imports {alias.name} from {base}")
                elif f"{base}.{alias.name}" in modules:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            owner = dotted_module(node.value, bound, modules)
            if owner is not None and owner != here:
                found.append(f"{module} reads {node.attr} of {owner}")
    return found


def dotted_module(node: ast.expr, bound: dict[str, str], modules: set[str]) -> str | None:
    """The course_lib module an expression such as ``x`` or ``course_lib.x.y`` names, if any."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = dotted_module(node.value, bound, modules)
        if owner is not None and f"{owner}.{node.attr}" in modules:
            return f"{owner}.{node.attr}"
    return None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_private_names_stay_inside_their_module(module):
    crossing = private_names_crossing(MODULES[module].read_text(), module)
    assert not crossing, "\n".join(crossing)


@pytest.mark.parametrize(
    "snippet",
    [
        "from course_lib.guarded.failures import _at_line",
        "from .values import _describe, describe_output",
        "from . import _private",
        "from .. import checks\nchecks._first",
        "from course_lib.widgets import render\nrender._escape(1)",
        "import course_lib.stepper.inputs as inputs\ninputs._hidden(1)",
        "import course_lib.stepper.inputs\ncourse_lib.stepper.inputs._hidden(1)",
        "from course_lib import stepper\nstepper.inputs._hidden(1)",
    ],
)
def test_the_private_name_check_sees_a_crossing(snippet):
    # The rule above is only as good as private_names_crossing: each of these must be seen.
    assert private_names_crossing(snippet, "guarded.call"), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "from course_lib.guarded.values import describe_output",
        "from course_lib import guarded\nguarded.__name__",
        "from course_lib.guarded import call\ncall.outcome._private",  # not a module's name
        "import numpy as np\nnp._NoValue",
        "def f(self):\n    return self._cache",
        "from course_lib.guarded.call import _own",  # the module's own name
    ],
)
def test_the_private_name_check_passes_public_use(snippet):
    assert not private_names_crossing(snippet, "guarded.call"), snippet


# ----------------------------------------------------------------------------- one stage table

# The modules that may write the stage list out: the table itself, the two formulations
# (each computes and returns the stages by name) and the mistake catalogue (each mistake
# names where it is made).
STAGE_LIST_HOMES = ("stages", "assignment", "slide", "diagnose.catalogue")
STAGE_KEY_NAMES = ("dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0")


def stage_key_literals(module: str) -> set[str]:
    """The stage keys that ``module`` writes as whole string literals."""
    tree = ast.parse(MODULES[module].read_text())
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in STAGE_KEY_NAMES
    }


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_stage_table_spells_out_the_stage_list(module):
    """Views dispatch on the StageSpec records: a module that names five or more of the nine
    stages itself holds a second copy of the table, which a rename would leave behind."""
    if module.startswith(STAGE_LIST_HOMES):
        return
    spelled = stage_key_literals(module)
    assert len(spelled) < 5, f"{module} spells out the stages {sorted(spelled)}"


def test_the_stage_list_rule_sees_a_copy_of_the_table():
    assert len(stage_key_literals("stages.spec")) == 9
    assert len(stage_key_literals("assignment")) >= 5


# ----------------------------------------------------------------------------- records

MAX_PARAMETERS = 7
# The catalogue's builders of deliberate mistakes take the exercise's own parameters.
PARAMETER_RULE_EXEMPT = ("diagnose.catalogue",)


def long_parameter_lists(module: str) -> list[str]:
    tree = ast.parse(MODULES[module].read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            count = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs)
            if count > MAX_PARAMETERS:
                found.append(f"{node.name} ({count})")
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_function_takes_more_than_seven_parameters(module):
    """A long parameter list is a record not yet named (docs/design.md): pass one."""
    if module.startswith(PARAMETER_RULE_EXEMPT):
        return
    assert long_parameter_lists(module) == [], module
