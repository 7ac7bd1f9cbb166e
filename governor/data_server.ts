/**
 * The governor's data routes: other governors and clients fetch object data
 * straight from the governor that holds it.
 *
 * @module
 */
import type { Hono } from "hono";
import type { Id } from "../common/attributes.ts";
import { bearerToken, tokensEqual } from "../common/auth.ts";
import { packDirectory } from "../common/tar.ts";
import { runtime } from "../runtime/mod.ts";
import type { ObjectStore, StoredObject } from "./store.ts";

/** Header carrying an object's run-time content type. */
export const CONTENT_TYPE_HEADER = "x-rain-content-type";
/** Header carrying an object's data type. */
export const DATA_TYPE_HEADER = "x-rain-data-type";

/**
 * The data secret a governor's data server checks: `undefined` until the
 * server handed it over at registration (everything is refused until then),
 * `null` when the server runs without authentication.
 */
export type DataSecret = () => string | null | undefined;

/**
 * Adds `GET /objects/:session/:n` to an app, behind the data secret: every
 * request to the app must carry it as `Authorization: Bearer <secret>`
 * (compared in constant time), or gets HTTP 401, logged with the peer's
 * address.
 *
 * @param app The governor's app.
 * @param store The governor's store.
 * @param secret The data secret.
 * @param log Log sink.
 */
export function addDataRoutes(
  app: Hono,
  store: ObjectStore,
  secret: DataSecret,
  log: (message: string) => void,
): void {
  app.use("*", async (c, next) => {
    const expected = secret();
    if (expected === null) return await next();
    const presented = bearerToken(c.req.header("authorization"));
    const reason = expected === undefined
      ? "the governor has not registered with its server yet"
      : presented === undefined
      ? "no data token (send Authorization: Bearer <token>)"
      : tokensEqual(presented, expected)
      ? undefined
      : "wrong data token";
    if (reason === undefined) return await next();
    log(`Refused ${c.req.method} ${c.req.path} from ${runtime.peerAddress(c)}: ${reason}`);
    return c.text(`Unauthorized: ${reason}\n`, 401, { "www-authenticate": 'Bearer realm="rain"' });
  });
  app.get("/objects/:session/:n", async (c) => {
    const id = parseId(c.req.param("session"), c.req.param("n"));
    const obj = id && store.get(id);
    if (!obj) return c.text("No such object\n", 404);
    const headers: Record<string, string> = {
      [CONTENT_TYPE_HEADER]: obj.info.contentType,
      [DATA_TYPE_HEADER]: obj.dataType,
      "content-type": "application/octet-stream",
    };
    // A known length spares chunked encoding on large blobs.
    if (obj.dataType === "blob") headers["content-length"] = String(obj.info.size);
    return new Response(await body(obj), { headers });
  });
}

async function body(obj: StoredObject): Promise<BodyInit> {
  if (obj.data) return obj.data as Uint8Array<ArrayBuffer>;
  if (obj.dataType === "dir") return await packDirectory(obj.path!) as Uint8Array<ArrayBuffer>;
  return await runtime.readFileStream(obj.path!);
}

function parseId(session: string, n: string): Id | null {
  if (!/^\d+$/.test(session) || !/^\d+$/.test(n)) return null;
  return [Number(session), Number(n)];
}
