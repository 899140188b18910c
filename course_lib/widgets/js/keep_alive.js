// The start of every browser view's module (browser_views.BrowserView puts it first).
//
// anywidget (0.11) gives a model 2 s from its creation in the browser to load its module
// and bind to it. A model that misses it ("[anywidget] Failed to initialize model.") still
// draws, and still sends, but ignores every message from the kernel from then on: its view
// would keep its first stage forever. On a loaded machine a page can take longer than that.
// So the model names itself with a fresh token ("bound"), and the kernel copies it into
// "live". Until the model sees its own token come back it asks again ("lost", with the
// token): every 3 s for half a minute, then every 30 s for as long as the view lives. The
// kernel gives the view a new model only when it answered that token 5 s before it read the
// question, so a kernel that was only busy (a long cell, a notebook run top to bottom) or a
// page slow to read its messages is not taken for a deaf model. The new model starts on a
// page that has finished loading.

const ASK_EVERY_MS = [3000, 30000]; // the first ASKS_AT_FIRST questions, then the rest
const ASKS_AT_FIRST = 10;

function freshToken() {
  const random = new Uint32Array(2);
  crypto.getRandomValues(random);
  return Array.from(random, (n) => n.toString(36)).join("-");
}

function initialize({ model }) {
  const token = freshToken();
  let asks = 0;
  let timer = null;
  let answered = false;
  const ask = () => {
    if (answered) return;
    if (asks > 0) model.send({ event: "lost", token });
    asks += 1;
    timer = setTimeout(ask, ASK_EVERY_MS[asks <= ASKS_AT_FIRST ? 0 : 1]);
  };
  const onLive = () => {
    if (model.get("live") !== token) return;
    answered = true;
    clearTimeout(timer);
  };
  model.on("change:live", onLive);
  model.set("bound", token);
  model.save_changes();
  ask();
  return () => {
    clearTimeout(timer);
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

