/**
 * How a governor reaches its server and serves its data: the server's URL,
 * the secret it presents, and TLS. A governor of a TLS server serves its
 * object data over HTTPS too, so that clients and other governors fetch it
 * as they reach the server.
 *
 * @module
 */
import { authHeaders, checkToken } from "../common/auth.ts";
import type { HostPort } from "../common/address.ts";
import { parseServerAddress } from "../common/server_address.ts";
import { findToken, TOKEN_ENV } from "../common/token_file.ts";
import type { ServerTls } from "../runtime/types.ts";

/** A governor's TLS: its data server's certificate and the CA it trusts. */
export interface GovernorTls {
  /** Certificate chain (PEM) of its data server; needed with TLS. */
  cert?: string | undefined;
  /** Private key (PEM) of its data server; needed with TLS. */
  key?: string | undefined;
  /** Certificates (PEM) trusted for the server and other governors instead of the system's CAs. */
  ca?: string | undefined;
}

/** The secret to present, as headers, and where it came from. */
export interface Credentials {
  /** Headers presenting the secret (none without one). */
  headers: Record<string, string>;
  /** Says where the secret came from, or that none was found, for errors. */
  hint: string;
  /**
   * Whether the secret is given (option, `--token-file`, `RAIN_TOKEN`), so a
   * refusal is final; one from the token file, or none, may change (a
   * restarted server writes a new file).
   */
  fixed: boolean;
}

/** What a governor needs to connect and serve. */
export interface ServerLink {
  /** The server's host and port. */
  server: HostPort;
  /** The server's `host:port`. */
  address: string;
  /** The governor WebSocket's URL. */
  url: string;
  /** Whether the cluster uses TLS. */
  tls: boolean;
  /** The data server's certificate, with TLS. */
  serve?: ServerTls | undefined;
  /** The trusted CA, if not the system's. */
  ca?: string | undefined;
  /**
   * The secret for the next connection attempt: one found in the token file
   * is looked up again each time, so a governor rejoins a restarted server
   * that wrote a new one.
   */
  credentials(): Promise<Credentials>;
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
export function resolveServerLink(
  server: string,
  token: string | undefined,
  tls: GovernorTls | undefined,
): ServerLink {
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
  if (token !== undefined) checkToken(token, "the token option");
  return {
    server: { hostname: target.host, port: target.port },
    address: target.address,
    url: `${useTls ? "wss" : "ws"}://${target.address}/ws/governor`,
    tls: useTls,
    serve: useTls ? { cert: tls!.cert!, key: tls!.key! } : undefined,
    ca: tls?.ca,
    async credentials() {
      if (token !== undefined) {
        return { headers: authHeaders(token), hint: "the token came from the option", fixed: true };
      }
      const found = await findToken(target.host, target.port);
      if (!found) {
        const hint = "no token was found: pass --token-file or set RAIN_TOKEN";
        return { headers: {}, hint, fixed: false };
      }
      const hint = `the token came from ${found.source}`;
      return { headers: authHeaders(found.token), hint, fixed: found.source === TOKEN_ENV };
    },
  };
}
