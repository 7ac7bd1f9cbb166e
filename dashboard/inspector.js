// The task inspector: the session's tasks grouped by their `/`-separated
// names, as a tree table. The server aggregates; the page fetches one page
// (PAGE rows) of a group's sub-groups and tasks when it is expanded and
// inserts just those rows, so a session of 100,000 tasks costs no more to
// show than one of 100. Live updates fetch the expanded groups again.
import { api, h, STATES } from "./format.js";
import { groupRow, moreRow, taskRow } from "./rows.js";

/** Rows fetched per page of sub-groups or tasks (a few screens' worth). */
const PAGE = 100;

/**
 * @typedef {{ id: number; summary: any; expanded: boolean; loaded: boolean;
 *   children: Node[]; tasks: any[] }} Node
 */

export class Inspector {
  /**
   * @param {number} session The session.
   * @param {(n: number) => void} onOpen Opens a task.
   */
  constructor(session, onOpen) {
    this.session = session;
    this.onOpen = onOpen;
    this.body = h("tbody", null);
    this.body.addEventListener("click", (e) => this.click(e));
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
    /** @type {Map<number, Node>} Every group fetched, by number. */
    this.nodes = new Map();
    this.root = this.node({ id: 0 });
    this.root.expanded = true;
    /** @type {number | null} */
    this.selected = null;
  }

  /** @returns {Node} */
  node(summary) {
    let n = this.nodes.get(summary.id);
    if (!n) {
      n = { id: summary.id, summary, expanded: false, loaded: false, children: [], tasks: [] };
      this.nodes.set(n.id, n);
    }
    n.summary = summary;
    return n;
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

  /**
   * Fetches a group's rows: as many as it shows, or the next page of sub-groups or tasks.
   *
   * @param {Node} n The group.
   * @param {"groups" | "tasks" | null} more Which list to extend by a page.
   */
  async fetch(n, more = null) {
    const groups = more === "groups"
      ? `offset=${n.children.length}&limit=${PAGE}`
      : `limit=${more ? 0 : Math.max(PAGE, n.children.length)}`;
    const tasks = more === "tasks"
      ? `taskOffset=${n.tasks.length}&taskLimit=${PAGE}`
      : `taskLimit=${more ? 0 : Math.max(PAGE, n.tasks.length)}`;
    const r = await api(`/api/sessions/${this.session}/groups?group=${n.id}&${groups}&${tasks}`);
    n.summary = r.group;
    if (more !== "tasks") {
      const fresh = r.groups.map((g) => this.node(g));
      n.children = more === "groups" ? [...n.children, ...fresh] : fresh;
    }
    if (more !== "groups") n.tasks = more === "tasks" ? [...n.tasks, ...r.tasks] : r.tasks;
    n.loaded = true;
  }

  /** Fetches every expanded group again and redraws (live updates). */
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

  /** @param {MouseEvent} e */
  click(e) {
    const tr = /** @type {HTMLElement} */ (e.target).closest("tr");
    if (!tr) return;
    const depth = Number(tr.dataset.depth);
    if (tr.classList.contains("more")) {
      if (/** @type {HTMLElement} */ (e.target).closest("button")) this.more(tr, depth);
    } else if (tr.dataset.group) this.toggle(this.nodes.get(Number(tr.dataset.group)), tr, depth);
    else if (tr.dataset.task) this.onOpen(Number(tr.dataset.task));
  }

  /**
   * Expands or collapses a group.
   *
   * @param {Node} n The group.
   * @param {HTMLElement} tr Its row.
   * @param {number} depth Its depth.
   */
  async toggle(n, tr, depth) {
    n.expanded = !n.expanded;
    if (!n.expanded) {
      removeBelow(tr, depth);
      tr.outerHTML = groupRow(n.summary, false, depth);
      return;
    }
    if (!n.loaded) await this.fetch(n);
    tr.insertAdjacentHTML("afterend", groupRow(n.summary, true, depth) + this.rowsOf(n, depth + 1));
    tr.remove();
    this.select(this.selected);
  }

  /**
   * Shows the next page of a group's sub-groups or tasks in place of its "more" row.
   *
   * @param {HTMLElement} tr The "more" row.
   * @param {number} depth Its depth.
   */
  async more(tr, depth) {
    const n = this.nodes.get(Number(tr.dataset.of));
    const kind = tr.dataset.kind === "groups" ? "groups" : "tasks";
    tr.querySelector("button").disabled = true;
    const shown = kind === "groups" ? n.children.length : n.tasks.length;
    await this.fetch(n, kind);
    let html = kind === "groups"
      ? this.groupRows(n.children.slice(shown), depth)
      : n.tasks.slice(shown).map((t) => taskRow(t, depth)).join("");
    const left = kind === "groups"
      ? n.summary.groups - n.children.length
      : n.summary.tasks - n.tasks.length;
    if (left > 0) html += moreRow(n.id, kind, left, PAGE, depth);
    tr.insertAdjacentHTML("afterend", html);
    tr.remove();
    this.select(this.selected);
  }

  /** @param {number | null} n */
  select(n) {
    this.selected = n;
    for (const tr of this.body.querySelectorAll("tr.selected")) tr.classList.remove("selected");
    if (n !== null) this.body.querySelector(`tr[data-task="${n}"]`)?.classList.add("selected");
  }

  render() {
    const html = this.rowsOf(this.root, 0);
    this.body.innerHTML = html ||
      '<tr><td class="empty" colspan="9">No tasks submitted yet.</td></tr>';
    this.select(this.selected);
  }

  /**
   * The rows of a group's sub-groups (and theirs, when expanded) and tasks.
   *
   * @param {Node} n The group.
   * @param {number} depth Depth of its rows.
   * @returns {string} Their HTML.
   */
  rowsOf(n, depth) {
    let html = this.groupRows(n.children, depth);
    const more = n.summary.groups - n.children.length;
    if (more > 0) html += moreRow(n.id, "groups", more, PAGE, depth);
    for (const t of n.tasks) html += taskRow(t, depth);
    const moreTasks = n.summary.tasks - n.tasks.length;
    if (moreTasks > 0) html += moreRow(n.id, "tasks", moreTasks, PAGE, depth);
    return html;
  }

  /**
   * Rows of sub-groups; a group of a single task shows as that task.
   *
   * @param {Node[]} children The sub-groups.
   * @param {number} depth Their depth.
   * @returns {string} Their HTML.
   */
  groupRows(children, depth) {
    let html = "";
    for (const c of children) {
      if (c.summary.task) {
        html += taskRow(c.summary.task, depth, c.summary.name);
        continue;
      }
      html += groupRow(c.summary, c.expanded, depth);
      if (c.expanded) html += this.rowsOf(c, depth + 1);
    }
    return html;
  }
}

/** Removes the rows below a group's row that are deeper than it (its expanded contents). */
function removeBelow(row, depth) {
  let next = row.nextElementSibling;
  while (next && Number(next.dataset.depth) > depth) {
    const after = next.nextElementSibling;
    next.remove();
    next = after;
  }
}
