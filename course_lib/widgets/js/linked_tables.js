// The stage's value beside the arrays it is computed from.
//
// Pointing at an entry of the value, or moving to it with the keyboard, marks the operand
// entries that produce it (class is-linked: a background, an outline and bold type, not
// colour alone) and names them in a line of text; all here in the browser, no message to
// the kernel. A click, a tap, or Enter / Space on the focused entry selects it: the entry
// trait goes to the kernel, which expands it. The value table is one tab stop: a grid with
// a roving tabindex (the arrow keys, Home and End move; Enter selects).
//
// data (from the kernel): {hidden, question} or {key, caption, note, rule, rows, shape,
// operands: [{name, shape, rows, link}], joins}. Every string goes in as text, not HTML.

const LINKED = {
  row: (r, c, i) => i === r,
  col: (r, c, i, j) => j === c,
  same: (r, c, i, j) => i === r && j === c,
};
const SAYS = {
  row: (name, r) => `row ${r} of ${name}`,
  col: (name, r, c) => `column ${c} of ${name}`,
  same: (name, r, c) => `${name}[${r}, ${c}]`,
};

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A matrix as a table: column numbers above, row numbers at the left, the numbers in td.
function matrix(rows, grid) {
  const table = make("table", grid ? "lt-matrix stage-matrix" : "lt-matrix");
  const head = make("tr");
  const corner = make("th", "lt-corner", "r\\c");
  corner.title = "row \\ column";
  head.append(corner);
  (rows[0] || []).forEach((_, j) => {
    const th = make("th", "", String(j));
    th.scope = "col";
    head.append(th);
  });
  table.append(head);
  rows.forEach((row, i) => {
    const tr = make("tr");
    const th = make("th", "", String(i));
    th.scope = "row";
    tr.append(th);
    row.forEach((text, j) => {
      const td = make("td", "", text);
      td.dataset.r = String(i);
      td.dataset.c = String(j);
      if (grid) {
        td.setAttribute("role", "gridcell");
        td.tabIndex = -1;
      }
      tr.append(td);
    });
    table.append(tr);
  });
  if (grid) table.setAttribute("role", "grid");
  return table;
}

function block(name, shape, table) {
  const box = make("div", "lt-block");
  const title = make("div", "lt-name", name);
  title.append(make("span", "lt-shape", ` (${shape.join(", ")})`));
  const scroll = make("div", "lt-scroll");
  scroll.dataset.label = `${name}, shape (${shape.join(", ")})`;
  scroll.append(table);
  box.append(title, scroll);
  return box;
}

// A region wider than its box scrolls, and a keyboard user must reach it: a tab stop only
// then. The grid's region needs none (its cells take the focus).
function fitScrolling(el) {
  el.querySelectorAll(".lt-scroll").forEach((scroll) => {
    const wide = scroll.scrollWidth > scroll.clientWidth + 1;
    if (wide && !scroll.querySelector("[role=grid]")) {
      scroll.tabIndex = 0;
      scroll.setAttribute("role", "region");
      scroll.setAttribute("aria-label", `${scroll.dataset.label} (scrolls sideways)`);
    } else {
      scroll.removeAttribute("tabindex");
      scroll.removeAttribute("role");
      scroll.removeAttribute("aria-label");
    }
  });
}

// A marked column or entry of a table wider than its region is scrolled into the region's
// view (the region only: the page does not move).
function showInside(scroll, td) {
  if (!td || scroll.scrollWidth <= scroll.clientWidth) return;
  const cell = td.getBoundingClientRect();
  const box = scroll.getBoundingClientRect();
  if (cell.left < box.left || cell.right > box.right) {
    scroll.scrollLeft += cell.left - box.left - (box.width - cell.width) / 2;
  }
}

function build(el, data) {
  el.replaceChildren();
  if (!data || data.hidden !== false) {
    el.append(make("div", "lt-question", data && data.question ? data.question : ""));
    return null;
  }
  el.append(make("div", "lt-caption", data.caption));
  const equation = make("div", "lt-equation");
  const grid = matrix(data.rows, true);
  grid.setAttribute("aria-label", `${data.key} values`);
  equation.append(block(data.key, data.shape, grid));
  const operands = data.operands.map((op, k) => {
    equation.append(make("div", "lt-join", data.joins[k]));
    const table = matrix(op.rows, false);
    equation.append(block(op.name, op.shape, table));
    return { op, table };
  });
  const status = make("p", "lt-status");
  status.setAttribute("aria-live", "polite");
  el.append(equation, make("div", "lt-rule", data.rule), status,
            make("div", "lt-note", data.note));
  return { grid, operands, status, data };
}

function render({ model, el }) {
  let parts = null;
  let active = [0, 0]; // the grid's one tab stop
  let pointed = null; // the cell under the pointer

  const cell = (r, c) => parts.grid.querySelector(`td[data-r="${r}"][data-c="${c}"]`);
  // What is on screen, not the model's newest data: Backbone sets every changed trait
  // before it calls the first handler, and "entry" may be handled before "data".
  const size = () => [parts.data.rows.length, parts.data.rows[0].length];

  function mark(r, c) {
    el.querySelectorAll(".is-linked").forEach((td) => td.classList.remove("is-linked"));
    if (r === null) {
      parts.status.textContent = "";
      return;
    }
    cell(r, c).classList.add("is-linked");
    const names = parts.operands.map(({ op, table }) => {
      table.querySelectorAll("td").forEach((td) => {
        if (LINKED[op.link](r, c, Number(td.dataset.r), Number(td.dataset.c))) {
          td.classList.add("is-linked");
        }
      });
      if (op.link !== "row") showInside(table.parentElement, table.querySelector(".is-linked"));
      return SAYS[op.link](op.name, r, c);
    });
    const data = parts.data;
    parts.status.textContent =
      `${data.key}[${r}, ${c}] = ${data.rows[r][c]} is computed from ${names.join(" and ")}` +
      " (marked).";
  }

  function markFocusOrNothing() {
    const focused = parts.grid.contains(document.activeElement) ? active : null;
    if (focused) mark(...focused);
    else mark(null);
  }

  function moveTo(r, c, focus) {
    const [rows, cols] = size();
    active = [Math.min(Math.max(r, 0), rows - 1), Math.min(Math.max(c, 0), cols - 1)];
    parts.grid.querySelectorAll("td").forEach((td) => { td.tabIndex = -1; });
    const target = cell(...active);
    target.tabIndex = 0;
    if (focus) target.focus();
  }

  function showSelected() {
    if (!parts) return;
    const [r, c] = model.get("entry");
    parts.grid.querySelectorAll("td").forEach((td) => {
      const on = Number(td.dataset.r) === r && Number(td.dataset.c) === c;
      td.classList.toggle("is-selected", on);
      td.setAttribute("aria-selected", on ? "true" : "false");
    });
  }

  function select(r, c) {
    model.set("entry", [r, c]);
    model.save_changes();
    showSelected();
  }

  const at = (event) => {
    const td = event.target.closest("td[role=gridcell]");
    return td ? [Number(td.dataset.r), Number(td.dataset.c)] : null;
  };
  const keys = {
    ArrowUp: ([r, c]) => [r - 1, c], ArrowDown: ([r, c]) => [r + 1, c],
    ArrowLeft: ([r, c]) => [r, c - 1], ArrowRight: ([r, c]) => [r, c + 1],
    Home: ([r]) => [r, 0], End: ([r]) => [r, Infinity],
  };

  function wire(grid) {
    grid.addEventListener("pointerover", (event) => {
      const rc = at(event);
      if (rc) { pointed = rc; mark(...rc); }
    });
    grid.addEventListener("pointerleave", () => { pointed = null; markFocusOrNothing(); });
    grid.addEventListener("focusin", (event) => {
      const rc = at(event);
      if (rc) { moveTo(...rc, false); mark(...rc); }
    });
    grid.addEventListener("focusout", (event) => {
      if (!grid.contains(event.relatedTarget) && !pointed) mark(null);
    });
    grid.addEventListener("click", (event) => {
      const rc = at(event);
      if (rc) { moveTo(...rc, true); select(...rc); }
    });
    grid.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(...active);
      } else if (keys[event.key]) {
        event.preventDefault();
        moveTo(...keys[event.key](active), true);
      }
    });
  }

  function rebuild() {
    const hadFocus = parts !== null && parts.grid.contains(document.activeElement);
    pointed = null;
    parts = build(el, model.get("data"));
    if (!parts) return;
    wire(parts.grid);
    showSelected();
    const [r, c] = model.get("entry");
    moveTo(hadFocus ? active[0] : r, hadFocus ? active[1] : c, hadFocus);
    if (hadFocus) mark(...active);
    fitScrolling(el);
  }

  const onEntry = () => {
    if (!parts || parts.data !== model.get("data")) return; // the new data's rebuild follows
    showSelected();
    if (!parts.grid.contains(document.activeElement)) moveTo(...model.get("entry"), false);
  };
  rebuild();
  model.on("change:data", rebuild);
  model.on("change:entry", onEntry);
  const resized = new ResizeObserver(() => fitScrolling(el));
  resized.observe(el);
  return () => {
    model.off("change:data", rebuild);
    model.off("change:entry", onEntry);
    resized.disconnect();
  };
}

export default { initialize, render: counted(render) };
