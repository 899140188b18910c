"""What a student reads in the numbered notebooks, as GitHub and nbviewer show them (markdown,
code and stored outputs): no test-tool text, every number with one source, the gradient check
stated one way, every figure with a text alternative, and links between notebooks that resolve.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course_lib import gradcheck

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NUMBERED = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
NAMES = [p.name for p in NUMBERED]

# What a student should never meet: the names of the tools that test the notebooks.
TOOL_TEXT = re.compile(r"nbval|pytest|sanitiz|make notebooks|NBVAL_|IGNORE_OUTPUT", re.I)
# Cell tags the notebooks may carry: nbval's own, and those the tests find cells by.
TAGS = re.compile(
    r"nbval-ignore-output|nbval-skip|raises-exception|demo|catalogue|"
    r"(exercise|check|yours):\w+|your-pass|your-summary|your-whole-pass|your-lines"
)
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
BASE64 = re.compile(r"base64,[A-Za-z0-9+/=]+")
# A number as prose writes it: 12288, 12,288, 0.2649, 89.7%, 1e-7.
NUMBER = re.compile(r"(?<![\w.\[])\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?%?(?![\w\]])")
# A number that names something rather than quotes a value: notebook 05, stage 9, eq. 4.
REFERENCE = re.compile(
    r"(?:notebooks?|stages?|equations?|eq\.|weeks?|week-|exercises?|"
    r"layers?|lines?|[\[|#]|and|to)\s*$",
    re.I,
)
# In code every run of digits counts: X[:, :30] writes 30.
CODE_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def text_of(output: dict) -> list[str]:
    """Every text a viewer can show for one output (images' data left out)."""
    if output["output_type"] == "stream":
        return ["".join(output["text"])]
    if output["output_type"] == "error":
        return [output["ename"], output["evalue"], *output["traceback"]]
    data = output.get("data", {})
    return [
        BASE64.sub("base64,", "".join(data[k]))
        for k in ("text/plain", "text/html", "text/latex", "text/markdown")
        if k in data
    ]


def visible(nb: dict):
    """``(where, text)`` for every markdown and code source and every stored output."""
    for i, cell in enumerate(nb["cells"]):
        yield f"cell {i} ({cell['cell_type']})", "".join(cell["source"])
        for output in cell.get("outputs", []):
            for text in text_of(output):
                yield f"cell {i} output", text


def numbers(text: str) -> list[str]:
    """The numbers ``text`` quotes: two digits or more, or with a point, a % or an exponent;
    numbers that name a notebook, stage, equation, week or layer are not quotes."""
    found = []
    for match in NUMBER.finditer(text):
        token = match.group()
        if re.fullmatch(r"\d", token) or re.fullmatch(r"0\d", token):  # 0-9; notebook 01
            continue
        if REFERENCE.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        found.append(token)
    return found


def prose(source: str) -> str:
    """Markdown without its displayed and inline LaTeX (symbols there are not quotes)."""
    return re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", source, flags=re.S)


# ----------------------------------------------------------------------------- tool text


@pytest.mark.parametrize("name", NAMES)
def test_no_test_tool_text_anywhere_a_student_looks(name):
    nb = load(NOTEBOOKS_DIR / name)
    found = [(where, m.group()) for where, text in visible(nb) for m in TOOL_TEXT.finditer(text)]
    assert found == [], found


@pytest.mark.parametrize("name", NAMES)
def test_cells_carry_only_known_tags(name):
    for i, cell in enumerate(load(NOTEBOOKS_DIR / name)["cells"]):
        for tag in cell.get("metadata", {}).get("tags", []):
            assert TAGS.fullmatch(tag), (name, i, tag)


def test_measured_output_is_tagged_not_compared():
    """The one output that changes from run to run, 06's timing, is tagged; nothing else is."""
    ignored = {
        name: [
            i
            for i, c in enumerate(load(NOTEBOOKS_DIR / name)["cells"])
            if "nbval-ignore-output" in c.get("metadata", {}).get("tags", [])
        ]
        for name in NAMES
    }
    timing = [
        i
        for i, c in enumerate(load(NOTEBOOKS_DIR / NAMES[6])["cells"])
        if "measure_dA0_cost" in "".join(c["source"])
    ]
    assert ignored[NAMES[6]] == timing
    # The live stepper (07, 10) is a widget: stored without output, shown when run.
    for name in (NAMES[7], NAMES[10]):
        (i,) = ignored[name]
        cell = load(NOTEBOOKS_DIR / name)["cells"][i]
        assert "app(" in "".join(cell["source"]) and cell["outputs"] == []
    assert all(not cells for n, cells in ignored.items() if n not in NAMES[6:8] + NAMES[10:])


# ----------------------------------------------------------------------------- numbers


def sources(nb: dict, skip_measured: bool = True) -> set[str]:
    """Every number a notebook's code writes or its outputs print (its measured cells' output
    left out: those numbers change from run to run and must not be quoted)."""
    found = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        found.update(CODE_NUMBER.findall("".join(cell["source"])))
        measured = "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
        if skip_measured and measured:
            continue
        for output in cell.get("outputs", []):
            for text in text_of(output):
                found.update(n.lstrip("-") for n in numbers(text))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_number_the_prose_quotes_is_in_the_code_or_printed_by_it(name):
    nb = load(NOTEBOOKS_DIR / name)
    known = sources(nb)
    quoted = [
        (i, n)
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "markdown"
        for n in numbers(prose("".join(cell["source"])))
    ]
    assert [(i, n) for i, n in quoted if n not in known] == []


def figure_outputs(nb: dict):
    """``(cell index, alt, measured)`` for every figure a notebook shows."""
    for i, cell in enumerate(nb["cells"]):
        measured = "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                yield i, "".join(output["data"].get("text/plain", "")), measured, output


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_its_alt_in_html_and_plain_text(name):
    nb = load(NOTEBOOKS_DIR / name)
    for i, alt, _, output in figure_outputs(nb):
        assert not alt.startswith("<Figure"), (name, i, "a figure without a text alternative")
        html = "".join(output["data"]["text/html"])
        match = re.match(r'<img alt="([^"]+)" src="data:image/png;base64,', html)
        assert match and len(match[1]) > 40, (name, i, html[:120])


@pytest.mark.parametrize("name", NAMES)
def test_numbers_in_a_figure_title_are_the_ones_the_notebook_prints(name):
    """A figure's alt starts with its title; the numbers there must be in the code or in
    another output (the title and the sentence beside it come from one formatted value)."""
    nb = load(NOTEBOOKS_DIR / name)
    for i, alt, measured, _ in figure_outputs(nb):
        if measured:
            continue
        title = alt.split(". ")[0]
        others = set()
        for j, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                others.update(CODE_NUMBER.findall("".join(cell["source"])))
                if j != i:
                    others.update(
                        n.lstrip("-")
                        for o in cell.get("outputs", [])
                        for t in text_of(o)
                        for n in numbers(t)
                    )
        missing = [n for n in numbers(title) if n.lstrip("-") not in others]
        assert missing == [], (name, i, title)


def test_09_states_the_accuracy_once():
    nb = load(NOTEBOOKS_DIR / NAMES[9])
    printed = [t for _, t in visible(nb) if t.startswith("cost after iteration")]
    (accuracy,) = re.findall(r"training accuracy: (\d+\.\d%)", printed[0])
    titles = [alt.split(". ")[0] for _, alt, _, _ in figure_outputs(nb)]
    assert any(f"{accuracy} of the training points" in t for t in titles), titles


def test_09_explains_every_rise_of_its_cost_curve():
    nb = load(NOTEBOOKS_DIR / NAMES[9])
    texts = [t for _, t in visible(nb)]
    rises = [t for t in texts if t.startswith("the cost rises between")]
    assert rises, "09 prints where the recorded cost rises"
    alts = [alt for _, alt, _, _ in figure_outputs(nb)]
    for line in rises[0].splitlines():
        assert line.removeprefix("the cost rises ") in alts[0]


# ----------------------------------------------------------------------------- gradient check


def test_one_pass_mark_everywhere():
    """Wherever a notebook states a pass mark, it is gradcheck's; every notebook that runs the
    gradient check shows the rule (formula and pass mark) and never writes its own number."""
    mark = re.compile(r"pass mark\D{0,12}(\d[\d.e-]*)|passes (?:when it is )?below (\d[\d.e-]*)")
    for name in NAMES:
        nb = load(NOTEBOOKS_DIR / name)
        for where, text in visible(nb):
            for m in mark.finditer(text):
                assert (m[1] or m[2]).rstrip(".") == gradcheck.PASS_MARK_TEXT, (name, where)
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        if any("gradient_check" in c for c in code):
            shown = [t for _, t in visible(nb)]
            assert any(
                t.startswith("relative error = " + gradcheck.RELATIVE_ERROR) for t in shown
            ), name
            checking = [c for c in code if "gradient_check" in c]
            assert not any(re.search(r"\b1e-[67]\b", c) for c in checking), name


# ----------------------------------------------------------------------------- links


def links(nb: dict):
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            for text, target in LINK.findall("".join(cell["source"])):
                yield i, text, target


@pytest.mark.parametrize("name", NAMES)
def test_every_link_is_set_in_bold(name):
    # A link must read as a link without its colour (WCAG 1.4.1; axe's link-in-text-block):
    # JupyterLab's and voila's themes do not underline links, and GitHub and JupyterLab drop
    # any style a notebook carries. Bold survives every renderer.
    for i, cell in enumerate(load(NOTEBOOKS_DIR / name)["cells"]):
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            for link in re.finditer(LINK, text):
                bold = text[: link.start()].endswith("**") and text[link.end() :].startswith("**")
                assert bold, f"{name}, cell {i}: {link.group(0)} is not in bold"


@pytest.mark.parametrize("name", NAMES)
def test_links_between_notebooks_are_relative_and_resolve(name):
    for i, _text, target in links(load(NOTEBOOKS_DIR / name)):
        if re.match(r"https?://", target):
            continue
        path = target.split("#")[0]
        assert not path.startswith(("/", "notebooks/", "lab/", "tree/")), (name, i, target)
        assert (NOTEBOOKS_DIR / path).is_file(), (name, i, target)


def test_each_notebook_leads_to_the_next_and_the_last_back_to_the_start():
    for this, after in zip(NAMES, NAMES[1:], strict=False):
        targets = [t for _, _, t in links(load(NOTEBOOKS_DIR / this))]
        assert after in targets, (this, after)
    assert NAMES[0] in [t for _, _, t in links(load(NOTEBOOKS_DIR / NAMES[-1]))]


def test_the_start_page_maps_every_notebook():
    targets = {t for _, _, t in links(load(NOTEBOOKS_DIR / NAMES[0]))}
    assert set(NAMES[1:]) <= targets


# ----------------------------------------------------------------------------- headings


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_opens_with_its_number_and_a_title(name):
    first = "".join(load(NOTEBOOKS_DIR / name)["cells"][0]["source"]).splitlines()[0]
    assert re.fullmatch(rf"# {name[:2]} · \S.*", first), first


# ----------------------------------------------------------------------------- predict first


def _question_cells(nb: dict, section: str):
    """``(index, cell)`` of each markdown cell that asks a question of ``section``: from the
    heading on, every markdown cell holding a numbered question ("**1.**") or a "**Predict**"."""
    started = False
    for i, cell in enumerate(nb["cells"]):
        source = "".join(cell["source"])
        started = started or (cell["cell_type"] == "markdown" and section in source)
        if started and cell["cell_type"] == "markdown":
            asked = source[max(source.find(section), 0) :]
            if re.search(r"^\*\*(\d+\.|Predict)\*\*", asked, re.M):
                yield i, cell


@pytest.mark.parametrize(
    ("name", "section", "count"),
    [("00_start_here.ipynb", "## Check yourself", 3), ("08_exercises.ipynb", "## Warm-up", 1)],
)
def test_answers_wait_in_a_details_element_and_no_code_prints_them_under_the_question(
    name, section, count
):
    nb = load(NOTEBOOKS_DIR / name)
    questions = list(_question_cells(nb, section))
    assert len(questions) == count
    for i, cell in questions:
        source = "".join(cell["source"])
        asked = source.rfind("**")
        answer = re.search(
            r"<details><summary>Answer</summary>\n\n(.+?)\n\n</details>", source[asked:], re.S
        )
        assert answer and len(answer[1].split()) > 5, f"cell {i}: no answer waiting in <details>"
        following = nb["cells"][i + 1]
        assert following["cell_type"] == "markdown", f"cell {i + 1} prints under question {i}"


# ----------------------------------------------------------------------------- notation


def _first_cell_showing(nb: dict, text: str) -> dict:
    for cell in nb["cells"]:
        shown = ["".join(cell["source"])] + [t for o in cell.get("outputs", []) for t in text_of(o)]
        if any(text in s for s in shown):
            return cell
    raise AssertionError(f"{text!r} is nowhere")


@pytest.mark.parametrize(
    ("name", "term", "definition"),
    [
        ("00_start_here.ipynb", "A2(1-A2)", "is the sigmoid's slope `sigma'(Z2)`"),
        ("00_start_here.ipynb", "dA_prev", "the gradient for the\n  layer's input `A_prev`"),
        ("00_start_here.ipynb", "saturated", "so close to 0 or 1"),
        ("01_forward_pass.ipynb", "The **loss**", "**cross-entropy**"),
        ("04_why_the_slide_skips_dA2.ipynb", "2(a - y)", "2a(1 - a)"),
    ],
)
def test_a_term_is_explained_where_it_first_appears(name, term, definition):
    cell = _first_cell_showing(load(NOTEBOOKS_DIR / name), term)
    assert cell["cell_type"] == "markdown" and definition in "".join(cell["source"])


def test_every_thing_to_try_in_07_has_its_still():
    nb = load(NOTEBOOKS_DIR / "07_stepper.ipynb")
    cells = nb["cells"]
    start = next(i for i, c in enumerate(cells) if "## Things to try" in "".join(c["source"]))
    end = next(i for i, c in enumerate(cells) if "## Check yourself" in "".join(c["source"]))
    things = [
        i for i in range(start, end) if re.search(r"^\*\*", "".join(cells[i]["source"]), re.M)
    ]
    assert len(things) == 5
    for i in things:
        still = cells[i + 1]
        assert still["cell_type"] == "code" and "nf.stepper_still(" in "".join(still["source"])
        assert any("image/png" in o.get("data", {}) for o in still.get("outputs", []))
