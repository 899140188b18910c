// "Stage": a native range input with its label, so it has a name, takes the arrow keys,
// Home and End, and tells a screen reader the stage's title (aria-valuetext).

let views = 0;

function render({ model, el }) {
  views += 1;
  const id = `course-stage-slider-${views}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = model.get("description");
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.step = "1";
  const shown = document.createElement("output");
  shown.htmlFor = id;
  shown.setAttribute("aria-hidden", "true");
  el.classList.add("stage-slider-view");
  el.append(label, input, shown);

  const show = () => {
    input.min = String(model.get("min"));
    input.max = String(model.get("max"));
    input.value = String(model.get("value"));
    input.setAttribute("aria-valuetext", model.get("value_text") || input.value);
    shown.textContent = input.value;
  };
  const send = () => {
    shown.textContent = input.value;
    model.set("value", Number(input.value));
    model.save_changes();
  };
  show();
  input.addEventListener("input", send);
  const events = ["change:value", "change:min", "change:max", "change:value_text"];
  events.forEach((name) => model.on(name, show));
  return () => events.forEach((name) => model.off(name, show));
}

export default { initialize, render: counted(render) };
