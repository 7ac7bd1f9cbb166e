/**
 * The frame codec: every WebSocket frame is one CBOR-encoded array of
 * messages, so many updates travel in one frame.
 *
 * @module
 */
import { Decoder, Encoder } from "../common/cbor.ts";
import { ProtocolError } from "../common/errors.ts";
import { toUint8Array } from "../common/content_type.ts";
import { DirectFrame } from "./direct_frame.ts";

/**
 * Client protocol version; both ends must agree in the handshake. 2: a
 * submit's tasks and objects travel packed (`submit_packing.ts`). 3: `welcome`
 * carries the data servers' secret. 4: a constant travels with its content
 * hash. 5: the server tells the client of a failed session unasked
 * (`sessionFailed`).
 */
export const PROTOCOL_VERSION = 5;

/** Largest frame accepted, in bytes (Deno's WebSocket server drops frames above 64 MiB). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

// Objects of the same shape are written as cbor-x records (tag 105: the keys
// once per frame, then only the values), which decodes about 3x faster. Each
// frame defines its own records, so frames stay independent.
const encoder = new Encoder({ useRecords: true, mapsAsObjects: true, tagUint8Array: false });
const decoder = new Decoder({ mapsAsObjects: true });

/**
 * Encodes a value as CBOR with the protocol's options (byte strings stay byte
 * strings; objects of one shape become cbor-x records, defined in the same
 * value).
 *
 * @param value The value.
 * @returns The CBOR bytes.
 */
export function encodeCbor(value: unknown): Uint8Array {
  return toUint8Array(encoder.encode(value));
}

/**
 * Decodes CBOR bytes made by {@linkcode encodeCbor} (or any plain CBOR);
 * keys named `__proto__` are renamed by cbor-x, so nothing can set a prototype.
 *
 * @param bytes The bytes.
 * @returns The value.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}

/**
 * Encodes messages into one frame.
 *
 * @param messages The messages to send together.
 * @returns The CBOR frame.
 */
export function encodeFrame(messages: readonly unknown[]): Uint8Array {
  return encodeCbor(messages);
}

/**
 * Decodes a frame into its messages, checking the size bound and the shape.
 *
 * @param data A received WebSocket payload, or a {@linkcode DirectFrame}
 *   from a peer in this process.
 * @returns The messages, still to be validated one by one.
 * @throws {ProtocolError} When the frame is too big, not CBOR, or not an array of objects.
 */
export function decodeFrame(data: unknown): unknown[] {
  const value = data instanceof DirectFrame ? data.messages : decodeBytes(data);
  if (!Array.isArray(value)) throw new ProtocolError("Frame must be an array of messages");
  for (const m of value) {
    if (typeof m !== "object" || m === null || typeof (m as { type?: unknown }).type !== "string") {
      throw new ProtocolError("Every message must be an object with a string type");
    }
  }
  return value;
}

/** Decodes an encoded frame's CBOR, checking its size bound. */
function decodeBytes(data: unknown): unknown {
  let bytes: Uint8Array;
  if (data instanceof Uint8Array) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (typeof data === "string") throw new ProtocolError("Text frames are not accepted");
  else throw new ProtocolError("Unsupported frame payload");
  if (bytes.byteLength > MAX_FRAME_BYTES) {
    throw new ProtocolError(`Frame of ${bytes.byteLength} bytes exceeds ${MAX_FRAME_BYTES}`);
  }
  try {
    return decodeCbor(bytes);
  } catch (e) {
    throw new ProtocolError(`Frame is not valid CBOR: ${(e as Error).message}`);
  }
}
