"""The instructor's path on a real JupyterHub, in headless Chromium.

A student opens the README's nbgitpuller link (the repository served from a bare clone by a
``file://`` URL), logs in, gets the app and steps through it; the README's JupyterLab link
opens notebook 00 and the stepper notebook (07) renders its widgets there; a second click on
the link, after the instructor has pushed changes, merges them and keeps the student's edits,
as nbgitpuller promises.
"""

from __future__ import annotations

import time

import nbformat
import pytest

from .conftest import FRONT_DOOR_USER, STUDENT
from .hub_server import REPO_NAME, bare_course_repo, commit_upstream, git
from .links import on_hub, readme_link_to
from .pages import (
    click_and_wait_for,
    describe,
    label,
    log_in,
    new_page,
    screenshot,
    step_through,
    wait_for_app,
)

pytestmark = pytest.mark.hub

ARRIVAL_S = 240  # login, spawn, clone and the app interactive: bounded, generous on 2 cores
LAB_S = 180


def open_app_by_link(browser, link: str, user: str, shot: str) -> dict:
    """Open ``link`` logged out, log in as ``user``, wait for the app; step through it."""
    context, page, log = new_page(browser)  # log.elsewhere: requests that leave the machine
    try:
        t0 = time.monotonic()
        page.goto(link)
        log_in(page, user)
        try:
            page.wait_for_url("**/voila/render/**", timeout=ARRIVAL_S * 1000)
        except Exception:
            raise AssertionError(f"never reached voila: at {page.url}, {describe(page)}") from None
        wait_for_app(page, ARRIVAL_S - (time.monotonic() - t0))
        arrived = time.monotonic() - t0
        labels = step_through(page)
        screenshot(page, shot)
        return {
            "url": page.url,
            "labels": labels,
            # MathJax typeset the stage's equation: no raw TeX on the student's screen.
            "typeset": page.locator(".stage-equation mjx-container").count(),
            "elsewhere": list(log.elsewhere),
            "seconds": arrived,
            "page_errors": list(log.page_errors),
            "console_errors": log.local_console_errors(),
        }
    finally:
        context.close()


def test_student_opens_the_readme_link_and_steps_through_the_app(hub, hub_browser, course_remote):
    link = on_hub(readme_link_to("voila/render"), hub.base_url, course_remote.as_uri())
    result = hub_browser.run(open_app_by_link, link, STUDENT, "app-by-link", timeout=ARRIVAL_S + 60)

    assert result["url"].startswith(
        hub.user_url(STUDENT, f"voila/render/{REPO_NAME}/notebooks/app.ipynb")
    )
    assert [lbl.split(":")[0] for lbl in result["labels"]] == [
        f"Stage {n} of 9" for n in range(1, 10)
    ]
    assert result["page_errors"] == []
    assert result["console_errors"] == []
    # Typeset by the MathJax voila's page bundles, and nothing (MathJax, Font Awesome, ...)
    # fetched from outside the machine: a classroom's network may not allow it.
    assert result["typeset"] >= 1
    assert result["elsewhere"] == []
    clone = hub.home(STUDENT) / REPO_NAME
    assert (clone / "notebooks" / "app.ipynb").is_file()
    assert git("rev-parse", "HEAD", cwd=clone) == git("rev-parse", "main", cwd=course_remote)


def test_logging_in_at_the_front_door_with_the_docs_default_url_opens_the_app(hub, hub_browser):
    """docs/hub.md's Z2JH config sets the app link's path as the servers' default URL: a
    student who logs in at the hub's front page gets the course pulled and the app."""
    result = hub_browser.run(
        open_app_by_link,
        f"{hub.base_url}/hub/login",
        FRONT_DOOR_USER,
        "front-door",
        timeout=ARRIVAL_S + 60,
    )
    assert result["url"].startswith(
        hub.user_url(FRONT_DOOR_USER, f"voila/render/{REPO_NAME}/notebooks/app.ipynb")
    )
    assert result["labels"][0].startswith("Stage 1 of 9:")
    assert (hub.home(FRONT_DOOR_USER) / REPO_NAME / "notebooks" / "app.ipynb").is_file()


KERNEL_READY_OR_ASKED = """() => !!document.querySelector('.jp-Dialog')
    || /\\(ipykernel\\) \\| Idle/.test(
        document.querySelector('.jp-StatusBar-Widget')?.innerText ?? '')"""


def accept_kernel_dialog(page) -> None:
    """If JupyterLab asks which kernel to start, take the one it offers (Python 3)."""
    page.wait_for_timeout(1000)  # the dialog can come a moment after the panel
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and "Select Kernel" in dialog.first.inner_text():
        dialog.locator("button.jp-mod-accept").first.click()
        page.wait_for_function(KERNEL_READY_OR_ASKED, timeout=LAB_S * 1000)


def open_lab_and_run_the_stepper(browser, link: str, user: str, stepper_url: str) -> dict:
    context, page, log = new_page(browser)
    try:
        page.goto(link)
        log_in(page, user)
        page.wait_for_url("**/lab/**", timeout=LAB_S * 1000)
        # Notebook 00 opens in JupyterLab: its tab is the current one and shows its title.
        current = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        current.locator(".jp-Notebook").wait_for(state="visible", timeout=LAB_S * 1000)
        heading = current.locator(".jp-RenderedMarkdown h1").first
        heading.wait_for(state="visible", timeout=60_000)
        title = heading.inner_text()
        tab = page.locator(
            "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel"
        ).first.inner_text()
        screenshot(page, "lab-00", enlarge=False)

        # The stepper notebook: Run > Run All Cells, as a student would.
        page.goto(stepper_url)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        panel.locator(".jp-Notebook").wait_for(state="visible", timeout=LAB_S * 1000)
        root = ".jp-NotebookPanel:not(.lm-mod-hidden)"
        # JupyterLab may ask which kernel to start (a student clicks Select). Run All only
        # once the kernel is up (the status bar says Idle): clicked earlier, JupyterLab may
        # run nothing. Retried once if no cell starts.
        page.wait_for_function(KERNEL_READY_OR_ASKED, timeout=LAB_S * 1000)
        accept_kernel_dialog(page)
        started = f"""() => Array.from(document.querySelectorAll('{root} .jp-InputPrompt'))
            .some(p => /\\[(\\*|\\d+)\\]/.test(p.innerText))"""
        for attempt in range(2):
            accept_kernel_dialog(page)
            page.locator(".lm-MenuBar-item", has_text="Run").first.click()
            page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
            try:
                page.wait_for_function(started, timeout=30_000)
                break
            except Exception:
                if attempt:
                    raise
        # JupyterLab renders only the cells near the viewport: wait for the label to exist,
        # then bring it into view.
        try:
            page.wait_for_selector(f"{root} .stage-label", state="attached", timeout=LAB_S * 1000)
        except Exception:
            screenshot(page, "lab-07-failed", enlarge=False)
            raise AssertionError(
                f"no stage label in notebook 07 after Run All Cells; the "
                f"panel shows {describe(page)}"
            ) from None
        page.locator(f"{root} .stage-label").first.scroll_into_view_if_needed()
        page.wait_for_selector(f"{root} .stage-label", state="visible", timeout=30_000)
        page.wait_for_function(
            f"""() => {{
                const panel = document.querySelector('{root}');
                const busy = panel.innerText.includes('Loading widget');
                if (busy) {{ window.__hubLabSince = null; return false; }}
                window.__hubLabSince = window.__hubLabSince || performance.now();
                return performance.now() - window.__hubLabSince >= 300;
            }}""",
            timeout=60_000,
            polling=100,
        )
        first = label(page, root)
        click_and_wait_for(page, "Next", 2, root)
        screenshot(page, "lab-07", enlarge=False)
        text = page.locator(root).inner_text()
        return {
            "tab": tab,
            "title": title,
            "first": first,
            "after_next": label(page, root),
            "errors": [t for t in ("Error displaying widget", "Traceback") if t in text],
            "page_errors": list(log.page_errors),
        }
    finally:
        context.close()


def test_the_jupyterlab_link_opens_notebook_00_and_the_stepper_renders(
    hub, hub_browser, course_remote
):
    link = on_hub(readme_link_to("lab/tree"), hub.base_url, course_remote.as_uri())
    stepper = hub.user_url(STUDENT, f"lab/tree/{REPO_NAME}/notebooks/07_stepper.ipynb")
    result = hub_browser.run(
        open_lab_and_run_the_stepper, link, STUDENT, stepper, timeout=2 * LAB_S + 60
    )

    assert result["tab"] == "00_start_here.ipynb"
    assert "Start here" in result["title"]
    assert result["first"].startswith("Stage 1 of 9:")
    assert result["after_next"].startswith("Stage 2 of 9:")
    assert result["errors"] == []
    assert result["page_errors"] == []


# ----------------------------------------------------------------------- the second pull

STUDENT_ANSWER = [
    "def sigmoid_backward(dA, cache):\n",
    "    # my answer\n",
    "    s = 1 / (1 + np.exp(-cache))\n",
    "    return dA * s * (1 - s)",
]
NEW_TITLE = "# 8. Exercises (week 2): write the backward pass, and find out which mistake you made"


def student_edits(clone) -> None:
    """The student answers exercise 1 in notebook 08 (saved as Jupyter saves), keeps notes
    in a file of their own, drafts a file the course will add later, and deletes notebook 01."""
    path = clone / "notebooks" / "08_exercises.ipynb"
    assert nbformat.writes(nbformat.read(path, as_version=4)) + "\n" == path.read_text(), (
        "notebook 08 does not round-trip through nbformat; the edit would touch every line"
    )
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith("def sigmoid_backward"))
    cell.source = "".join(STUDENT_ANSWER)
    nbformat.write(nb, path)
    (clone / "notebooks" / "my_notes.md").write_text("dZ = dA * s(1-s)\n")
    (clone / "notebooks" / "solutions.md").write_text("my own solutions draft\n")
    (clone / "notebooks" / "01_forward_pass.ipynb").unlink()


def instructor_changes(work) -> None:
    """The same exercise cell changed differently (a conflict), notebook 08's title and the
    README changed (no conflict), and a new file the student also created."""
    path = work / "notebooks" / "08_exercises.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith("def sigmoid_backward"))
    cell.source = cell.source.replace(
        "raise NotImplementedError", 'raise NotImplementedError("write this function")'
    )
    title = nb.cells[0]
    title.source = NEW_TITLE + title.source[title.source.index("\n") :]
    nbformat.write(nb, path)
    readme = work / "README.md"
    readme.write_text(readme.read_text() + "\nWeek 2: exercise notebook updated.\n")
    (work / "notebooks" / "solutions.md").write_text("the instructor's solutions\n")


def test_a_second_pull_merges_the_course_and_keeps_the_students_edits(hub, hub_browser, tmp_path):
    user = "returning-student"
    remote = bare_course_repo(tmp_path / "remote")  # this test's own: it pushes to it
    link = on_hub(readme_link_to("voila/render"), hub.base_url, remote.as_uri())
    hub_browser.run(open_app_by_link, link, user, "first-pull", timeout=ARRIVAL_S + 60)
    clone = hub.home(user) / REPO_NAME
    student_edits(clone)
    commit_upstream(remote, tmp_path / "instructor", instructor_changes, "Week 2")

    result = hub_browser.run(open_app_by_link, link, user, "second-pull", timeout=ARRIVAL_S + 60)

    assert result["labels"][0].startswith("Stage 1 of 9:")
    nb = nbformat.read(clone / "notebooks" / "08_exercises.ipynb", as_version=4)
    exercise = next(c for c in nb.cells if c.source.startswith("def sigmoid_backward"))
    assert exercise.source == "".join(STUDENT_ANSWER), "the student's answer was not kept"
    assert nb.cells[0].source.startswith(NEW_TITLE), "the course's change to 08 was not merged"
    assert "Week 2: exercise notebook updated." in (clone / "README.md").read_text()
    assert (clone / "notebooks" / "my_notes.md").read_text() == "dZ = dA * s(1-s)\n"
    assert (clone / "notebooks" / "01_forward_pass.ipynb").is_file(), "a deleted file stays gone"
    assert (clone / "notebooks" / "solutions.md").read_text() == "the instructor's solutions\n"
    renamed = sorted((clone / "notebooks").glob("solutions__*.md"))
    assert len(renamed) == 1 and renamed[0].read_text() == "my own solutions draft\n", (
        f"the student's clashing file should be kept under a new name, found {renamed}"
    )
    upstream = git("rev-parse", "main", cwd=remote).strip()
    assert git("merge-base", "--is-ancestor", upstream, "HEAD", cwd=clone) == ""
