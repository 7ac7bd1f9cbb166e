// The task inspector: the session's tasks grouped by their `/`-separated
// names, as a tree table. The server aggregates; the page fetches one page
// (PAGE rows) of a group's sub-groups and tasks when it is expanded, so a
// session of 100,000 tasks costs no more to show than one of 100.
import { api, chip, clock, count, duration, h, stateBar, STATES } from "./format.js";

/** Rows fetched per page of sub-groups or tasks. */
const PAGE = 200;

/**
 * @typedef {{ id: number; summary: any; expanded: boolean; loaded: boolean;
 *   groupLimit: number; taskLimit: number; children: Node[]; tasks: any[] }} Node
 */

/** @returns {Node} */
function node(summary) {
  return {
    id: summary.id,
    summary,
    expanded: false,
    loaded: false,
    groupLimit: PAGE,
    taskLimit: PAGE,
    children: [],
    tasks: [],
  };
}

export class Inspector {
  /**
   * @param {number} session The session.
   * @param {(n: number) => void} onOpen Opens a task.
   */
  constructor(session, onOpen) {
    this.session = session;
    this.onOpen = onOpen;
    this.body = h("tbody", null);
    this.element = h(
      "div.tree-wrap",
      null,
      h(
        "table.grid.tree",
        { id: "inspector" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", null, "Name"),
            h("th", null, "Progress"),
            ...STATES.map((s) => h("th.num", null, s)),
            h("th.num", null, "Total time"),
            h("th.num", null, "Mean"),
          ),
        ),
        this.body,
      ),
    );
    this.root = node({ id: 0 });
    this.root.expanded = true;
    /** @type {number | null} */
    this.selected = null;
  }

  async load() {
    try {
      await this.fetch(this.root);
      this.render();
      this.element.dataset.loaded = "1";
    } catch (e) {
      this.body.replaceChildren(h("tr", null, h("td.empty", { colspan: 9 }, e.message)));
    }
  }

  /** @param {Node} n */
  async fetch(n) {
    const q = `group=${n.id}&limit=${n.groupLimit}&taskLimit=${n.taskLimit}`;
    const r = await api(`/api/sessions/${this.session}/groups?${q}`);
    const old = new Map(n.children.map((c) => [c.id, c]));
    n.summary = r.group;
    n.children = r.groups.map((g) => {
      const c = old.get(g.id) ?? node(g);
      c.summary = g;
      return c;
    });
    n.tasks = r.tasks;
    n.loaded = true;
  }

  /** Fetches every expanded group again and redraws. */
  async refresh() {
    const open = [];
    const walk = (n) => {
      if (!n.expanded) return;
      open.push(n);
      n.children.forEach(walk);
    };
    walk(this.root);
    try {
      await Promise.all(open.map((n) => this.fetch(n)));
      this.render();
    } catch {
      // The session may be past retention now; the header says so.
    }
  }

  /** @param {Node} n */
  async toggle(n) {
    n.expanded = !n.expanded;
    if (n.expanded && !n.loaded) await this.fetch(n);
    this.render();
  }

  /** @param {number | null} n */
  select(n) {
    this.selected = n;
    for (const tr of this.body.querySelectorAll("tr.selected")) tr.classList.remove("selected");
    if (n !== null) this.body.querySelector(`tr[data-task="${n}"]`)?.classList.add("selected");
  }

  render() {
    const rows = [];
    this.rowsOf(this.root, 0, rows);
    if (rows.length === 0) {
      rows.push(h("tr", null, h("td.empty", { colspan: 9 }, "No tasks submitted yet.")));
    }
    this.body.replaceChildren(...rows);
    this.select(this.selected);
  }

  /**
   * @param {Node} n
   * @param {number} depth
   * @param {HTMLElement[]} rows
   */
  rowsOf(n, depth, rows) {
    for (const c of n.children) {
      if (c.summary.task) {
        rows.push(this.taskRow(c.summary.task, depth, c.summary.name));
        continue;
      }
      rows.push(this.groupRow(c, depth));
      if (c.expanded) this.rowsOf(c, depth + 1, rows);
    }
    const more = n.summary.groups - n.children.length;
    if (more > 0) {
      rows.push(this.moreRow(depth, `${count(more)} more groups`, async () => {
        n.groupLimit += PAGE;
        await this.fetch(n);
        this.render();
      }));
    }
    for (const t of n.tasks) rows.push(this.taskRow(t, depth));
    const moreTasks = n.summary.tasks - n.tasks.length;
    if (moreTasks > 0) {
      rows.push(this.moreRow(depth, `${count(moreTasks)} more tasks`, async () => {
        n.taskLimit += PAGE;
        await this.fetch(n);
        this.render();
      }));
    }
  }

  /** @param {Node} n @param {number} depth */
  groupRow(n, depth) {
    const g = n.summary;
    const size = g.total === 1 ? "1 task" : `${count(g.total)} tasks`;
    return h(
      `tr.group${n.expanded ? ".open" : ""}`,
      { "data-group": g.id, "data-path": g.path, onclick: () => this.toggle(n) },
      h(
        "td.name",
        { style: { paddingLeft: `${8 + depth * 18}px` } },
        h("span.toggle", null, n.expanded ? "▾" : "▸"),
        h("span.label", null, g.name),
        h("span.size", null, size),
      ),
      h("td.progress", null, stateBar(g.counts)),
      ...STATES.map((s) =>
        h(`td.num.count-${s}${g.counts[s] ? "" : ".zero"}`, null, count(g.counts[s]))
      ),
      h("td.num", null, g.counts.finished ? duration(g.duration) : "–"),
      h("td.num", null, g.counts.finished ? duration(g.mean) : "–"),
    );
  }

  /** @param {any} t @param {number} depth @param {string} [label] */
  taskRow(t, depth, label) {
    const name = label ?? (t.name ? t.name.split("/").pop() : t.taskType);
    return h(
      `tr.task.task-${t.state}`,
      { "data-task": t.id, onclick: () => this.onOpen(t.id) },
      h(
        "td.name",
        { style: { paddingLeft: `${26 + depth * 18}px` } },
        h("span.tid", null, `#${t.id}`),
        h("span.label", null, name),
      ),
      h("td", null, chip(t.state)),
      h(
        "td.info",
        { colspan: 5 },
        t.governor ? h("span.mono", null, t.governor) : null,
        t.error ? h("span.err", null, t.error) : null,
      ),
      h("td.num", null, t.duration ? duration(t.duration) : "–"),
      h("td.num", null, clock(t.start)),
    );
  }

  moreRow(depth, text, load) {
    const button = h("button.more", null, `Show the next ${PAGE} (${text})`);
    button.addEventListener("click", async (e) => {
      e.stopPropagation();
      button.disabled = true;
      await load();
    });
    return h(
      "tr.more",
      null,
      h("td", { colspan: 9, style: { paddingLeft: `${26 + depth * 18}px` } }, button),
    );
  }
}
