/**
 * cbor-x, the CBOR codec of the protocol, the remote-function arguments and
 * the `"cbor"` content type: its `encode` and `decode` entry points, which are
 * the pure-JS build on every runtime (the main entry loads the native
 * `cbor-extract` addon where npm built it, and that addon crashes Deno).
 *
 * Deno resolves `npm:cbor-x` with all of cbor-extract's optional platform
 * packages, and fails when the registry lacks one of them, optional as they
 * are (denoland/deno#36597); the registry this project is built against lacks
 * those of the current cbor-extract, and Deno then fetches every package
 * list again on each run. So where the library runs from a checkout (or an
 * npm install) that has cbor-x in its `node_modules`, cbor-x is imported from
 * there by path: a script importing the library by path from any folder (no
 * `deno.json` in force, no `node_modules` of its own) starts offline.
 * cbor-x's pure-JS files import nothing but each other, so they load as plain
 * modules. Elsewhere the import is bare, resolved from the package's
 * dependencies (npm; `deno publish` rewrites it to `npm:` for JSR), and
 * dynamic, so that Deno never resolves it where it is not taken.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

type EncodeModule = typeof import("npm:cbor-x@^1.6.9/encode");
type DecodeModule = typeof import("npm:cbor-x@^1.6.9/decode");

/** Imports an entry point of cbor-x: from the `node_modules` beside the library, else as a dependency. */
function load<T>(entry: string, asDependency: () => Promise<T>): Promise<T> {
  const local = new URL(`../node_modules/cbor-x/${entry}.js`, import.meta.url);
  if (local.protocol === "file:" && existsSync(fileURLToPath(local))) {
    return import(local.href) as Promise<T>;
  }
  return asDependency();
}

const encodeModule: EncodeModule = await load(
  "encode",
  () => import("cbor-x/encode"),
);
const decodeModule: DecodeModule = await load(
  "decode",
  () => import("cbor-x/decode"),
);

/** cbor-x's encoder class. */
export const Encoder: EncodeModule["Encoder"] = encodeModule.Encoder;
/** cbor-x's decoder class. */
export const Decoder: DecodeModule["Decoder"] = decodeModule.Decoder;
/** cbor-x's tagged value (the same class in both entry points). */
export const Tag: DecodeModule["Tag"] = decodeModule.Tag;
/** Encodes a value with cbor-x's default encoder. */
export const encode: EncodeModule["encode"] = encodeModule.encode;
/** Decodes bytes with cbor-x's default decoder. */
export const decode: DecodeModule["decode"] = decodeModule.decode;
