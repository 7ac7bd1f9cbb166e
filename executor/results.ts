/**
 * Turning a remote function's return value into the task's results.
 *
 * @module
 */
import type { ObjectSpec } from "../common/attributes.ts";
import { encodeValue, type Encoding } from "../common/content_type.ts";
import { DataInstance } from "../common/data_instance.ts";
import type { ExecutorOutput } from "../protocol/executor.ts";
import { kind } from "./context.ts";
import { FileInstance, StagedInstance } from "./instances.ts";

/**
 * Splits the return value into one result per output and encodes each.
 *
 * @param value What the function returned (awaited).
 * @param outputs The output specs.
 * @param encode Per output, the encoding (`""` for none).
 * @param inputs The input instances (returned ones are forwarded).
 * @returns The results.
 * @throws {Error} For the wrong number or kind of results.
 */
export function toResults(
  value: unknown,
  outputs: readonly ObjectSpec[],
  encode: readonly string[],
  inputs: readonly DataInstance[],
): ExecutorOutput[] {
  const n = outputs.length;
  if (n === 0) return [];
  let values: unknown[];
  if (n === 1) values = [value];
  else if (Array.isArray(value)) {
    if (value.length !== n) {
      throw new Error(
        `Remote function returned ${value.length} results, expected ${n} (outputs ${
          labels(outputs)
        })`,
      );
    }
    values = value;
  } else if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const want = outputs.map((o) => o.label);
    if (keys.length !== n || !want.every((l) => keys.includes(l))) {
      throw new Error(
        `Remote function returned an object with keys ${
          keys.map((k) => `"${k}"`).join(", ") || "(none)"
        }, ` +
          `expected the output labels ${labels(outputs)}`,
      );
    }
    values = want.map((l) => value[l]);
  } else {
    throw new Error(
      `Remote function returned ${kind(value)}, expected ${n} results (outputs ${
        labels(outputs)
      }): ` +
        "an array or an object keyed by label",
    );
  }
  return values.map((v, i) => toResult(v, outputs[i]!, encode[i] ?? "", inputs));
}

function toResult(
  v: unknown,
  spec: ObjectSpec,
  encoding: string,
  inputs: readonly DataInstance[],
): ExecutorOutput {
  const what = `Output "${spec.label}"`;
  if (v instanceof DataInstance) {
    const user = v.info.user ?? {};
    if (v.spec.dataType !== spec.dataType) {
      throw new Error(
        `${what} is a ${spec.dataType}, but the function returned a ${v.spec.dataType}`,
      );
    }
    const input = inputs.indexOf(v);
    if (input >= 0) return { input, user };
    const contentType = v.info.contentType || v.spec.contentType;
    if (v instanceof StagedInstance) {
      return { file: v.path, dataType: v.spec.dataType, contentType, user };
    }
    if (v instanceof FileInstance) return { data: v.bytes(), contentType, user };
    return { data: v.bytes(), contentType, user };
  }
  if (spec.dataType === "dir") {
    throw new Error(`${what} is a dir: return ctx.stageDirectory(path), got ${kind(v)}`);
  }
  if (encoding) {
    return { data: encodeValue(v, encoding as Encoding), contentType: encoding, user: {} };
  }
  if (v instanceof Uint8Array) return { data: v, contentType: spec.contentType, user: {} };
  if (typeof v === "string") {
    return { data: new TextEncoder().encode(v), contentType: spec.contentType || "text", user: {} };
  }
  throw new Error(
    `${what}: the function returned ${kind(v)}; return a Uint8Array, a string or a DataInstance, ` +
      "or declare the output with Output({ encode })",
  );
}

function labels(outputs: readonly ObjectSpec[]): string {
  return outputs.map((o) => `"${o.label}"`).join(", ");
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
