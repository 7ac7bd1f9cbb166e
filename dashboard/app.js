// The dashboard: keeps the cluster state from the server's live feed
// (server-sent events: a snapshot, then changes) and shows the view the
// URL's hash names: `#/` the cluster and sessions, `#/session/ID[/task/N]`
// one session with its task inspector and timeline.
import { h } from "./format.js";
import { OverviewView } from "./overview.js";
import { SessionView } from "./session.js";
import { store } from "./store.js";

const main = document.getElementById("main");
const status = document.getElementById("status");
/** @type {{ update(): void; destroy?(): void; key: string } | null} */
let view = null;

function route() {
  const m = /^#\/session\/(\d+)(?:\/task\/(\d+))?/.exec(location.hash);
  const key = m ? `session/${m[1]}` : "overview";
  if (view && view.key === key) {
    if (m) /** @type {SessionView} */ (view).openTask(m[2] === undefined ? null : Number(m[2]));
    return;
  }
  view?.destroy?.();
  main.replaceChildren();
  view = m
    ? new SessionView(main, Number(m[1]), m[2] === undefined ? null : Number(m[2]))
    : new OverviewView(main);
  view.key = key;
  view.update();
}

function apply(kind, data) {
  store.skew = data.time - Date.now();
  store.changed = new Set();
  store.snapshot = kind === "snapshot";
  if (kind === "snapshot") {
    store.sessions = new Map(data.sessions.map((s) => [s.id, s]));
    store.governors = data.governors;
    store.log = data.log;
    for (const s of data.sessions) store.changed.add(s.id);
  } else {
    for (const s of data.sessions) {
      store.sessions.set(s.id, s);
      store.changed.add(s.id);
    }
    for (const id of data.removed) store.sessions.delete(id);
    if (data.governors) store.governors = data.governors;
    store.log = [...store.log, ...data.log].slice(-200);
  }
  view?.update();
}

function connect() {
  const source = new EventSource("/api/stream");
  const setConnected = (on) => {
    store.connected = on;
    status.className = on ? "live" : "offline";
    status.textContent = on ? "live" : "reconnecting…";
  };
  source.addEventListener("snapshot", (e) => {
    setConnected(true);
    apply("snapshot", JSON.parse(e.data));
  });
  source.addEventListener("update", (e) => apply("update", JSON.parse(e.data)));
  source.onerror = () => setConnected(false);
}

async function showSource() {
  try {
    const r = await fetch("/api/cluster");
    const info = await r.json();
    if (info.source && info.source !== "live") {
      document.getElementById("source").replaceChildren(
        h("span.replay", { title: info.source }, `log file: ${info.source}`),
      );
    }
  } catch {
    // The live feed reports the connection state.
  }
}

addEventListener("hashchange", route);
route();
connect();
showSource();
