// Formatting and DOM helpers shared by the dashboard's views.

/** The five counted task states, in display order, with their colours. */
export const STATES = ["waiting", "ready", "running", "finished", "failed"];

/** Colours of name groups (by index), chosen to stay apart on white. */
export const PALETTE = [
  "#4c78a8",
  "#f58518",
  "#54a24b",
  "#b279a2",
  "#e45756",
  "#72b7b2",
  "#eeca3b",
  "#9d755d",
  "#ff9da6",
  "#bab0ac",
];

/**
 * Makes an element.
 *
 * @param {string} tag Tag name, optionally with classes: `"td.num"`.
 * @param {Record<string, unknown> | null} attrs Attributes; `on*` functions become listeners.
 * @param {...(Node | string | number | null | undefined | false)} children Children.
 * @returns {HTMLElement} The element.
 */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className += (el.className ? " " : "") + v;
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/**
 * Replaces an element's children, skipping `null`s (left by conditional parts).
 *
 * @param {Element} el The element.
 * @param {...(Node | string | null | undefined | false)} children The new children.
 */
export function fill(el, ...children) {
  el.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

/**
 * Formats a byte count.
 *
 * @param {number} n Bytes.
 * @returns {string} E.g. `"1.5 MiB"`.
 */
export function bytes(n) {
  if (!n) return "0 B";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

/**
 * Formats a duration.
 *
 * @param {number} ms Milliseconds.
 * @returns {string} E.g. `"850 ms"`, `"12.3 s"`, `"4 min 05 s"`.
 */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms === 0) return "< 1 ms"; // governors time tasks in whole milliseconds
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/**
 * Formats a time of day.
 *
 * @param {number} t Epoch ms (0 for none).
 * @returns {string} Local `HH:MM:SS`, or `"–"`.
 */
export function clock(t) {
  if (!t) return "–";
  return new Date(t).toLocaleTimeString([], { hour12: false });
}

/**
 * Formats a number with thousands separators.
 *
 * @param {number} n The number.
 * @returns {string} E.g. `"100,000"`.
 */
export function count(n) {
  return Number(n).toLocaleString("en-US");
}

/**
 * A horizontal bar of task counts per state.
 *
 * @param {Record<string, number>} counts Tasks per state.
 * @param {string} [cls] Extra class.
 * @returns {HTMLElement} The bar.
 */
export function stateBar(counts, cls = "") {
  const total = STATES.reduce((a, s) => a + (counts[s] ?? 0), 0);
  const bar = h(`div.statebar${cls ? "." + cls : ""}`, {
    title: STATES.map((s) => `${s}: ${count(counts[s] ?? 0)}`).join("\n"),
  });
  for (const s of STATES) {
    const n = counts[s] ?? 0;
    if (n > 0) bar.append(h(`span.st-${s}`, { style: { flexGrow: String(n) } }));
  }
  if (total === 0) bar.append(h("span.empty", null));
  return bar;
}

/**
 * Escapes text for HTML.
 *
 * @param {unknown} s The text.
 * @returns {string} The escaped text.
 */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * {@linkcode stateBar} as HTML text, for rows built in bulk.
 *
 * @param {Record<string, number>} counts Tasks per state.
 * @returns {string} The bar's HTML.
 */
export function stateBarHtml(counts) {
  const title = STATES.map((s) => `${s}: ${count(counts[s] ?? 0)}`).join("&#10;");
  const spans = STATES.filter((s) => counts[s] > 0)
    .map((s) => `<span class="st-${s}" style="flex-grow:${counts[s]}"></span>`).join("");
  return `<div class="statebar" title="${title}">${spans || '<span class="empty"></span>'}</div>`;
}

/**
 * A small coloured label for a state.
 *
 * @param {string} state The state.
 * @returns {HTMLElement} The chip.
 */
export function chip(state) {
  return h(`span.chip.chip-${state}`, null, state);
}

/**
 * Fetches JSON from the server's API (same origin: the auth cookie goes along).
 *
 * @param {string} path The path, e.g. `/api/cluster`.
 * @returns {Promise<any>} The parsed reply.
 */
export async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try {
      message = (await r.json()).error ?? message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new Error(message);
  }
  return r.json();
}
