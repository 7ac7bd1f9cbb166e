// The overview: governors, sessions and the latest cluster events.
import { bytes, chip, clock, count, duration, h, stateBar, STATES } from "./format.js";
import { serverNow, store } from "./store.js";

/**
 * Describes a notable event in words.
 *
 * @param {any} e The event.
 * @returns {string} The sentence.
 */
export function describeEvent(e) {
  const s = store.sessions.get(e.session);
  const name = s?.name ? `session ${e.session} "${s.name}"` : `session ${e.session}`;
  switch (e.type) {
    case "governor:joined":
      return `governor ${e.governor} joined with ${e.cpus} cpus`;
    case "governor:lost":
      return `governor ${e.governor} lost: ${e.reason}`;
    case "session:opened":
      return `${name} opened by ${e.client || "a client"}`;
    case "session:finished":
      return `${name}: all tasks finished`;
    case "session:failed":
      return `${name} failed: ${e.error.split("\n", 1)[0]}`;
    case "session:closed":
      return `${name} closed`;
    default:
      return e.type;
  }
}

/**
 * The state shown for a session: an open one with unfinished tasks is running.
 *
 * @param {any} s The session summary.
 * @returns {string} The state.
 */
export function shownState(s) {
  const c = s.counts;
  return s.state === "open" && c.waiting + c.ready + c.running > 0 ? "running" : s.state;
}

/** Duration of a session so far (or in all, once it ended). */
function sessionDuration(s) {
  return (s.ended || s.finished || serverNow()) - s.opened;
}

export class OverviewView {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.governorBody = h("tbody", null);
    this.sessionBody = h("tbody", null);
    this.logList = h("ol.log", null);
    this.failedNote = h("div.failed-note", { hidden: true });
    /** @type {Map<number, HTMLTableRowElement[]>} */
    this.rows = new Map();
    root.append(
      h(
        "section.card",
        { id: "cluster" },
        h("h2", null, "Cluster"),
        h(
          "table.grid",
          { id: "governors" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ...[
                "Governor",
                "CPUs used",
                "Running",
                "Finished",
                "Objects",
                "Stored",
                "Memory",
                "Joined",
                "Status",
              ].map((t) => h("th", null, t)),
            ),
          ),
          this.governorBody,
        ),
      ),
      h(
        "section.card",
        { id: "sessions" },
        h("h2", null, "Sessions"),
        this.failedNote,
        h(
          "table.grid.sessions",
          null,
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th.num", null, "#"),
              ...["Name", "Client", "State", "Progress"].map((t) => h("th", null, t)),
              ...STATES.map((t) => h("th.num", null, t)),
              h("th", null, "Started"),
              h("th.num", null, "Duration"),
            ),
          ),
          this.sessionBody,
        ),
      ),
      h("section.card", { id: "events" }, h("h2", null, "Events"), this.logList),
    );
    // Durations of open sessions grow without any event.
    this.timer = setInterval(() => {
      for (const s of store.sessions.values()) if (!s.ended && !s.finished) this.renderSession(s);
    }, 1000);
    this.all = true;
  }

  destroy() {
    clearInterval(this.timer);
  }

  update() {
    this.renderGovernors();
    const ids = this.all ? [...store.sessions.keys()] : [...store.changed];
    this.all = false;
    for (const [id, rows] of this.rows) {
      if (!store.sessions.has(id)) {
        for (const r of rows) r.remove();
        this.rows.delete(id);
      }
    }
    for (const id of ids) {
      const s = store.sessions.get(id);
      if (s) this.renderSession(s);
    }
    const failed = [...store.sessions.values()].filter((s) => s.state === "failed").length;
    this.failedNote.hidden = failed === 0;
    this.failedNote.textContent = `${failed} failed session${failed === 1 ? "" : "s"}`;
    this.renderLog();
  }

  renderGovernors() {
    const rows = store.governors.map((g) =>
      h(
        `tr${g.lost ? ".lost" : ""}`,
        { "data-governor": g.id },
        h("td.mono", null, g.id),
        h(
          "td",
          null,
          h(
            "div.usage",
            null,
            h(
              "div.meter",
              null,
              h("span", {
                style: { width: `${(100 * Math.min(g.used, g.cpus)) / g.cpus}%` },
              }),
            ),
            h("span.num", null, `${Math.min(g.used, g.cpus)} / ${g.cpus}`),
            // A busy governor gets tasks queued ahead of time.
            g.used > g.cpus ? h("span.queued", null, `+${g.used - g.cpus} queued`) : null,
          ),
        ),
        h("td.num", null, count(g.tasks)),
        h("td.num", null, count(g.finished)),
        h("td.num", null, count(g.objects)),
        h("td.num", null, bytes(g.bytes)),
        h("td.num", null, g.memory ? bytes(g.memory) : "–"),
        h("td", null, clock(g.joined)),
        h(
          "td",
          null,
          g.lost ? h("span.chip.chip-failed", { title: g.reason }, `lost ${clock(g.lost)}`) : chip(
            "connected",
          ),
          g.lost ? h("div.reason", null, g.reason) : null,
        ),
      )
    );
    if (rows.length === 0) {
      rows.push(h("tr", null, h("td.empty", { colspan: 9 }, "No governor has joined yet.")));
    }
    this.governorBody.replaceChildren(...rows);
  }

  /** @param {any} s */
  renderSession(s) {
    const link = `#/session/${s.id}`;
    const row = h(
      `tr.session.state-${s.state}`,
      { "data-session": s.id, onclick: () => location.hash = link },
      h("td.num", null, s.id),
      h("td", null, h("a", { href: link }, s.name || h("i", null, "unnamed"))),
      h("td.mono", null, s.client || "–"),
      h("td", null, chip(shownState(s))),
      h("td.progress", null, stateBar(s.counts)),
      ...STATES.map((st) =>
        h(`td.num.count-${st}${s.counts[st] ? "" : ".zero"}`, null, count(s.counts[st]))
      ),
      h("td", null, clock(s.opened)),
      h("td.num", null, duration(sessionDuration(s))),
    );
    const rows = [row];
    if (s.state === "failed") {
      rows.push(
        h(
          "tr.error-row",
          { "data-session-error": s.id },
          h("td", { colspan: 13 }, h("pre.error", null, s.error)),
        ),
      );
    }
    const old = this.rows.get(s.id);
    if (old) {
      old[0].replaceWith(...rows);
      for (const r of old.slice(1)) r.remove();
    } else {
      // Newest first: before the first row of an older session.
      const next = [...this.rows.keys()].filter((id) => id < s.id).sort((a, b) => b - a)[0];
      const before = next === undefined ? null : this.rows.get(next)[0];
      this.sessionBody.insertBefore(rowsFragment(rows), before);
    }
    this.rows.set(s.id, rows);
  }

  renderLog() {
    const items = store.log.slice(-50).reverse().map((e) =>
      h(
        `li.ev-${e.type.replace(":", "-")}`,
        null,
        h("time", null, clock(e.time)),
        " ",
        describeEvent(e),
      )
    );
    if (items.length === 0) items.push(h("li.empty", null, "Nothing happened yet."));
    this.logList.replaceChildren(...items);
  }
}

function rowsFragment(rows) {
  const f = document.createDocumentFragment();
  f.append(...rows);
  return f;
}
