/**
 * File streams over `node:fs`, shared by the Node and Bun seams.
 *
 * @module
 */
import { createReadStream, createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Size of the chunks read from files. */
const CHUNK = 4 * 1024 * 1024;

/**
 * {@linkcode Runtime.readFileStream} over `node:fs`.
 *
 * @param path The file.
 * @returns Its bytes as a web stream.
 */
export function readFileStream(path: string): Promise<ReadableStream<Uint8Array>> {
  const node = createReadStream(path, { highWaterMark: CHUNK });
  return new Promise((resolve, reject) => {
    // node:stream/web types its stream apart from the global one; it is the same class.
    node.once("open", () => resolve(Readable.toWeb(node) as ReadableStream<Uint8Array>));
    node.once("error", reject);
  });
}

/**
 * {@linkcode Runtime.writeFileStream} over `node:fs`.
 *
 * @param path The new file.
 * @param stream The bytes.
 * @param onChunk Sees every chunk before it is written.
 * @returns The number of bytes written.
 */
export async function writeFileStream(
  path: string,
  stream: ReadableStream<Uint8Array>,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<number> {
  let size = 0;
  const count = new Transform({
    transform(chunk: Uint8Array, _enc, done) {
      size += chunk.length;
      onChunk?.(chunk);
      done(null, chunk);
    },
  });
  // deno-lint-ignore no-explicit-any
  await pipeline(Readable.fromWeb(stream as any), count, createWriteStream(path, { mode: 0o644 }));
  return size;
}
