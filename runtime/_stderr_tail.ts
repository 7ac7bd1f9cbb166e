/**
 * Keeps the last bytes of a process's stderr.
 *
 * @module
 */
import { STDERR_TAIL } from "./types.ts";

/**
 * Reads a stream to its end, keeping only its last {@linkcode STDERR_TAIL} bytes.
 *
 * @param stream The stream.
 * @returns The tail.
 */
export async function readTail(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    while (size - chunks[0]!.length >= STDERR_TAIL) size -= chunks.shift()!.length;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all.length > STDERR_TAIL ? all.subarray(all.length - STDERR_TAIL) : all;
}
