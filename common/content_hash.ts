/**
 * Content hashes of data objects (`info.hash`): `"xxh128:"` followed by the
 * 32 hex digits of the XXH3-128 hash (xxHash's canonical form, what
 * `xxhsum -H2` prints) of a blob's bytes, or of a directory's manifest (see
 * `dir_hash.ts`). `""` means not known (yet).
 *
 * The hash runs on the WASM kernel when it is available and on its pure-TS
 * fallback otherwise (`wasm/hash.ts`); both give the same hashes.
 *
 * @example
 * ```ts
 * import { hashBytes } from "./content_hash.ts";
 * hashBytes(new TextEncoder().encode("abc")); // "xxh128:06b05ab6733a618578af5f94892f3950"
 * ```
 *
 * @module
 */
import { open } from "node:fs/promises";
import { runtime } from "../runtime/mod.ts";
import { createXxh128, xxh128 } from "../wasm/hash.ts";

/** The prefix naming the algorithm of every content hash. */
export const HASH_PREFIX = "xxh128:";

let verify: boolean | undefined;

/**
 * Whether objects fetched from governors are checked against their content
 * hash as they arrive: yes unless the environment variable `RAIN_VERIFY` is
 * `0` (for measuring what the check costs).
 *
 * @returns `true` when transfers are verified.
 */
export function verifyTransfers(): boolean {
  return verify ??= runtime.env("RAIN_VERIFY") !== "0";
}

/** Bytes read from a file per call while hashing it. */
const READ_CHUNK = 1024 * 1024;

/**
 * The content hash of bytes.
 *
 * @param bytes A blob's bytes.
 * @returns `"xxh128:<32 hex digits>"`.
 */
export function hashBytes(bytes: Uint8Array): string {
  return HASH_PREFIX + xxh128(bytes);
}

/** A content hash computed over bytes as they pass. */
export interface ContentHasher {
  /** Adds the next bytes. */
  update(bytes: Uint8Array): void;
  /** The hash of everything added so far (`"xxh128:…"`). */
  digest(): string;
}

/**
 * Starts a content hash computed chunk by chunk, for bytes that stream by.
 *
 * @returns The hasher.
 */
export function createContentHasher(): ContentHasher {
  const h = createXxh128();
  return { update: (b) => h.update(b), digest: () => HASH_PREFIX + h.digest() };
}

/**
 * The content hash of a file, read in chunks (bounded memory).
 *
 * @param path The file.
 * @returns `"xxh128:<32 hex digits>"`.
 */
export async function hashFile(path: string): Promise<string> {
  const h = createContentHasher();
  const file = await open(path, "r");
  try {
    const buffer = new Uint8Array(READ_CHUNK);
    while (true) {
      const { bytesRead } = await file.read(buffer, 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      h.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return h.digest();
}

/**
 * Tells whether a string is a content hash in the documented format.
 *
 * @param s The string.
 * @returns `true` for `"xxh128:"` and 32 lowercase hex digits.
 */
export function isContentHash(s: string): boolean {
  return /^xxh128:[0-9a-f]{32}$/.test(s);
}
