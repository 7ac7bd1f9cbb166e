/**
 * How clients and governors reach the object data a governor serves
 * (`GET /objects/:session/:n`): over HTTPS when the cluster uses TLS, with
 * the data secret the server handed out at the handshake.
 *
 * @module
 */
import type { Id } from "./attributes.ts";
import { authHeaders } from "./auth.ts";
import { runtime } from "../runtime/mod.ts";

/** Credentials and transport for governors' data servers. */
export interface DataAccess {
  /** The data secret from the server's handshake; none with authentication off. */
  token?: string;
  /** Whether governors serve data over HTTPS (as the server connection uses TLS). */
  tls: boolean;
  /** Certificates (PEM) trusted instead of the system's CAs. */
  ca?: string;
}

/**
 * The URL of an object's data on a governor.
 *
 * @param holder The governor's `host:port`.
 * @param id The object's id.
 * @param access Transport.
 * @returns The URL.
 */
export function objectUrl(holder: string, id: Id, access: DataAccess): string {
  return `${access.tls ? "https" : "http"}://${holder}/objects/${id[0]}/${id[1]}`;
}

/**
 * Requests an object's data from the governor holding it.
 *
 * @param holder The governor's `host:port`.
 * @param id The object's id.
 * @param access Credentials and transport.
 * @returns The response (its body streaming).
 */
export function requestObject(holder: string, id: Id, access: DataAccess): Promise<Response> {
  return runtime.httpGet(objectUrl(holder, id, access), {
    headers: authHeaders(access.token),
    ca: access.ca,
  });
}
