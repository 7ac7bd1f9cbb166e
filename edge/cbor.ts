/**
 * cbor-x for the worker bundle, in place of `common/cbor.ts` (which finds
 * cbor-x on disk at run time, with `node:fs` and a top-level `await`): the
 * same exports, imported statically so that esbuild bundles them. The edge
 * build maps `cbor-x/decode` to cbor-x's no-eval decoder.
 *
 * @module
 */
export { encode, Encoder } from "npm:cbor-x@^1.6.9/encode";
export { decode, Decoder, Tag } from "npm:cbor-x@^1.6.9/decode";
