/**
 * `GET` over `node:https` with a trusted CA, for Node, whose global `fetch`
 * cannot be given one.
 *
 * @module
 */
import { request } from "node:https";
import { Readable } from "node:stream";
import type { ConnectOptions } from "./types.ts";

/**
 * {@linkcode Runtime.httpGet} on Node: the global `fetch`, or `node:https`
 * when a CA is to be trusted.
 *
 * @param url The URL.
 * @param options Headers and trusted CA.
 * @returns The response, its body streaming.
 */
export function nodeHttpGet(url: string, options: ConnectOptions = {}): Promise<Response> {
  if (options.ca === undefined || !url.startsWith("https:")) {
    return fetch(url, options.headers === undefined ? {} : { headers: options.headers });
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: options.ca, headers: options.headers ?? {} }, (res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
      }
      const status = res.statusCode ?? 500;
      // A body is not allowed with these statuses in a Response.
      const body = status === 204 || status === 304
        ? null
        : Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
      resolve(new Response(body, { status, headers }));
    });
    req.once("error", reject);
    req.end();
  });
}
