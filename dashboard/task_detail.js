// The detail of one task: state, governor and times, its error (a program's
// stderr tail included) and debug log, its spec, and its inputs and outputs
// with sizes and content types.
import { api, bytes, chip, clock, duration, fill, h } from "./format.js";

export class TaskDetail {
  /** @param {number} session */
  constructor(session) {
    this.session = session;
    this.element = h("div.detail", { id: "task-detail" });
    /** @type {number | null} */
    this.task = null;
    this.show(null);
  }

  /** @param {number | null} n */
  async show(n) {
    this.task = n;
    if (n === null) {
      this.element.replaceChildren(
        h("h2", null, "Task"),
        h("p.empty", null, "Click a task in the inspector or a bar in the timeline."),
      );
      return;
    }
    await this.refresh();
  }

  async refresh() {
    const n = this.task;
    if (n === null) return;
    let t;
    try {
      t = await api(`/api/sessions/${this.session}/tasks/${n}`);
    } catch (e) {
      this.element.replaceChildren(h("h2", null, `Task ${n}`), h("p.empty", null, e.message));
      return;
    }
    if (this.task !== n) return; // another task was opened meanwhile
    fill(this.element, ...render(t));
    this.element.dataset.task = String(n);
  }
}

function objects(title, list, input) {
  if (list.length === 0) return [h("h3", null, title), h("p.empty", null, "none")];
  return [
    h("h3", null, title),
    h(
      "table.grid.objects",
      null,
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ...["#", "Label", "State", "Size", "Content type", "Type"].map((x) => h("th", null, x)),
        ),
      ),
      h(
        "tbody",
        null,
        ...list.map((o) =>
          h(
            "tr",
            { "data-object": o.id },
            h("td.num", null, o.id),
            h(
              "td",
              null,
              (input ? o.inputLabel : o.label) || h("i", null, "none"),
              o.keep ? h("span.tag", null, "kept") : null,
            ),
            h("td", null, chip(o.state)),
            h("td.num", null, o.state === "waiting" ? "–" : bytes(o.size)),
            h("td.mono", null, o.contentType || h("i", null, "raw")),
            h("td", null, o.dataType),
          )
        ),
      ),
    ),
  ];
}

function json(value) {
  return JSON.stringify(value, null, 2);
}

function isEmpty(r) {
  return !r || Object.keys(r).length === 0;
}

/** @param {any} t */
function render(t) {
  return [
    h(
      "div.title",
      null,
      h("h2", null, t.name || h("i", null, `unnamed ${t.taskType}`)),
      chip(t.state),
    ),
    h(
      "dl.facts",
      null,
      h("dt", null, "Id"),
      h("dd.mono", null, `${t.session}/${t.id}`),
      h("dt", null, "Type"),
      h("dd.mono", null, t.taskType),
      h("dt", null, "Governor"),
      h("dd.mono", null, t.governor || "–"),
      h("dt", null, "CPUs"),
      h("dd", null, t.cpus),
      h("dt", null, "Started"),
      h("dd", null, clock(t.start)),
      h("dt", null, "Duration"),
      h("dd", null, t.duration || t.state === "finished" ? duration(t.duration) : "–"),
    ),
    t.errorText ? h("h3.error", null, "Error") : null,
    t.errorText ? h("pre.error", { id: "task-error" }, t.errorText) : null,
    t.debug ? h("h3", null, "Debug log") : null,
    t.debug ? h("pre", null, t.debug) : null,
    ...objects("Inputs", t.inputs, true),
    ...objects("Outputs", t.outputs, false),
    h("h3", null, "Config"),
    h("pre.config", null, json(t.config)),
    isEmpty(t.user) ? null : h("h3", null, "User attributes"),
    isEmpty(t.user) ? null : h("pre", null, json(t.user)),
    isEmpty(t.infoUser) ? null : h("h3", null, "Info set by the task"),
    isEmpty(t.infoUser) ? null : h("pre", null, json(t.infoUser)),
  ];
}
