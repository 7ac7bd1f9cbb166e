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

/**
 * Makes a function that runs `f` at most once per interval, and once more
 * after the last call.
 *
 * @param {() => void} f The function.
 * @param {() => number} interval Its least interval (ms), read at each call.
 * @returns {(() => void) & { cancel(): void }} The throttled function.
 */
function throttle(f, interval) {
  let last = 0;
  let timer = 0;
  const run = () => {
    timer = 0;
    last = Date.now();
    f();
  };
  const call = () => {
    if (timer) return;
    timer = setTimeout(run, Math.max(0, last + interval() - Date.now()));
  };
  call.cancel = () => clearTimeout(timer);
  return call;
}

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
    // A session running many tasks changes at every push: refreshes are throttled, and
    // laying out a large timeline costs the server more, so it is refreshed less often.
    this.refreshDetail = throttle(() => {
      this.inspector.refresh();
      this.detail.refresh();
    }, () => REFRESH_MS);
    this.refreshTimeline = throttle(
      () => this.timeline.refresh(),
      () => Math.max(REFRESH_MS, (store.sessions.get(this.id)?.tasks ?? 0) / 50),
    );
    this.tick = setInterval(() => this.renderHeader(), 1000);
    // The inspector first: the timeline of a large session takes longer to lay out.
    this.inspector.load().then(() => this.timeline.load());
    this.openTask(task);
  }

  destroy() {
    clearInterval(this.tick);
    this.refreshDetail.cancel();
    this.refreshTimeline.cancel();
    this.timeline.destroy();
  }

  /** @param {number | null} n */
  openTask(n) {
    this.detail.show(n);
    this.inspector.select(n);
  }

  update() {
    this.renderHeader();
    // The first snapshot brings nothing the view did not load itself.
    const first = !this.seenSnapshot && store.snapshot;
    if (store.snapshot) this.seenSnapshot = true;
    if (first || !store.changed.has(this.id)) return;
    this.refreshDetail();
    this.refreshTimeline();
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
