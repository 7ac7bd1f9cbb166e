/**
 * The scalar part of the typed validators (`validate.ts` builds objects,
 * arrays and unions from these): the error that names the field, the
 * validator type, checks of primitive values, and readers of packed arrays.
 *
 * @module
 */
import { ProtocolError } from "../common/errors.ts";

/** A value that fails a check: says where (`path`) and what is wrong (`reason`). */
export class InvalidField extends ProtocolError {
  /** Where in the checked value, e.g. `.inputs[2].label`; `""` for the value itself. */
  path: string;
  /** What is wrong, e.g. `expected a string`. */
  readonly reason: string;

  /**
   * @param reason What is wrong.
   * @param path Where, when known already.
   */
  constructor(reason: string, path = "") {
    super(path ? `${path}: ${reason}` : reason);
    this.reason = reason;
    this.path = path;
  }
}

/**
 * Puts a path segment in front of an {@linkcode InvalidField}'s path, as the
 * error leaves the value the segment names; other errors pass unchanged.
 *
 * @param e The caught error.
 * @param segment `.key`, `[index]`, or a root name such as `submit`.
 * @returns The error, to rethrow.
 */
export function within(e: unknown, segment: string): unknown {
  if (e instanceof InvalidField) {
    e.path = segment + e.path;
    e.message = `${e.path}: ${e.reason}`;
  }
  return e;
}

/** Checks an unknown value and returns it typed, or throws an {@linkcode InvalidField}. */
export type Validator<T> = (v: unknown) => T;

/** The type a validator produces. */
export type Infer<V> = V extends Validator<infer T> ? T : never;
/** Accepts any value (a task's `config`, checked by its task type). */
export const anything: Validator<unknown> = (v) => v;

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInt = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

const STRING = "expected a string";
const NUMBER = "expected a number";
const INT = "expected a non-negative integer";
const BOOL = "expected a boolean";
const BYTES = "expected bytes";

function fail(reason: string, index?: number): never {
  throw new InvalidField(reason, index === undefined ? "" : `[${index}]`);
}

/** Checks a string. */
export const str: Validator<string> = (v) => isString(v) ? v : fail(STRING);

/** Checks a finite number. */
export const num: Validator<number> = (v) => isNumber(v) ? v : fail(NUMBER);

/** Checks a non-negative safe integer (ids, counts, sizes). */
export const int: Validator<number> = (v) => isInt(v) ? v : fail(INT);

/** Checks a boolean. */
export const bool: Validator<boolean> = (v) => isBool(v) ? v : fail(BOOL);

/** Checks a byte string. */
export const bytes: Validator<Uint8Array> = (v) => isBytes(v) ? v : fail(BYTES);

// The packed forms read their fields by index, tens of thousands per frame:
// one reader per type keeps each call site monomorphic (a generic `at(v, k,
// check)` measured ~30% slower there).

/**
 * Reads a string at an index of a packed array.
 *
 * @param v The array.
 * @param k The index.
 * @returns The string.
 * @throws {InvalidField} Naming the index.
 */
export function strAt(v: readonly unknown[], k: number): string {
  const x = v[k];
  return isString(x) ? x : fail(STRING, k);
}

/**
 * Reads a finite number at an index of a packed array.
 *
 * @param v The array.
 * @param k The index.
 * @returns The number.
 * @throws {InvalidField} Naming the index.
 */
export function numAt(v: readonly unknown[], k: number): number {
  const x = v[k];
  return isNumber(x) ? x : fail(NUMBER, k);
}

/**
 * Reads a non-negative safe integer at an index of a packed array.
 *
 * @param v The array.
 * @param k The index.
 * @returns The integer.
 * @throws {InvalidField} Naming the index.
 */
export function intAt(v: readonly unknown[], k: number): number {
  const x = v[k];
  return isInt(x) ? x : fail(INT, k);
}

/**
 * Reads a boolean at an index of a packed array.
 *
 * @param v The array.
 * @param k The index.
 * @returns The boolean.
 * @throws {InvalidField} Naming the index.
 */
export function boolAt(v: readonly unknown[], k: number): boolean {
  const x = v[k];
  return isBool(x) ? x : fail(BOOL, k);
}

/**
 * Reads bytes at an index of a packed array.
 *
 * @param v The array.
 * @param k The index.
 * @returns The bytes.
 * @throws {InvalidField} Naming the index.
 */
export function bytesAt(v: readonly unknown[], k: number): Uint8Array {
  const x = v[k];
  return isBytes(x) ? x : fail(BYTES, k);
}

/** Checks `null`. */
export const nil: Validator<null> = (v) => {
  if (v !== null) throw new InvalidField("expected null");
  return v;
};

/**
 * Deepest nesting of arrays and objects accepted in free-form values (`user`
 * attributes, task configs). A deeper value may decode but not encode again
 * (the encoder recurses and runs out of stack), and the server must be able
 * to send on everything it accepted.
 */
export const MAX_NESTING = 100;

/**
 * Checks that a free-form value nests at most {@linkcode MAX_NESTING} levels
 * (iteratively: a deep value cannot overflow the check itself).
 */
export const shallow: Validator<unknown> = (v) => {
  if (typeof v !== "object" || v === null || v instanceof Uint8Array) return v;
  const stack: [object, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (depth > MAX_NESTING) throw new InvalidField(`nested deeper than ${MAX_NESTING} levels`);
    for (const c of Array.isArray(x) ? x : Object.values(x)) {
      if (typeof c === "object" && c !== null && !(c instanceof Uint8Array)) {
        stack.push([c, depth + 1]);
      }
    }
  }
  return v;
};

/** Checks a plain object (not an array, not bytes), without looking at its fields. */
export const record: Validator<Record<string, unknown>> = (v) => {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new InvalidField("expected an object");
  }
  return v as Record<string, unknown>; // an object that is neither an array nor bytes
};

/**
 * Checks one of a few literal values.
 *
 * @param values The values allowed.
 * @returns The validator.
 */
export function literal<const L extends readonly (string | number | boolean | null)[]>(
  ...values: L
): Validator<L[number]> {
  const reason = `expected ${values.map((x) => JSON.stringify(x)).join(" or ")}`;
  return (v) => {
    for (const x of values) if (v === x) return x;
    throw new InvalidField(reason);
  };
}

/**
 * Adds a condition to a validator.
 *
 * @param check The validator.
 * @param ok The condition on its result.
 * @param reason The error when the condition fails, e.g. `must be at least 1`.
 * @returns The validator.
 */
export function refine<T>(
  check: Validator<T>,
  ok: (x: T) => boolean,
  reason: string,
): Validator<T> {
  return (v) => {
    const x = check(v);
    if (!ok(x)) throw new InvalidField(reason);
    return x;
  };
}

/**
 * Runs a validator with a name for the value, so errors read
 * `run.task[14]: expected bytes` rather than `[14]: expected bytes`.
 *
 * @param check The validator.
 * @param v The value.
 * @param what The value's name.
 * @returns The value, checked.
 */
export function validate<T>(check: Validator<T>, v: unknown, what: string): T {
  try {
    return check(v);
  } catch (e) {
    throw within(e, what);
  }
}
