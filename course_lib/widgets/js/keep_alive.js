// The start of every browser view's module (browser_views.BrowserView puts it first).
//
// anywidget (0.11) gives a model 2 s from its creation in the browser to load its module
// and bind to it. A model that misses it ("[anywidget] Failed to initialize model.") still
// draws, and still sends, but ignores every message from the kernel from then on: its view
// would keep its first stage forever. On a loaded machine a page can take longer than that.
// So the model names itself with a fresh token ("bound"); the kernel copies it into
// "live". A model that has not seen its own token come back after LOST_AFTER_MS says it is
// lost, and the kernel gives the view a new model: a second start, on a page that has
// finished loading by then.

const LOST_AFTER_MS = 4000;

function freshToken() {
  const random = new Uint32Array(2);
  crypto.getRandomValues(random);
  return Array.from(random, (n) => n.toString(36)).join("-");
}

function initialize({ model }) {
  const token = freshToken();
  let answered = false;
  const onLive = () => {
    answered = answered || model.get("live") === token;
  };
  model.on("change:live", onLive);
  model.set("bound", token);
  model.save_changes();
  const timer = setTimeout(() => {
    if (!answered) model.send({ event: "lost" });
  }, LOST_AFTER_MS);
  return () => {
    clearTimeout(timer);
    model.off("change:live", onLive);
  };
}

