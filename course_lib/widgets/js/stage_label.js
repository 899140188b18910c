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

function nameRegions(el, label, framesLeft) {
  const root = el.closest(".course-app");
  let missing = root === null;
  if (root) {
    nameRegion(root, label);
    for (const [selector, name] of SCROLLING_BOXES) {
      const boxes = root.querySelectorAll(selector);
      missing = missing || boxes.length === 0;
      for (const box of boxes) {
        if (box.getAttribute("tabindex") !== "0") {
          nameRegion(box, name);
          box.setAttribute("tabindex", "0");
        }
      }
    }
  }
  if (missing && framesLeft > 0) {
    // The views are put in the page after they render: look again next frame.
    requestAnimationFrame(() => nameRegions(el, label, framesLeft - 1));
  }
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
  nameRegions(el, model.get("region_label"), 600);
  return () => model.off("change:value", show);
}

export default { initialize, render };
