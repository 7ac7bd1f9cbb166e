/**
 * Parameter names of a function, read from its source text (as remote
 * functions name their inputs by parameter). The source is parsed with
 * `acorn`, so defaults holding strings, comments, regular expressions or
 * nested functions (`url = "http://x"`, `re = /[)]/`) are read as JavaScript
 * reads them.
 *
 * @module
 */
import { type Node, parse, type Pattern } from "npm:acorn@^8.19.0";

/**
 * The names of a function's parameters, from its source text. Destructured
 * parameters get `""`; a rest parameter and one with a default get their names.
 *
 * @example
 * ```ts ignore
 * parameterNames("async (ctx, a, b = 2) => a"); // ["ctx", "a", "b"]
 * parameterNames('(ctx, url = "http://x", data) => data'); // ["ctx", "url", "data"]
 * ```
 *
 * @param source The function's source (`fn.toString()`): a function
 *   expression, an arrow function or a method.
 * @returns The names in order.
 * @throws {TypeError} When the source is not a function JavaScript can parse
 *   (e.g. a native function).
 */
export function parameterNames(source: string): string[] {
  const fn = parseFunction(source);
  if (!fn) {
    const head = source.length > 60 ? `${source.slice(0, 60)}...` : source;
    throw new TypeError(`Cannot read the parameters of ${JSON.stringify(head)}: not a function`);
  }
  return fn.params.map(nameOf);
}

type FunctionNode = Node & { params: Pattern[] };

/** Parses a function's source as an expression, or else as an object method (`name(a) {}`). */
function parseFunction(source: string): FunctionNode | null {
  for (const [open, close] of [["(", ")"], ["({", "})"]]) {
    let program;
    try {
      program = parse(`${open}${source}\n${close}`, { ecmaVersion: "latest" });
    } catch {
      continue;
    }
    const statement = program.body[0];
    if (program.body.length !== 1 || statement?.type !== "ExpressionStatement") continue;
    const e = statement.expression;
    if (e.type === "ArrowFunctionExpression" || e.type === "FunctionExpression") return e;
    if (e.type === "ObjectExpression" && e.properties.length === 1) {
      const p = e.properties[0]!;
      if (p.type === "Property" && p.value.type === "FunctionExpression") return p.value;
    }
  }
  return null;
}

function nameOf(p: Pattern): string {
  if (p.type === "Identifier") return p.name;
  if (p.type === "AssignmentPattern") return nameOf(p.left);
  if (p.type === "RestElement") return nameOf(p.argument);
  return "";
}
