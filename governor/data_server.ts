/**
 * The governor's side of the object data plane (`protocol/data_plane.ts`):
 * other governors and clients fetch object data straight from the governor
 * that holds it.
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import { bearerToken, tokensEqual } from "../common/auth.ts";
import { packDirectory } from "../common/tar.ts";
import { OBJECT_ROUTE, objectHeaders, parseObjectId } from "../protocol/data_plane.ts";
import { runtime } from "../runtime/mod.ts";
import type { ObjectStore, StoredObject } from "./store.ts";

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
 * @param store The governor's current store (none before it first registered).
 * @param secret The data secret.
 * @param log Log sink.
 */
export function addDataRoutes(
  app: Hono,
  store: () => ObjectStore | undefined,
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
  app.get(OBJECT_ROUTE, async (c) => {
    const id = parseObjectId(c.req.param("session"), c.req.param("n"));
    const obj = id && store()?.get(id);
    if (!obj) return c.text("No such object\n", 404);
    const { contentType, size } = obj.info;
    const headers = objectHeaders({ contentType, dataType: obj.dataType, size });
    return new Response(await body(obj), { headers });
  });
}

async function body(obj: StoredObject): Promise<BodyInit> {
  if (obj.data) return obj.data as Uint8Array<ArrayBuffer>;
  if (obj.dataType === "dir") return await packDirectory(obj.path!) as Uint8Array<ArrayBuffer>;
  return await runtime.readFileStream(obj.path!);
}
