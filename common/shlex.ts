/**
 * Shell-like splitting of a command line into words, as `tasks.execute("sleep 1")`
 * does. There is no shell behind it: no globbing, no variables, no pipes, no
 * comments; `$`, `*`, `#`, `|`, `&&` are ordinary characters.
 *
 * @module
 */

/** Characters that separate words (those of Python's `shlex` in POSIX mode). */
const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

/** Characters that a backslash escapes inside double quotes (POSIX `sh`). */
const DOUBLE_QUOTE_ESCAPES = new Set(['"', "\\", "$", "`"]);

/**
 * Splits a command line into words like Python's `shlex.split` (POSIX mode,
 * no comments) and POSIX `sh`:
 *
 * - words are separated by runs of spaces, tabs, carriage returns and newlines;
 * - inside single quotes every character is literal, up to the next `'`;
 * - inside double quotes a backslash escapes `"`, `\`, `$` and `` ` `` (it is
 *   removed), a backslash-newline is removed, and before any other character
 *   the backslash is kept (`"a\b"` is `a\b`);
 * - outside quotes a backslash makes the next character literal, and a
 *   backslash-newline is removed (a line continuation);
 * - quoted and unquoted parts next to each other form one word
 *   (`a"b c"'d'` is `ab cd`), and `''` or `""` alone is an empty word.
 *
 * Unlike Python's `shlex`, which follows `sh` less closely, `\$` and `` \` ``
 * inside double quotes lose their backslash, and a backslash-newline is
 * removed rather than kept as a newline.
 *
 * @example
 * ```ts
 * splitCommand(`grep -e "rain drop" 'it''s' a\ b`); // ["grep", "-e", "rain drop", "its", "a b"]
 * ```
 *
 * @param cmd The command line.
 * @returns The words; `[]` for an empty or blank command.
 * @throws {TypeError} When `cmd` is not a string, has an unterminated quote,
 *   or ends with a backslash outside quotes.
 */
export function splitCommand(cmd: string): string[] {
  if (typeof cmd !== "string") {
    throw new TypeError(`Command must be a string, got ${typeof cmd}`);
  }
  const words: string[] = [];
  let word = "";
  // A word is in progress (it may be empty, as in `''`).
  let inWord = false;
  let i = 0;
  while (i < cmd.length) {
    const ch = cmd.charAt(i);
    if (WHITESPACE.has(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (ch === "\\") {
      if (i + 1 >= cmd.length) {
        throw new TypeError(`Command ${JSON.stringify(cmd)} ends with a backslash`);
      }
      const next = cmd.charAt(i + 1);
      if (next !== "\n") {
        word += next;
        inWord = true;
      }
      i += 2;
    } else if (ch === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) {
        throw new TypeError(`Command ${JSON.stringify(cmd)} has an unterminated single quote`);
      }
      word += cmd.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= cmd.length) {
          throw new TypeError(`Command ${JSON.stringify(cmd)} has an unterminated double quote`);
        }
        const c = cmd.charAt(i);
        if (c === '"') {
          i++;
          break;
        }
        if (c === "\\" && i + 1 < cmd.length) {
          const next = cmd.charAt(i + 1);
          if (DOUBLE_QUOTE_ESCAPES.has(next)) word += next;
          else if (next !== "\n") word += c + next;
          i += 2;
        } else {
          word += c;
          i++;
        }
      }
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
