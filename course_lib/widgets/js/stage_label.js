// The stage title: an <h2> inside a live region made once and kept, so that a screen
// reader announces each new stage. It also names the app's landmarks: the app's root, and
// the boxes that scroll when their content is wider than the screen.

// MathJax 3 does not break a long formula across lines, so a box of formulas can be wider
// than a narrow screen and scroll. While it scrolls, a keyboard user reaches it only if it
// takes the focus itself (nothing in it can): it is then a named region in the tab order.
// While it fits, it is neither, so a wide screen has no tab stop that leads nowhere.
const SCROLLING_BOXES = [
  [".entry-expansion", "Expansion of the selected entry"],
  [".equation-box", "Equations of this stage"],
];

function nameRegion(element, label) {
  element.setAttribute("role", "region");
  element.setAttribute("aria-label", label);
}

function scrolls(box) {
  const style = getComputedStyle(box);
  const can = (overflow) => overflow === "auto" || overflow === "scroll";
  return (
    (box.scrollWidth > box.clientWidth && can(style.overflowX)) ||
    (box.scrollHeight > box.clientHeight && can(style.overflowY))
  );
}

function fitBoxes(root, watchSize) {
  for (const [selector, name] of SCROLLING_BOXES) {
    for (const box of root.querySelectorAll(selector)) {
      watchSize(box);
      if (scrolls(box)) {
        if (box.getAttribute("tabindex") !== "0") {
          nameRegion(box, name);
          box.setAttribute("tabindex", "0");
        }
      } else if (box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }
}

// Names the app's root, and checks its boxes of formulas whenever what they hold or their
// width may have changed: content put in (the views join the page one by one, MathJax
// typesets after), a box's size (a window resized, a phone turned) and fonts loaded
// (MathJax's change a formula's width). The check waits until the page has been quiet for
// QUIET_MS, so it never reads the layout in the middle of an update (a click's changes come
// in bursts) and costs a click nothing. Returns what stops it.
const QUIET_MS = 150;

function nameRegions(el, label) {
  let root = null;
  let framesLeft = 600;
  let timer = null;
  const size = new ResizeObserver(() => check());
  const watched = new WeakSet();
  const watchSize = (box) => {
    if (!watched.has(box)) {
      watched.add(box);
      size.observe(box);
    }
  };
  const check = () => {
    if (root === null) return;
    clearTimeout(timer);
    timer = setTimeout(() => fitBoxes(root, watchSize), QUIET_MS);
  };
  const content = new MutationObserver(check);
  const find = () => {
    root = el.closest(".course-app");
    if (root === null) {
      if (framesLeft-- > 0) requestAnimationFrame(find);
      return;
    }
    nameRegion(root, label);
    fitBoxes(root, watchSize);
    content.observe(root, { childList: true, subtree: true, characterData: true });
    document.fonts?.addEventListener("loadingdone", check);
  };
  find();
  return () => {
    framesLeft = 0;
    clearTimeout(timer);
    content.disconnect();
    size.disconnect();
    document.fonts?.removeEventListener("loadingdone", check);
  };
}

function render({ model, el }) {
  const live = document.createElement("div");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  const heading = document.createElement("h2");
  heading.className = "stage-title";
  live.append(heading);
  el.append(live);
  const show = () => {
    heading.textContent = model.get("value");
  };
  show();
  model.on("change:value", show);
  const stopNaming = nameRegions(el, model.get("region_label"));
  return () => {
    model.off("change:value", show);
    stopNaming();
  };
}

export default { initialize, render: counted(render) };
