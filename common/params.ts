/**
 * Parameter names of a function, read from its source text (as remote
 * functions name their inputs by parameter).
 *
 * @module
 */

/**
 * The names of a function's parameters, from its source text. Destructured
 * parameters get `""`; a rest parameter gets its name.
 *
 * @example
 * ```ts ignore
 * parameterNames("async (ctx, a, b = 2) => a"); // ["ctx", "a", "b"]
 * ```
 *
 * @param source The function's source (`fn.toString()`).
 * @returns The names in order.
 */
export function parameterNames(source: string): string[] {
  const s = stripComments(source);
  let end: number;
  const arrow = /^\s*(?:async\s*)?([A-Za-z_$][\w$]*)\s*=>/.exec(s);
  if (arrow) return [arrow[1]!];
  const start = s.indexOf("(");
  if (start < 0) return [];
  let depth = 0;
  for (end = start; end < s.length; end++) {
    const c = s[end];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (--depth === 0) break;
    } else if (c === '"' || c === "'" || c === "`") end = skipString(s, end);
  }
  const names: string[] = [];
  let part = "";
  depth = 0;
  for (let i = start + 1; i < end; i++) {
    const c = s[i]!;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === '"' || c === "'" || c === "`") {
      const j = skipString(s, i);
      part += s.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === "," && depth === 0) {
      names.push(nameOf(part));
      part = "";
    } else part += c;
  }
  if (part.trim()) names.push(nameOf(part));
  return names;
}

function nameOf(param: string): string {
  const m = /^\s*(?:\.\.\.)?\s*([A-Za-z_$][\w$]*)/.exec(param);
  return m ? m[1]! : "";
}

function skipString(s: string, i: number): number {
  const q = s[i];
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === "\\") j++;
    else if (s[j] === q) return j;
  }
  return s.length;
}

function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}
