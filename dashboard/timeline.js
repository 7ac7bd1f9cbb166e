// The timeline: one row per governor cpu slot, one bar per task, coloured by
// the task's top-level name group, on a canvas. Wheel or the buttons zoom
// (around the pointer), dragging pans, a double click shows everything. The
// server sends the bars of the visible window only, merging bars narrower
// than a pixel when there are very many.
import { api, duration, fill, h, PALETTE } from "./format.js";

const LABEL_W = 170;
const AXIS_H = 22;
const MERGED = "#8a94a6";
/** Numbers per bar in the server's reply: row, start, end, group, task, state. */
const FIELDS = 6;

export class Timeline {
  /**
   * @param {number} session The session.
   * @param {(n: number) => void} onOpen Opens a task.
   */
  constructor(session, onOpen) {
    this.session = session;
    this.onOpen = onOpen;
    this.canvas = h("canvas", { id: "timeline" });
    this.tip = h("div.tip", { hidden: true });
    this.legend = h("ul.legend.groups", null);
    this.note = h("span.hint", null, "Wheel to zoom, drag to pan, double-click to show all.");
    const button = (label, title, f) => h("button", { title, onclick: f }, label);
    this.element = h(
      "div.timeline",
      null,
      h(
        "div.toolbar",
        null,
        button("+", "Zoom in", () => this.zoomBy(0.5)),
        button("−", "Zoom out", () => this.zoomBy(2)),
        button("All", "Show the whole session", () => this.reset()),
        this.note,
      ),
      h("div.canvas-wrap", null, this.canvas, this.tip),
      this.legend,
    );
    /** The last window fetched. */
    this.data = null;
    /** Visible window in ms from the origin; `null` follows the whole session. */
    this.view = null;
    this.fetchTimer = 0;
    this.drag = null;
    this.wire();
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(this.element);
  }

  destroy() {
    this.resize.disconnect();
    clearTimeout(this.fetchTimer);
  }

  load() {
    return this.refresh();
  }

  /** Fetches the bars of the visible window. */
  async refresh() {
    const width = Math.max(100, this.plotWidth());
    const range = this.view ? `&from=${this.view.from}&to=${this.view.to}` : "";
    try {
      this.data = await api(`/api/sessions/${this.session}/timeline?width=${width}${range}`);
    } catch {
      return; // past retention: the header says so
    }
    this.draw();
    this.canvas.dataset.loaded = "1";
  }

  plotWidth() {
    return (this.canvas.parentElement?.clientWidth ?? 800) - LABEL_W;
  }

  window() {
    const span = Math.max(this.data?.span ?? 0, 1);
    return this.view ?? { from: 0, to: span };
  }

  zoomBy(factor, atX = this.plotWidth() / 2) {
    const { from, to } = this.window();
    const t = from + ((to - from) * atX) / this.plotWidth();
    const width = Math.max((to - from) * factor, 0.01);
    this.setView(t - ((t - from) / (to - from)) * width, t + ((to - t) / (to - from)) * width);
  }

  setView(from, to) {
    const span = Math.max(this.data?.span ?? 0, 1);
    if (to - from >= span) return this.reset();
    this.view = { from, to };
    this.draw();
    clearTimeout(this.fetchTimer);
    this.fetchTimer = setTimeout(() => this.refresh(), 120);
  }

  reset() {
    this.view = null;
    this.refresh();
  }

  wire() {
    const c = this.canvas;
    c.addEventListener("wheel", (e) => {
      e.preventDefault();
      this.zoomBy(e.deltaY < 0 ? 0.8 : 1.25, e.offsetX - LABEL_W);
    }, { passive: false });
    c.addEventListener("mousedown", (e) => {
      this.drag = { x: e.clientX, view: this.window(), moved: false };
    });
    addEventListener("mouseup", () => setTimeout(() => this.drag = null));
    c.addEventListener("mousemove", (e) => {
      if (this.drag && e.buttons === 1) {
        const dx = e.clientX - this.drag.x;
        if (Math.abs(dx) > 3) this.drag.moved = true;
        const { from, to } = this.drag.view;
        const dt = (-dx * (to - from)) / this.plotWidth();
        if (this.drag.moved) this.setView(from + dt, to + dt);
        return;
      }
      this.hover(e);
    });
    c.addEventListener("mouseleave", () => this.tip.hidden = true);
    c.addEventListener("dblclick", () => this.reset());
    c.addEventListener("click", (e) => {
      if (this.drag?.moved) return;
      const bar = this.barAt(e.offsetX, e.offsetY);
      if (bar && bar.n >= 0) this.onOpen(bar.n);
    });
  }

  rowHeight() {
    const rows = this.data?.rows.length ?? 1;
    return Math.max(6, Math.min(20, Math.floor(420 / Math.max(rows, 1))));
  }

  /** The bar under a point of the canvas, if any. */
  barAt(x, y) {
    const d = this.data;
    if (!d || x < LABEL_W) return null;
    const row = Math.floor((y - AXIS_H) / this.rowHeight());
    const { from, to } = this.window();
    const t = from + ((x - LABEL_W) * (to - from)) / this.plotWidth();
    const slack = (2 * (to - from)) / this.plotWidth();
    const b = d.bars;
    for (let i = 0; i < b.length; i += FIELDS) {
      if (b[i] === row && b[i + 1] - slack <= t && t <= b[i + 2] + slack) {
        return { start: b[i + 1], end: b[i + 2], group: b[i + 3], n: b[i + 4], state: b[i + 5] };
      }
    }
    return null;
  }

  hover(e) {
    const bar = this.barAt(e.offsetX, e.offsetY);
    if (!bar) {
      this.tip.hidden = true;
      return;
    }
    const group = bar.group >= 0 ? this.data.groups[bar.group] : "several groups";
    this.tip.replaceChildren(
      h("b", null, bar.n >= 0 ? `#${bar.n} ${group}` : `merged bars (${group})`),
      h("div", null, `${duration(bar.end - bar.start)} from +${duration(bar.start)}`),
      bar.state ? h("div", null, bar.state === 1 ? "failed" : "running") : "",
    );
    this.tip.style.left = `${e.offsetX + 12}px`;
    this.tip.style.top = `${e.offsetY + 12}px`;
    this.tip.hidden = false;
  }

  draw() {
    const d = this.data;
    const wrap = this.canvas.parentElement;
    if (!d || !wrap) return;
    const rowH = this.rowHeight();
    const width = wrap.clientWidth;
    const height = AXIS_H + Math.max(d.rows.length, 1) * rowH + 4;
    const dpr = devicePixelRatio || 1;
    this.canvas.width = width * dpr;
    this.canvas.height = height * dpr;
    this.canvas.style.height = `${height}px`;
    const g = this.canvas.getContext("2d");
    g.scale(dpr, dpr);
    g.clearRect(0, 0, width, height);
    g.font = "11px system-ui, sans-serif";
    g.textBaseline = "middle";
    const { from, to } = this.window();
    const plotW = width - LABEL_W;
    const x = (t) => LABEL_W + ((t - from) * plotW) / (to - from);
    this.axis(g, from, to, x, height);
    let last = "";
    d.rows.forEach((r, i) => {
      const y = AXIS_H + i * rowH;
      if (i % 2 === 0) {
        g.fillStyle = "#f7f8fa";
        g.fillRect(LABEL_W, y, plotW, rowH);
      }
      g.fillStyle = "#5b6473";
      const label = r.governor !== last ? `${r.governor} · cpu ${r.slot + 1}` : `cpu ${r.slot + 1}`;
      if (rowH >= 10) g.fillText(label, 6, y + rowH / 2, LABEL_W - 10);
      last = r.governor;
    });
    let drawn = 0;
    const b = d.bars;
    for (let i = 0; i < b.length; i += FIELDS) {
      const x0 = Math.max(x(b[i + 1]), LABEL_W), x1 = Math.min(x(b[i + 2]), width);
      if (x1 < LABEL_W || x0 > width) continue;
      const y = AXIS_H + b[i] * rowH + 1, w = Math.max(1, x1 - x0 - 0.5), bh = rowH - 2;
      g.fillStyle = b[i + 3] >= 0 ? PALETTE[b[i + 3] % PALETTE.length] : MERGED;
      g.globalAlpha = b[i + 5] === 2 ? 0.55 : 1; // running: lighter
      g.fillRect(x0, y, w, bh);
      g.globalAlpha = 1;
      if (b[i + 5] === 1) {
        // Failed: a red frame.
        g.strokeStyle = "#e5484d";
        g.lineWidth = 2;
        g.strokeRect(x0 + 1, y + 1, Math.max(1, w - 2), bh - 2);
        g.lineWidth = 1;
      }
      drawn++;
    }
    this.canvas.dataset.bars = String(drawn);
    fill(
      this.legend,
      ...d.groups.map((name, i) =>
        h(
          "li",
          null,
          h("span.swatch", { style: { background: PALETTE[i % PALETTE.length] } }),
          name || "(root)",
        )
      ),
      d.merged
        ? h("li", null, h("span.swatch", { style: { background: MERGED } }), "merged")
        : null,
    );
  }

  axis(g, from, to, x, height) {
    // About eight ticks, at 1, 2 or 5 times a power of ten.
    const raw = Math.max((to - from) / 8, 1e-6);
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((s) => s * magnitude).find((s) => s >= raw) ?? raw;
    g.strokeStyle = "#e3e6eb";
    g.fillStyle = "#5b6473";
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
      const px = x(t);
      g.beginPath();
      g.moveTo(px, AXIS_H - 4);
      g.lineTo(px, height);
      g.stroke();
      g.fillText(t === 0 ? "0" : `+${duration(t)}`, px + 3, AXIS_H / 2);
    }
  }
}
