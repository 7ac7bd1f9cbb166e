/**
 * The typed-validator module (`protocol/validate.ts`): each combinator
 * accepts what its type says and names the field of what it refuses.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ProtocolError } from "../../common/errors.ts";
import {
  array,
  at,
  dictOf,
  int,
  literal,
  mapArray,
  nullable,
  object,
  optional,
  refine,
  str,
  validate,
  type Validator,
  variant,
} from "../../protocol/validate.ts";

/** Asserts that `check(v)` throws a ProtocolError whose message is exactly `message`. */
function refuses(check: Validator<unknown>, v: unknown, message: string): void {
  assert.throws(() => check(v), (e: Error) => {
    assert.ok(e instanceof ProtocolError, String(e));
    assert.equal(e.message, message);
    return true;
  });
}

const point = object({ x: int, label: optional(str), tags: array(str) });

Deno.test("object() checks its fields in place, names the failing one, ignores others", () => {
  const p = { x: 1, tags: ["a"], extra: true };
  assert.equal(point(p), p, "the same object comes back");
  assert.deepEqual(point({ x: 0, label: "l", tags: [] }), { x: 0, label: "l", tags: [] });
  refuses(point, { x: -1, tags: [] }, ".x: expected a non-negative integer");
  refuses(point, { x: 1, label: 2, tags: [] }, ".label: expected a string");
  refuses(point, { x: 1, tags: ["a", 3] }, ".tags[1]: expected a string");
  refuses(point, { x: 1 }, ".tags: expected an array");
  refuses(point, [1], "expected an object");
  refuses(point, new Uint8Array(1), "expected an object");
});

Deno.test("paths nest through arrays, objects and dictionaries, and validate() names the root", () => {
  const nested = object({ items: array(object({ by: dictOf(point) })) });
  assert.throws(
    () => validate(nested, { items: [{ by: { a: { x: 1, tags: [] }, b: { x: "1" } } }] }, "doc"),
    /^ProtocolError: doc\.items\[0\]\.by\.b\.x: expected a non-negative integer$/,
  );
});

Deno.test("a converting validator's result is stored back in place", () => {
  const doubled: Validator<number> = (v) => int(v) * 2;
  const o = { n: 2, list: [1, 2] };
  assert.deepEqual(object({ n: doubled, list: array(doubled) })(o), { n: 4, list: [2, 4] });
  assert.deepEqual(o, { n: 4, list: [2, 4] });
  assert.deepEqual(mapArray([1, 2], doubled), [2, 4]);
  refuses((v) => mapArray(v, doubled), [1, "x"], "[1]: expected a non-negative integer");
});

Deno.test("literal, nullable and refine refuse with their reason", () => {
  refuses(literal("blob", "dir"), "tree", 'expected "blob" or "dir"');
  assert.equal(nullable(int)(null), null);
  refuses(nullable(int), "x", "expected a non-negative integer");
  const positive = refine(int, (n) => n >= 1, "must be at least 1");
  refuses(positive, 0, "must be at least 1");
  refuses((v) => at(v as unknown[], 2, positive), [1, 1, 0], "[2]: must be at least 1");
});

Deno.test("variant() dispatches on type, names the type before the field, refuses unknown types", () => {
  const message = variant("test message", {
    ping: { n: int },
    pong: (v: unknown) => ({ type: "pong" as const, twice: object({ n: int })(v).n * 2 }),
  });
  assert.deepEqual(message({ type: "ping", n: 1 }), { type: "ping", n: 1 });
  assert.deepEqual(message({ type: "pong", n: 2 }), { type: "pong", twice: 4 });
  refuses(message, { type: "ping", n: "1" }, "ping.n: expected a non-negative integer");
  refuses(message, { type: "pong" }, "pong.n: expected a non-negative integer");
  refuses(message, { type: "constructor" }, 'Unknown test message type "constructor"');
  refuses(message, "ping", "message: expected an object");
});
