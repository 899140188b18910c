// The start of every browser view's module (browser_views.BrowserView puts it first).
//
// anywidget (0.11) gives a model 2 s from its creation in the browser to load its module
// and bind to it. A model that misses it ("[anywidget] Failed to initialize model.") still
// draws, and still sends, but ignores every message from the kernel from then on: its view
// would keep its first stage forever. On a loaded machine a page can take longer than that.
// So the model names itself with a fresh token ("bound"), and the kernel copies it into
// "live". Until the model sees its own token come back it asks again every ASK_EVERY_MS
// ("lost", with the token); the kernel gives the view a new model only when it answered
// that token 5 s before, so a kernel that was only busy (a long cell, a notebook run top
// to bottom) or a page slow to read its messages is not taken for a deaf model. The new model starts on a page that has
// finished loading.

const ASK_EVERY_MS = 3000;
const ASKS = 10;

function freshToken() {
  const random = new Uint32Array(2);
  crypto.getRandomValues(random);
  return Array.from(random, (n) => n.toString(36)).join("-");
}

function initialize({ model }) {
  const token = freshToken();
  let asks = 0;
  let timer = null;
  const onLive = () => {
    if (model.get("live") === token) clearInterval(timer);
  };
  model.on("change:live", onLive);
  model.set("bound", token);
  model.save_changes();
  timer = setInterval(() => {
    asks += 1;
    if (asks > ASKS) clearInterval(timer);
    else model.send({ event: "lost", token });
  }, ASK_EVERY_MS);
  return () => {
    clearInterval(timer);
    model.off("change:live", onLive);
  };
}

// A view shows how many new models the kernel gave it (data-reopened), for the tests and
// benchmarks that count them.
function counted(render) {
  return ({ model, el, ...rest }) => {
    el.dataset.reopened = String(model.get("reopened"));
    return render({ model, el, ...rest });
  };
}

