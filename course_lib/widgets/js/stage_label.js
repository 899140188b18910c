// The stage title: an <h2> inside a live region made once and kept, so that a screen
// reader announces each new stage. It also names the app's root as a region landmark.

function nameRoot(el, label, framesLeft) {
  const root = el.closest(".course-app");
  if (root) {
    root.setAttribute("role", "region");
    root.setAttribute("aria-label", label);
  } else if (framesLeft > 0) {
    // The view is put in the page after it renders: look again next frame.
    requestAnimationFrame(() => nameRoot(el, label, framesLeft - 1));
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
  nameRoot(el, model.get("region_label"), 600);
  return () => model.off("change:value", show);
}

export default { render };
