/**
 * Getting a submit's constants to the cluster. Each constant is hashed
 * first. Small ones travel inside the submit; large ones (and the largest
 * small ones beyond {@linkcode MAX_INLINE_DATA} in all) are named by their hash: the
 * server says, per hash, whether a governor already holds those bytes
 * (nothing is sent) or which governor to stream them to. So a constant of
 * any size can be submitted, with bounded memory on both sides (a
 * `directory()` is read file by file into a tar stream), and the same data
 * crosses the wire once however often it is submitted.
 *
 * @module
 */
import { hashBytes } from "../common/content_hash.ts";
import { hashDirectory } from "../common/dir_hash.ts";
import { directorySize, packDirectory, packDirectoryStream } from "../common/tar.ts";
import type { ContentItem } from "../protocol/client.ts";
import { uploadContent } from "../protocol/content_upload.ts";
import { type PackedObject, packSubmitObject } from "../protocol/submit_packing.ts";
import type { Connection } from "./connection.ts";
import type { DataObject } from "./data_object.ts";

/** The largest WebSocket message workerd (the edge host) accepts. */
const WORKERD_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Constants of at least this size are uploaded to a governor rather than sent in the submit. */
export const UPLOAD_FROM = 1024 * 1024;

/**
 * Most constant data one submit carries inside its frames: half the smallest
 * message a server host accepts (workerd: 32 MiB; elsewhere 64 MiB), so the
 * specs fit beside it. More small constants go by reference.
 */
export const MAX_INLINE_DATA = WORKERD_MESSAGE_BYTES / 2;

/** Bytes of a blob per chunk of its upload stream. */
const UPLOAD_CHUNK = 1024 * 1024;

/** A constant of the submit, hashed. */
interface Constant {
  o: DataObject;
  /** Its index in the submit's objects. */
  i: number;
  hash: string;
  /** Its size (a directory's: the sum of its files). */
  size: number;
  /** Whether it travels inside the submit. */
  inline: boolean;
}

/**
 * Hashes a submit's constants, uploads those that go by reference and that
 * no governor holds yet, and packs every object for the submit.
 *
 * @param conn The client's connection (asks the server where data goes).
 * @param objects The submit's new objects, their ids final.
 * @returns The packed objects, in order.
 * @throws {Error} Naming the constant, when it cannot be read or uploaded.
 */
export async function prepareObjects(
  conn: Connection,
  objects: readonly DataObject[],
): Promise<PackedObject[]> {
  const wire = new Array<PackedObject>(objects.length);
  const constants: Constant[] = [];
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (o.sourcePath !== null) {
      const [hash, size] = await Promise.all([
        hashDirectory(o.sourcePath),
        directorySize(o.sourcePath),
      ]);
      constants.push({ o, i, hash, size, inline: size < UPLOAD_FROM });
    } else if (o.data || o.encodeLater) {
      o.data ??= await o.encodeLater!();
      const size = o.data.length;
      constants.push({ o, i, hash: hashBytes(o.data), size, inline: size < UPLOAD_FROM });
    } else wire[i] = packSubmitObject(o.spec, o.isKept(), null, null);
  }
  for (const c of constants) {
    if (c.inline && c.o.sourcePath !== null) c.o.data = await packDirectory(c.o.sourcePath);
  }
  // Too much small data for one frame: the largest go by reference too.
  let inlineBytes = 0;
  for (const c of constants) if (c.inline) inlineBytes += c.o.data!.length;
  const bySize = constants.filter((c) => c.inline).sort((a, b) => b.size - a.size);
  for (const c of bySize) {
    if (inlineBytes <= MAX_INLINE_DATA) break;
    c.inline = false;
    inlineBytes -= c.o.data!.length;
    if (c.o.sourcePath !== null) c.o.data = null;
  }
  await upload(conn, constants.filter((c) => !c.inline));
  for (const { o, i, hash, inline } of constants) {
    wire[i] = packSubmitObject(o.spec, o.isKept(), inline ? o.data : null, hash);
  }
  return wire;
}

/** Asks the server where each content goes, and uploads what no governor holds yet. */
async function upload(conn: Connection, byReference: Constant[]): Promise<void> {
  if (byReference.length === 0) return;
  const unique = new Map<string, Constant>();
  for (const c of byReference) {
    unique.set(`${c.o.spec.dataType}:${c.hash}`, c);
  }
  const items: ContentItem[] = [...unique.values()].map((c) => ({
    hash: c.hash,
    dataType: c.o.spec.dataType,
    size: c.size,
  }));
  const plans = await conn.request({ type: "contents", items });
  const list = [...unique.values()];
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!, plan = plans[i]!;
    if (!plan.upload) continue;
    try {
      const body = c.o.sourcePath !== null
        ? await packDirectoryStream(c.o.sourcePath)
        : chunked(c.o.data!);
      await uploadContent(plan.governor, c.hash, c.o.spec.dataType, body, conn.dataAccess);
    } catch (e) {
      throw new Error(`Cannot submit ${c.o.description}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** A blob's bytes as a stream of views (nothing is copied). */
function chunked(data: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.subarray(at, at += UPLOAD_CHUNK));
    },
  }, { highWaterMark: 0 });
}
