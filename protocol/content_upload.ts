/**
 * Uploads of constant data to a governor (README, "Large constants"): a
 * client streams a large constant's bytes to `PUT /contents/:dataType/:hash`
 * on a governor's data server, which hashes them as they arrive and keeps
 * them only when they match the hash. Like every data-plane request, an
 * upload carries the data secret and goes over HTTPS when governors serve
 * their data so (`DataAccess`, `data_plane.ts`).
 *
 * @module
 */
import { type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { DataType } from "../common/attributes.ts";
import { authHeaders } from "../common/auth.ts";
import type { DataAccess } from "./data_plane.ts";

/** The Hono route pattern of an upload of constant data to a governor (`PUT`). */
export const CONTENT_ROUTE = "/contents/:dataType/:hash";

/**
 * The URL to upload constant data to, named by its content hash.
 *
 * @example
 * ```ts
 * import { contentUrl } from "./content_upload.ts";
 * contentUrl("127.0.0.1:4000", "xxh128:06b05ab6733a618578af5f94892f3950", "blob");
 * // "http://127.0.0.1:4000/contents/blob/xxh128%3A06b05ab6733a618578af5f94892f3950"
 * ```
 *
 * @param location The governor's `host:port`.
 * @param hash The data's content hash.
 * @param dataType `"blob"`, or `"dir"` for a tar archive.
 * @param tls Whether governors serve HTTPS.
 * @returns The URL.
 */
export function contentUrl(
  location: string,
  hash: string,
  dataType: DataType,
  tls = false,
): string {
  return `${tls ? "https" : "http"}://${location}/contents/${dataType}/${encodeURIComponent(hash)}`;
}

/**
 * Uploads constant data to a governor as a stream; the governor hashes it as
 * it arrives and keeps it only when it matches `hash`.
 *
 * This is a `node:http` request rather than `fetch()`: Deno's `fetch()`
 * sends a streamed request body to a receiver that writes it to disk at a
 * few MB/s (measured: 64 MiB in 19 s, against 0.5–1 s with `node:http` on
 * Deno, Node and Bun alike).
 *
 * @param location The governor's `host:port`.
 * @param hash The data's content hash.
 * @param dataType `"blob"`, or `"dir"` for a tar archive.
 * @param body The bytes.
 * @param access The data secret and transport.
 * @throws {Error} Naming the governor and the cause (a mismatch, a refused
 *   secret, a network error).
 */
export async function uploadContent(
  location: string,
  hash: string,
  dataType: DataType,
  body: ReadableStream<Uint8Array>,
  access: DataAccess,
): Promise<void> {
  const fail = (cause: string) =>
    new Error(`Cannot upload ${hash} to governor ${location}: ${cause}`);
  const headers = { "content-type": "application/octet-stream", ...authHeaders(access.token) };
  const url = contentUrl(location, hash, dataType, access.tls);
  const req = access.tls
    ? httpsRequest(url, { method: "PUT", headers, ...(access.ca ? { ca: access.ca } : {}) })
    : httpRequest(url, { method: "PUT", headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once("response", resolve);
    req.once("error", reject);
  });
  response.catch(() => {}); // awaited below, after the body went out
  let res: IncomingMessage;
  let text = "";
  try {
    // deno-lint-ignore no-explicit-any
    await pipeline(Readable.fromWeb(body as any), req);
    res = await response;
    for await (const chunk of res) text += chunk;
  } catch (e) {
    // An early answer (a refusal) ends the upload: report the answer, not the broken pipe.
    const early = await Promise.race([response, new Promise<null>((r) => setTimeout(r, 100, null))])
      .catch(() => null);
    if (early) {
      for await (const chunk of early) text += chunk;
      throw fail(text.trim() || `HTTP ${early.statusCode}`);
    }
    throw fail((e as Error).message);
  }
  if ((res.statusCode ?? 500) >= 300) throw fail(text.trim() || `HTTP ${res.statusCode}`);
}
