/**
 * The dashboard's routes on the server's own Hono app (so whatever guards
 * the app guards them too): the static page under `/dashboard/`, the JSON
 * API it reads under `/api/`, and the live feed.
 *
 * @module
 */
import type { Context, Hono } from "npm:hono@^4.10.0";
import { streamSSE } from "npm:hono@^4.10.0/streaming";
import type { EventLog } from "../events/event_log.ts";
import type { Monitor } from "../monitor/monitor.ts";
import type { SessionRecord } from "../monitor/session_record.ts";
import { taskDetail, taskRow } from "../monitor/task_view.ts";
import { timelineWindow } from "../monitor/timeline.ts";
import { traceChunks } from "../monitor/trace.ts";
import { DASHBOARD_ASSETS } from "./assets.ts";
import type { LiveFeed } from "./live_feed.ts";

/** What the dashboard routes read. */
export interface DashboardSource {
  /** The event stream. */
  events: EventLog;
  /** The monitor built from it. */
  monitor: Monitor;
  /** The live feed. */
  feed: LiveFeed;
  /** `live` for a running server, or the path of the replayed log file. */
  source: string;
}

/** Most groups or tasks in one page (the dashboard shows 200 more at a time). */
const MAX_PAGE = 10_000;

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};

function int(c: Context, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = c.req.query(name);
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(Math.max(0, n), max) : fallback;
}

function notFound(c: Context, what: string): Response {
  return c.json({ error: `${what} not found` }, 404);
}

function session(d: DashboardSource, c: Context): SessionRecord | undefined {
  return d.monitor.sessions.get(Number(c.req.param("id")));
}

/**
 * Adds the dashboard and its API to an app.
 *
 * @param app The server's app.
 * @param d Where the data comes from.
 */
export function addDashboardRoutes(app: Hono, d: DashboardSource): void {
  app.get("/dashboard", (c) => c.redirect(`/dashboard/${new URL(c.req.url).search}`));
  app.get("/dashboard/:file{.*}", (c) => {
    const file = c.req.param("file") || "index.html";
    const body = DASHBOARD_ASSETS[file];
    if (body === undefined) return c.text(`Dashboard file "${file}" not found\n`, 404);
    c.header("Content-Type", TYPES[file.split(".").pop()!] ?? "application/octet-stream");
    c.header("Cache-Control", "no-cache");
    return c.body(body);
  });
  app.get("/api/cluster", (c) => c.json({ source: d.source, ...d.feed.snapshot() }));
  app.get("/api/events", (c) => {
    const after = int(c, "after", 0);
    return c.json({ last: d.events.seq, events: d.events.since(after, int(c, "limit", 1000)) });
  });
  app.get("/api/stream", (c) => streamSSE(c, (stream) => d.feed.serve(stream)));
  app.get("/api/sessions/:id", (c) => {
    const s = session(d, c);
    return s ? c.json(s.summary()) : notFound(c, `Session ${c.req.param("id")}`);
  });
  app.get("/api/sessions/:id/groups", (c) => {
    const s = session(d, c);
    if (!s) return notFound(c, `Session ${c.req.param("id")}`);
    const g = int(c, "group", 0);
    if (!s.groups.has(g)) return notFound(c, `Group ${g} of session ${s.id}`);
    const offset = int(c, "offset", 0), limit = int(c, "limit", 200, MAX_PAGE);
    const taskOffset = int(c, "taskOffset", 0), taskLimit = int(c, "taskLimit", 200, MAX_PAGE);
    // A group of one task and no sub-groups comes with that task, shown as a task row.
    const groups = s.groups.children(g, offset, limit).map((x) =>
      x.tasks === 1 && x.groups === 0
        ? { ...x, task: taskRow(s, d.monitor, s.groups.tasks(x.id, 0, 1)[0]!) }
        : x
    );
    return c.json({
      group: s.groups.summary(g),
      groups,
      tasks: s.groups.tasks(g, taskOffset, taskLimit).map((n) => taskRow(s, d.monitor, n)),
    });
  });
  app.get("/api/sessions/:id/tasks/:n", (c) => {
    const s = session(d, c);
    const n = Number(c.req.param("n"));
    const detail = s && Number.isInteger(n) ? taskDetail(s, d.monitor, n) : null;
    return detail ? c.json(detail) : notFound(c, `Task ${c.req.param("id")}/${c.req.param("n")}`);
  });
  app.get("/api/sessions/:id/timeline", (c) => {
    const s = session(d, c);
    if (!s) return notFound(c, `Session ${c.req.param("id")}`);
    const to = Number(c.req.query("to"));
    return c.json(
      timelineWindow(
        s,
        d.monitor,
        int(c, "from", 0),
        to > 0 ? to : Infinity,
        int(c, "width", 1000),
      ),
    );
  });
  app.get("/api/sessions/:id/trace", (c) => {
    const s = session(d, c);
    if (!s) return notFound(c, `Session ${c.req.param("id")}`);
    const chunks = traceChunks(s, d.monitor);
    const encoder = new TextEncoder();
    c.header("Content-Type", "application/json");
    c.header("Content-Disposition", `attachment; filename="rain-session-${s.id}-trace.json"`);
    return c.body(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      }),
    );
  });
}
