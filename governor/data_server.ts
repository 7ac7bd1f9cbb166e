/**
 * The governor's side of the object data plane (`protocol/data_plane.ts`):
 * other governors and clients fetch object data straight from the governor
 * that holds it.
 *
 * @module
 */
import type { Hono } from "hono";
import { packDirectory } from "../common/tar.ts";
import { OBJECT_ROUTE, objectHeaders, parseObjectId } from "../protocol/data_plane.ts";
import { runtime } from "../runtime/mod.ts";
import type { ObjectStore, StoredObject } from "./store.ts";

/**
 * Adds `GET /objects/:session/:n` to an app.
 *
 * @param app The governor's app.
 * @param store The governor's store.
 */
export function addDataRoutes(app: Hono, store: ObjectStore): void {
  app.get(OBJECT_ROUTE, async (c) => {
    const id = parseObjectId(c.req.param("session"), c.req.param("n"));
    const obj = id && store.get(id);
    if (!obj) return c.text("No such object\n", 404);
    const { contentType, size } = obj.info;
    // The hash recorded when the object was made: the receiver checks the bytes against it.
    const hash = await store.hashOf(obj);
    const headers = objectHeaders({ contentType, dataType: obj.dataType, size, hash });
    return new Response(await body(obj), { headers });
  });
}

async function body(obj: StoredObject): Promise<BodyInit> {
  if (obj.data) return obj.data as Uint8Array<ArrayBuffer>;
  if (obj.dataType === "dir") return await packDirectory(obj.path!) as Uint8Array<ArrayBuffer>;
  return await runtime.readFileStream(obj.path!);
}
