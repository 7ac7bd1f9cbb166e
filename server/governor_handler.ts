/**
 * Handles one governor's WebSocket: the registration handshake, then its
 * task reports.
 *
 * @module
 */
import { advertisedAddressProblem } from "../common/address.ts";
import { decodeFrame, encodeFrame } from "../protocol/codec.ts";
import {
  GOVERNOR_PROTOCOL_VERSION,
  validateGovernorMessage,
  type ValidGovernorMessage,
} from "../protocol/governor.ts";
import type { WsConnection, WsHandler } from "../runtime/types.ts";
import type { Coordinator } from "./coordinator.ts";
import { GovernorLink } from "./governor_link.ts";
import type { PeerContext } from "./peer.ts";

/**
 * Makes the WebSocket handler for a connecting governor.
 *
 * @param coordinator The server state.
 * @param context The data secret (handed over at registration), limits, the
 *   log (governors joining and leaving, protocol errors) and the peer's address.
 * @returns The handler.
 */
export function governorHandler(coordinator: Coordinator, context: PeerContext): WsHandler {
  const { log, peer, dataToken, limits } = context;
  let link: GovernorLink | null = null;
  let malformed = 0;
  const refuse = (conn: WsConnection, message: string) => {
    conn.send(encodeFrame([{ type: "refused", message }]));
    conn.close(1002, "protocol error");
  };
  /** A malformed frame: refused with the reason; the one reaching the limit closes. */
  const malformedFrame = (conn: WsConnection, message: string) => {
    log(`Protocol error from governor ${link?.id ?? "(unregistered)"} at ${peer}: ${message}`);
    if (++malformed >= limits.malformedFrames) return refuse(conn, message);
    conn.send(encodeFrame([{ type: "refused", message }]));
  };
  return {
    onOpen() {},
    onMessage(conn, data) {
      let messages: ValidGovernorMessage[];
      try {
        messages = decodeFrame(data).map(validateGovernorMessage);
      } catch (e) {
        return malformedFrame(conn, `Protocol error: ${(e as Error).message}`);
      }
      for (const m of messages) {
        if (m.type === "register") {
          if (link) return malformedFrame(conn, "Protocol error: governor registered twice");
          if (m.version !== GOVERNOR_PROTOCOL_VERSION) {
            return refuse(
              conn,
              `Protocol version ${m.version} is not supported (server speaks ${GOVERNOR_PROTOCOL_VERSION})`,
            );
          }
          const problem = advertisedAddressProblem(m.address, peer);
          if (problem) {
            log(`Refused governor at ${peer}: address "${m.address}" is ${problem}`);
            return refuse(
              conn,
              `Cannot use governor address "${m.address}": ${problem}; ` +
                "start the governor with --advertise HOST[:PORT] (an address others reach it at)",
            );
          }
          if (coordinator.scheduler.governors.some((g) => g.id === m.address)) {
            return refuse(conn, `A governor at ${m.address} is already registered`);
          }
          link = new GovernorLink(m.address, m.cpus, conn, coordinator.events);
          link.send(
            dataToken === null
              ? { type: "registered", id: link.id }
              : { type: "registered", id: link.id, dataToken },
          );
          coordinator.addGovernor(link);
          continue;
        }
        if (!link) {
          return malformedFrame(conn, "Protocol error: expected a register message first");
        }
        link.lastSeen = Date.now();
        if (m.type === "heartbeat") {
          if (m.memory !== undefined && link.memoryChanged(m.memory)) {
            coordinator.events.emit({
              type: "governor:heartbeat",
              governor: link.id,
              memory: m.memory,
            });
          }
          continue;
        }
        if (m.type === "started") coordinator.started(link, m.id, m.startTime);
        else if (m.type === "finished") coordinator.finished(link, m.id, m.info, m.outputs);
        else if (m.type === "contentHeld") {
          coordinator.contentHeld(link, m.hash, m.dataType, m.size);
        } else coordinator.failed(link, m.id, m.info, m.lostInput);
      }
    },
    onClose() {
      if (!link || link.lost) return;
      coordinator.removeGovernor(link, "its connection closed");
      link = null;
    },
  };
}
