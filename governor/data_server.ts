/**
 * The governor's side of the object data plane (`protocol/data_plane.ts`):
 * other governors and clients fetch object data straight from the governor
 * that holds it, and clients upload large constants to it.
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import type { DataType } from "../common/attributes.ts";
import { isContentHash } from "../common/content_hash.ts";
import { packDirectoryStream } from "../common/tar.ts";
import {
  CONTENT_ROUTE,
  OBJECT_ROUTE,
  objectHeaders,
  parseObjectId,
} from "../protocol/data_plane.ts";
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
 * Adds `GET /objects/:session/:n` and `PUT /contents/:dataType/:hash` to an
 * app.
 *
 * @param app The governor's app.
 * @param store The governor's current store (none before it first registered).
 * @param uploads Where uploads go now (nowhere before it first registered).
 */
export function addDataRoutes(
  app: Hono,
  store: () => ObjectStore | undefined,
  uploads: () => ContentRoutes | undefined,
): void {
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
