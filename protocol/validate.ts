/**
 * Typed validators: one definition gives both the check of a value that
 * came off the wire and its TypeScript type.
 *
 * A {@linkcode Validator} takes an unknown value and returns it typed (or,
 * for the packed forms, converted), or throws an {@linkcode InvalidField}
 * naming the field that is wrong: `submit.tasks[3][1]: expected a string`.
 * The path is built only when a check fails, as the error climbs out of the
 * nested values, so a valid message costs no string work.
 *
 * Wire-only types are inferred from their validators ({@linkcode Infer});
 * types that are also part of the public API stay interfaces and get a
 * validator bound to them with {@linkcode objectOf}, which fails to compile
 * when the two drift apart.
 *
 * @example
 * ```ts
 * import { array, type Infer, int, object, optional, str } from "./validate.ts";
 * const point = object({ x: int, y: int, label: optional(str) });
 * type Point = Infer<typeof point>; // { x: number; y: number; label?: string }
 * const points = array(point);
 * points([{ x: 1, y: 2 }]); // ok
 * // points([{ x: 1, y: "2" }]) throws: "[0].y: expected a non-negative integer"
 * ```
 *
 * @module
 */
import { type Infer, InvalidField, record, type Validator, within } from "./validate_scalars.ts";

export * from "./validate_scalars.ts";

declare const OPTIONAL: unique symbol;

/** A validator of an object field that may be absent (see {@linkcode optional}). */
export type Optional<T> = Validator<T | undefined> & { readonly [OPTIONAL]: true };

/** The validators of an object's fields, by field name. */
export type Shape = Record<string, Validator<unknown>>;

type OptionalKeys<S> = { [K in keyof S]: S[K] extends Optional<unknown> ? K : never }[keyof S];

/** Flattens an intersection into one object type (for readable hovers). */
type Simplify<T> = { [K in keyof T]: T[K] };

/** The object type a {@linkcode Shape} describes: optional fields are `?:`. */
export type ObjectOf<S extends Shape> = Simplify<
  & { [K in keyof S as K extends OptionalKeys<S> ? never : K]: Infer<S[K]> }
  & { [K in keyof S as K extends OptionalKeys<S> ? K : never]?: Exclude<Infer<S[K]>, undefined> }
>;

/** The {@linkcode Shape} an object type needs: one validator per field, optional ones optional. */
export type ShapeOf<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? Optional<Exclude<T[K], undefined>>
    : Validator<T[K]>;
};

/**
 * `true` when two types are identical (same members, same optional
 * fields), for compile-time checks that a declared type and a validator's
 * type agree: `const _: Same<A, B> = true;` fails to compile otherwise.
 */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2)
  ? true
  : false;

/**
 * Marks an object field that may be absent (`undefined`).
 *
 * @param check Validator of a present value.
 * @returns The validator.
 */
export function optional<T>(check: Validator<T>): Optional<T> {
  const f: Validator<T | undefined> = (v) => v === undefined ? undefined : check(v);
  // The brand exists only in the type: object() reads optionality from the shape's type.
  return f as Optional<T>;
}

/**
 * Allows `null` besides what a validator accepts.
 *
 * @param check Validator of a non-null value.
 * @returns The validator.
 */
export function nullable<T>(check: Validator<T>): Validator<T | null> {
  return (v) => v === null ? null : check(v);
}

/**
 * Checks an array, each item with `item`; an item validator that converts
 * has its result stored back in place.
 *
 * @param item Validator of one item.
 * @returns The validator.
 */
export function array<T>(item: Validator<T>): Validator<T[]> {
  return (v) => {
    if (!Array.isArray(v)) throw new InvalidField("expected an array");
    let i = 0;
    try {
      for (; i < v.length; i++) {
        const x: unknown = v[i];
        const y = item(x);
        if (y !== x) v[i] = y;
      }
    } catch (e) {
      throw within(e, `[${i}]`);
    }
    return v;
  };
}

/**
 * Checks a plain object used as a dictionary, each value with `item`.
 *
 * @param item Validator of one value.
 * @returns The validator.
 */
export function dictOf<T>(item: Validator<T>): Validator<Record<string, T>> {
  return (v) => {
    const r = record(v);
    let key = "";
    try {
      for (key in r) {
        const x = r[key];
        const y = item(x);
        if (y !== x) r[key] = y;
      }
    } catch (e) {
      throw within(e, `.${key}`);
    }
    // Every value was checked: the record is a dictionary of T.
    return r as Record<string, T>;
  };
}

/**
 * Checks an array and converts each item into a new array (for the packed
 * forms, whose items unpack into objects).
 *
 * @param v The value.
 * @param item Validator and converter of one item.
 * @returns The converted items.
 */
export function mapArray<T>(v: unknown, item: Validator<T>): T[] {
  if (!Array.isArray(v)) throw new InvalidField("expected an array");
  const out = new Array<T>(v.length);
  let i = 0;
  try {
    for (; i < v.length; i++) out[i] = item(v[i]);
  } catch (e) {
    throw within(e, `[${i}]`);
  }
  return out;
}

/**
 * Checks the item at an index of an array already known to be one (the
 * packed forms' rarer fields), naming the index on failure.
 *
 * @param v The array.
 * @param k The index.
 * @param check Validator of the item.
 * @returns The item, checked.
 */
export function at<T>(v: readonly unknown[], k: number, check: Validator<T>): T {
  try {
    return check(v[k]);
  } catch (e) {
    throw within(e, `[${k}]`);
  }
}

/**
 * Checks the field of a record already known to be one, naming the field
 * on failure.
 *
 * @param r The record.
 * @param key The field.
 * @param check Validator of the field.
 * @returns The field's value, checked.
 */
export function field<T>(r: Record<string, unknown>, key: string, check: Validator<T>): T {
  try {
    return check(r[key]);
  } catch (e) {
    throw within(e, `.${key}`);
  }
}

/**
 * Checks an object with the given fields (others are ignored, so newer
 * peers may add some); a field validator that converts has its result
 * stored back in place.
 *
 * @param shape The validator of each field.
 * @returns The validator; its type is inferred from the shape.
 */
export function object<S extends Shape>(shape: S): Validator<ObjectOf<S>> {
  const fields = checkFields<ObjectOf<S>>(shape);
  return (v) => fields(record(v));
}

/**
 * Checks an object against a declared interface: the shape must name every
 * field of `T` with a validator of its type, optional ones with
 * {@linkcode optional}, and nothing else, or it does not compile.
 *
 * @example
 * ```ts
 * import { int, objectOf, str } from "./validate.ts";
 * interface Named { name: string; age: number }
 * const named = objectOf<Named>({ name: str, age: int });
 * ```
 *
 * @param shape The validator of each field.
 * @returns The validator of `T`.
 */
export function objectOf<T>(shape: ShapeOf<T>): Validator<T> {
  const fields = checkFields<T>(shape);
  return (v) => fields(record(v));
}

/** Checks the fields of a value already known to be a record. */
function checkFields<T>(shape: Shape): (r: Record<string, unknown>) => T {
  const keys = Object.keys(shape);
  const checks = keys.map((k) => shape[k]!);
  return (r) => {
    let i = 0;
    try {
      for (; i < keys.length; i++) {
        const k = keys[i]!;
        const x = r[k];
        const y = checks[i]!(x);
        if (y !== x) r[k] = y;
      }
    } catch (e) {
      throw within(e, `.${keys[i]}`);
    }
    // Every field of the shape was checked: the record is a T (the shape's types say so).
    return r as T;
  };
}

/** One case of a {@linkcode variant}: the fields besides `type`, or a validator of the whole. */
export type Case = Shape | Validator<unknown>;

/** The type a {@linkcode variant}'s cases describe. */
export type VariantOf<C extends Record<string, Case>> = {
  [K in keyof C]: C[K] extends Validator<infer T> ? T
    : C[K] extends Shape ? Simplify<{ type: K } & ObjectOf<C[K]>>
    : never;
}[keyof C];

/**
 * Checks a message of a discriminated union by its `type` field. Errors
 * name the field after the type: `register.cpus: expected a non-negative
 * integer`.
 *
 * @param noun What the messages are, for an unknown type: `client message`.
 * @param cases Per type: the other fields' validators, or a validator of the
 *   whole message (for messages that arrive packed and are unpacked).
 * @returns The validator.
 */
export function variant<C extends Record<string, Case>>(
  noun: string,
  cases: C,
): Validator<VariantOf<C>> {
  // Shape cases skip the record check: the message passed it already.
  const table = new Map<unknown, (r: Record<string, unknown>) => unknown>();
  for (const [type, c] of Object.entries(cases)) {
    table.set(type, typeof c === "function" ? c : checkFields(c));
  }
  return (v) => {
    let r: Record<string, unknown>;
    try {
      r = record(v);
    } catch (e) {
      throw within(e, "message");
    }
    const check = table.get(r.type);
    if (!check) throw new InvalidField(`Unknown ${noun} type "${String(r.type)}"`);
    try {
      // The case of this type checked it: the message is that case's type.
      return check(r) as VariantOf<C>;
    } catch (e) {
      throw within(e, String(r.type));
    }
  };
}
