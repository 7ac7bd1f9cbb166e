/**
 * The governor's side of the object data plane (`protocol/data_plane.ts`):
 * other governors and clients fetch object data straight from the governor
 * that holds it, and clients upload large constants to it.
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import type { DataType } from "../common/attributes.ts";
import { bearerToken, tokensEqual } from "../common/auth.ts";
import { isContentHash } from "../common/content_hash.ts";
import { packDirectoryStream } from "../common/tar.ts";
import { CONTENT_ROUTE } from "../protocol/content_upload.ts";
import { OBJECT_ROUTE, objectHeaders, parseObjectId } from "../protocol/data_plane.ts";
import { runtime } from "../runtime/mod.ts";
import { ContentMismatchError, type ContentStore } from "./contents.ts";
import type { ObjectStore, StoredObject } from "./store.ts";

/** Where uploaded constant data goes, and whom to tell. */
export interface ContentRoutes {
  /** The governor's content store. */
  contents: ContentStore;
  /** Called once an upload is stored (the server is told). */
  onContent(hash: string, dataType: DataType, size: number): void;
}

/**
 * The data secret a governor's data server checks: `undefined` until the
 * server handed it over at registration (everything is refused until then),
 * `null` when the server runs without authentication.
 */
export type DataSecret = () => string | null | undefined;

/**
 * Adds `GET /objects/:session/:n` and `PUT /contents/:dataType/:hash` to an
 * app, behind the data secret: every request to the app must carry it as
 * `Authorization: Bearer <secret>` (compared in constant time), or gets HTTP
 * 401, logged with the peer's address.
 *
 * @param app The governor's app.
 * @param store The governor's current store (none before it first registered).
 * @param uploads Where uploads go now (nowhere before it first registered).
 * @param secret The data secret.
 * @param log Log sink.
 */
export function addDataRoutes(
  app: Hono,
  store: () => ObjectStore | undefined,
  uploads: () => ContentRoutes | undefined,
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
  app.put(CONTENT_ROUTE, async (c) => {
    const dataType = c.req.param("dataType");
    const hash = c.req.param("hash");
    const body = c.req.raw.body;
    const to = uploads();
    if (!to) return c.text("Not registered with a server yet\n", 503);
    if ((dataType !== "blob" && dataType !== "dir") || !isContentHash(hash) || !body) {
      return c.text(`Invalid upload of "${hash}" (${dataType})\n`, 400);
    }
    try {
      const size = await to.contents.receive(hash, dataType, body);
      to.onContent(hash, dataType, size);
      return c.text("Stored\n", 201);
    } catch (e) {
      const status = e instanceof ContentMismatchError ? 422 : 500;
      return c.text(`${(e as Error).message}\n`, status);
    }
  });
  app.get(OBJECT_ROUTE, async (c) => {
    const id = parseObjectId(c.req.param("session"), c.req.param("n"));
    const objects = store();
    const obj = id && objects?.get(id);
    if (!objects || !obj) return c.text("No such object\n", 404);
    const { contentType, size } = obj.info;
    // The hash recorded when the object was made: the receiver checks the bytes against it.
    const hash = await objects.hashOf(obj);
    const headers = objectHeaders({ contentType, dataType: obj.dataType, size, hash });
    return new Response(await body(obj), { headers });
  });
}

async function body(obj: StoredObject): Promise<BodyInit> {
  if (obj.data) return obj.data as Uint8Array<ArrayBuffer>;
  if (obj.dataType === "dir") return await packDirectoryStream(obj.path!);
  return await runtime.readFileStream(obj.path!);
}
