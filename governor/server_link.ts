/**
 * How a governor reaches its server and serves its data: the server's URL,
 * the secret it presents, and TLS. A governor of a TLS server serves its
 * object data over HTTPS too, so that clients and other governors fetch it
 * as they reach the server.
 *
 * @module
 */
import { authHeaders, checkToken } from "../common/auth.ts";
import { parseServerAddress } from "../common/server_address.ts";
import { findToken } from "../common/token_file.ts";
import type { ServerTls } from "../runtime/types.ts";

/** A governor's TLS: its data server's certificate and the CA it trusts. */
export interface GovernorTls {
  /** Certificate chain (PEM) of its data server; needed with TLS. */
  cert?: string;
  /** Private key (PEM) of its data server; needed with TLS. */
  key?: string;
  /** Certificates (PEM) trusted for the server and other governors instead of the system's CAs. */
  ca?: string;
}

/** What a governor needs to connect and serve. */
export interface ServerLink {
  /** The server's `host:port`. */
  address: string;
  /** The governor WebSocket's URL. */
  url: string;
  /** Headers presenting the secret. */
  headers: Record<string, string>;
  /** Where the secret came from (for errors), if there is one. */
  tokenSource?: string;
  /** Whether the cluster uses TLS. */
  tls: boolean;
  /** The data server's certificate, with TLS. */
  serve?: ServerTls;
  /** The trusted CA, if not the system's. */
  ca?: string;
}

/**
 * Works out how a governor connects.
 *
 * @param server The server: `host:port` or `wss://host:port`.
 * @param token The secret (else `RAIN_TOKEN`, else this user's token file for the server).
 * @param tls TLS material; giving it means TLS.
 * @returns The link.
 * @throws {Error} When the TLS options contradict the address or miss the certificate.
 */
export async function resolveServerLink(
  server: string,
  token: string | undefined,
  tls: GovernorTls | undefined,
): Promise<ServerLink> {
  const target = parseServerAddress(server);
  if (target.tls === false && tls !== undefined) {
    throw new Error(`TLS options are given but the server address "${server}" is plain ws://`);
  }
  const useTls = target.tls ?? tls !== undefined;
  if (useTls && (!tls?.cert || !tls.key)) {
    throw new Error(
      "A governor of a TLS server serves its object data over HTTPS too: give it a certificate " +
        "and key (tls.cert and tls.key; rain governor --tls-cert FILE --tls-key FILE)",
    );
  }
  let tokenSource: string | undefined;
  if (token !== undefined) checkToken(token, "the token option");
  else ({ token, source: tokenSource } = await findToken(target.host, target.port) ?? {});
  return {
    address: target.address,
    url: `${useTls ? "wss" : "ws"}://${target.address}/ws/governor`,
    headers: authHeaders(token),
    tokenSource: token === undefined ? undefined : tokenSource ?? "the token option",
    tls: useTls,
    serve: useTls ? { cert: tls!.cert!, key: tls!.key! } : undefined,
    ca: tls?.ca,
  };
}
