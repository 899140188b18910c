// The stage title: an <h2> inside a live region made once and kept, so that a screen
// reader announces each new stage. It also names the app's landmarks: the app's root, and
// the boxes that scroll when their content is wider than the screen.

// MathJax 3 does not break a long formula across lines, so a box of formulas scrolls on a
// narrow screen: a keyboard user reaches it only if it takes the focus itself (nothing in
// it can). Each is a named region in the tab order.
const SCROLLING_BOXES = [
  [".entry-expansion", "Expansion of the selected entry"],
  [".equation-box", "Equations of this stage"],
];

function nameRegion(element, label) {
  element.setAttribute("role", "region");
  element.setAttribute("aria-label", label);
}

function nameBoxes(root) {
  for (const [selector, name] of SCROLLING_BOXES) {
    for (const box of root.querySelectorAll(selector)) {
      if (box.getAttribute("tabindex") !== "0") {
        nameRegion(box, name);
        box.setAttribute("tabindex", "0");
      }
    }
  }
}

// Names the app's root and its scrolling boxes, and every box that joins the app later (the
// views are put in the page after they render, one by one). Returns what stops watching.
function nameRegions(el, label) {
  let watch = null;
  let framesLeft = 600;
  const find = () => {
    const root = el.closest(".course-app");
    if (root === null) {
      if (framesLeft-- > 0) requestAnimationFrame(find);
      return;
    }
    nameRegion(root, label);
    nameBoxes(root);
    watch = new MutationObserver(() => nameBoxes(root));
    watch.observe(root, { childList: true, subtree: true });
  };
  find();
  return () => {
    framesLeft = 0;
    if (watch) watch.disconnect();
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
