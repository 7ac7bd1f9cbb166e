import assert from "node:assert/strict";
import { splitCommand } from "../../common/shlex.ts";

Deno.test("splitCommand() splits on whitespace", () => {
  assert.deepEqual(splitCommand("sleep 1"), ["sleep", "1"]);
  assert.deepEqual(splitCommand("  a \t b\n\nc\r "), ["a", "b", "c"]);
  assert.deepEqual(splitCommand(""), []);
  assert.deepEqual(splitCommand(" \t\n"), []);
});

Deno.test("splitCommand() has no shell features", () => {
  assert.deepEqual(splitCommand("echo $HOME *.txt # x && y | z;"), [
    "echo",
    "$HOME",
    "*.txt",
    "#",
    "x",
    "&&",
    "y",
    "|",
    "z;",
  ]);
});

Deno.test("splitCommand() keeps single quotes literal", () => {
  assert.deepEqual(splitCommand(`grep 'rain drop' f`), ["grep", "rain drop", "f"]);
  assert.deepEqual(splitCommand(`'a\\b "c" $d'`), [`a\\b "c" $d`]);
  assert.deepEqual(splitCommand(`'it'\\''s'`), ["it's"]);
});

Deno.test("splitCommand() handles double quotes and escapes", () => {
  assert.deepEqual(splitCommand(`"a b" "c\\"d" "e\\\\f"`), ["a b", `c"d`, "e\\f"]);
  assert.deepEqual(splitCommand('"\\$x \\`y\\`"'), ["$x `y`"]);
  assert.deepEqual(splitCommand(`"a\\b\\n"`), ["a\\b\\n"]);
  assert.deepEqual(splitCommand(`"it's"`), ["it's"]);
  assert.deepEqual(splitCommand(`"line\\\nnext"`), ["linenext"]);
  assert.deepEqual(splitCommand(`"multi\nline"`), ["multi\nline"]);
});

Deno.test("splitCommand() handles backslashes outside quotes", () => {
  assert.deepEqual(splitCommand(`a\\ b c\\"d \\'e \\\\`), ["a b", `c"d`, "'e", "\\"]);
  assert.deepEqual(splitCommand(`a\\nb`), ["anb"]);
  assert.deepEqual(splitCommand(`one \\\ntwo`), ["one", "two"]);
  assert.deepEqual(splitCommand(`on\\\ne`), ["one"]);
});

Deno.test("splitCommand() joins adjacent parts and keeps empty words", () => {
  assert.deepEqual(splitCommand(`a"b c"'d'e`), ["ab cde"]);
  assert.deepEqual(splitCommand(`x '' "" y`), ["x", "", "", "y"]);
  assert.deepEqual(splitCommand(`--opt=""`), ["--opt="]);
});

Deno.test("splitCommand() throws on unterminated quotes", () => {
  assert.throws(() => splitCommand(`echo 'a`), {
    name: "TypeError",
    message: `Command "echo 'a" has an unterminated single quote`,
  });
  assert.throws(() => splitCommand(`echo "a`), {
    name: "TypeError",
    message: `Command "echo \\"a" has an unterminated double quote`,
  });
  assert.throws(() => splitCommand(`echo "a\\"`), /unterminated double quote/);
  assert.throws(() => splitCommand(`echo a\\`), {
    name: "TypeError",
    message: `Command "echo a\\\\" ends with a backslash`,
  });
  assert.throws(() => splitCommand(null as unknown as string), TypeError);
});
