// Rows of the task inspector as HTML text: a page of rows is parsed in one
// go, far faster than building its elements one by one. Clicks are handled
// by the inspector on the whole table (rows carry data attributes).
import { clock, count, duration, esc, stateBarHtml, STATES } from "./format.js";

/** Left padding of a row's name cell at a depth. */
function indent(depth, extra) {
  return `padding-left:${extra + depth * 18}px`;
}

/**
 * A group's row.
 *
 * @param {any} g The group's summary.
 * @param {boolean} open Whether it is expanded.
 * @param {number} depth Its depth.
 * @returns {string} The row's HTML.
 */
export function groupRow(g, open, depth) {
  const counts = STATES.map((s) =>
    `<td class="num count-${s}${g.counts[s] ? "" : " zero"}">${count(g.counts[s])}</td>`
  ).join("");
  const times = g.counts.finished
    ? `<td class="num">${duration(g.duration)}</td><td class="num">${duration(g.mean)}</td>`
    : '<td class="num">–</td><td class="num">–</td>';
  return `<tr class="group${open ? " open" : ""}" data-group="${g.id}" data-path="${
    esc(g.path)
  }" data-depth="${depth}"><td class="name" style="${indent(depth, 8)}">` +
    `<span class="toggle">${open ? "▾" : "▸"}</span><span class="label">${esc(g.name)}</span>` +
    `<span class="size">${g.total === 1 ? "1 task" : `${count(g.total)} tasks`}</span></td>` +
    `<td class="progress">${stateBarHtml(g.counts)}</td>${counts}${times}</tr>`;
}

/**
 * A task's row.
 *
 * @param {any} t The task's row data.
 * @param {number} depth Its depth.
 * @param {string} [label] Its label (default: the last part of its name).
 * @returns {string} The row's HTML.
 */
export function taskRow(t, depth, label) {
  const name = label ?? (t.name ? t.name.split("/").pop() : t.taskType);
  const info = (t.governor ? `<span class="mono">${esc(t.governor)}</span>` : "") +
    (t.error ? `<span class="err">${esc(t.error)}</span>` : "");
  return `<tr class="task task-${t.state}" data-task="${t.id}" data-depth="${depth}">` +
    `<td class="name" style="${indent(depth, 26)}"><span class="tid">#${t.id}</span>` +
    `<span class="label">${esc(name)}</span></td>` +
    `<td><span class="chip chip-${t.state}">${t.state}</span></td>` +
    `<td class="info" colspan="5">${info}</td>` +
    `<td class="num">${
      t.state === "finished" || t.state === "failed" ? duration(t.duration) : "–"
    }</td>` +
    `<td class="num">${clock(t.start)}</td></tr>`;
}

/**
 * A row whose button shows the next page of a group's sub-groups or tasks.
 *
 * @param {number} group The group.
 * @param {"groups" | "tasks"} kind Which list.
 * @param {number} left How many are not shown yet.
 * @param {number} page Rows per page.
 * @param {number} depth Depth of the rows it adds.
 * @returns {string} The row's HTML.
 */
export function moreRow(group, kind, left, page, depth) {
  return `<tr class="more" data-of="${group}" data-kind="${kind}" data-depth="${depth}">` +
    `<td colspan="9" style="${indent(depth, 26)}"><button class="more">` +
    `Show the next ${page} (${count(left)} more ${kind})</button></td></tr>`;
}
