/**
 * The server's routes on a Hono app, whoever serves it (`startServer`, a host
 * of `createServerApp`, the Durable Object of `edge/`): the client and
 * governor WebSockets, `/api/info`, and the dashboard with its API. Nothing
 * here needs a disk, so the edge bundle takes it as it is.
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import { runtime } from "../runtime/mod.ts";
import type { WsUpgrade } from "../runtime/types.ts";
import { ClientLink, governorSummaries } from "./client_link.ts";
import type { Coordinator } from "./coordinator.ts";
import { addDashboardRoutes } from "./dashboard/routes.ts";
import { governorHandler } from "./governor_handler.ts";
import type { Monitoring } from "./monitoring.ts";

/**
 * Adds Rain's routes to a Hono app: the client and governor WebSockets,
 * `/api/info`, and the dashboard with its API.
 *
 * @param app The app.
 * @param ws The runtime's WebSocket upgrade.
 * @param coordinator The server state.
 * @param monitoring The event stream and what it feeds.
 * @param log Log sink.
 * @param clients The set of connected clients, kept up to date.
 */
export function addRoutes(
  app: Hono,
  ws: WsUpgrade,
  coordinator: Coordinator,
  monitoring: Monitoring,
  log: (m: string) => void,
  clients: Set<ClientLink>,
): void {
  app.get(
    "/ws/client",
    ws((c) => {
      let link: ClientLink | null = null;
      const address = runtime.clientAddress(c);
      return {
        onOpen: (conn) =>
          clients.add(link = new ClientLink(conn, coordinator, address, monitoring.monitor)),
        onMessage: (_conn, data) => link?.onFrame(data),
        onClose: () => {
          if (link) clients.delete(link);
          link?.onClose();
        },
      };
    }),
  );
  app.get(
    "/ws/governor",
    ws((c) => governorHandler(coordinator, log, runtime.peerAddress(c))),
  );
  app.get("/api/info", (c) =>
    c.json({
      governors: governorSummaries(coordinator),
      sessions: [...coordinator.sessions.values()].map((s) => ({
        id: s.id,
        name: s.name,
        state: s.state,
        tasks: s.tasks.size + s.archive.tasks,
        unfinished: s.unfinished,
      })),
    }));
  addDashboardRoutes(app, { ...monitoring, source: "live" });
  app.get("/", (c) => c.text("Rain server\n"));
}
