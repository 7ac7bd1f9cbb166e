// One session: its summary, the task inspector with the detail of the open
// task, and the timeline. Live: when the feed says the session changed, the
// inspector and timeline fetch again (at most every REFRESH_MS).
import { chip, clock, count, duration, fill, h, stateBar, STATES } from "./format.js";
import { Inspector } from "./inspector.js";
import { shownState } from "./overview.js";
import { serverNow, store } from "./store.js";
import { TaskDetail } from "./task_detail.js";
import { Timeline } from "./timeline.js";

/** Least time between two refreshes of the inspector and timeline (ms). */
const REFRESH_MS = 500;

export class SessionView {
  /**
   * @param {HTMLElement} root Where to draw.
   * @param {number} id The session.
   * @param {number | null} task The task to open.
   */
  constructor(root, id, task) {
    this.id = id;
    this.header = h("div.session-head", null);
    this.detail = new TaskDetail(id);
    this.inspector = new Inspector(id, (n) => location.hash = `#/session/${id}/task/${n}`);
    this.timeline = new Timeline(id, (n) => location.hash = `#/session/${id}/task/${n}`);
    const trace = h(
      "a.button",
      { href: `/api/sessions/${id}/trace`, download: `rain-session-${id}-trace.json`, id: "trace" },
      "Export trace (Perfetto)",
    );
    root.append(
      h(
        "section.card",
        { id: "session" },
        h(
          "div.crumbs",
          null,
          h("a", { href: "#/" }, "← Cluster"),
          h("span.spacer", null),
          trace,
        ),
        this.header,
      ),
      h(
        "div.split",
        null,
        h(
          "section.card.inspector-card",
          null,
          h("h2", null, "Task inspector"),
          this.inspector.element,
        ),
        h("section.card.detail-card", null, this.detail.element),
      ),
      h("section.card", { id: "timeline-card" }, h("h2", null, "Timeline"), this.timeline.element),
    );
    this.lastRefresh = 0;
    this.refreshTimer = 0;
    this.tick = setInterval(() => this.renderHeader(), 1000);
    this.inspector.load();
    this.timeline.load();
    this.openTask(task);
  }

  destroy() {
    clearInterval(this.tick);
    clearTimeout(this.refreshTimer);
    this.timeline.destroy();
  }

  /** @param {number | null} n */
  openTask(n) {
    this.detail.show(n);
    this.inspector.select(n);
  }

  update() {
    this.renderHeader();
    if (!store.changed.has(this.id)) return;
    // Throttled: a session running many tasks changes at every push.
    const wait = this.lastRefresh + REFRESH_MS - Date.now();
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = 0;
      this.lastRefresh = Date.now();
      this.inspector.refresh();
      this.timeline.refresh();
      this.detail.refresh();
    }, Math.max(0, wait));
  }

  renderHeader() {
    const s = store.sessions.get(this.id);
    if (!s) {
      this.header.replaceChildren(
        h(
          "p.empty",
          null,
          store.connected
            ? `Session ${this.id} is not known: it was never opened, or is past retention.`
            : "Connecting…",
        ),
      );
      return;
    }
    const end = s.ended || s.finished || serverNow();
    fill(
      this.header,
      h(
        "div.title",
        null,
        h("h1", null, `Session ${s.id}`, s.name ? h("span.name", null, s.name) : null),
        chip(shownState(s)),
      ),
      h(
        "dl.facts",
        null,
        h("dt", null, "Client"),
        h("dd.mono", null, s.client || "–"),
        h("dt", null, "Started"),
        h("dd", null, clock(s.opened)),
        h("dt", null, "Duration"),
        h("dd", null, duration(end - s.opened)),
        h("dt", null, "Tasks"),
        h("dd", null, count(s.tasks)),
      ),
      stateBar(s.counts, "big"),
      h(
        "ul.legend",
        null,
        ...STATES.map((st) =>
          h(
            `li.count-${st}`,
            null,
            h(`span.swatch.st-${st}`, null),
            `${st} `,
            h("b", null, count(s.counts[st])),
          )
        ),
      ),
      s.state === "failed"
        ? h(
          "div.banner.error",
          { id: "session-error" },
          h("strong", null, "Session failed"),
          h("pre", null, s.error),
        )
        : null,
    );
  }
}
