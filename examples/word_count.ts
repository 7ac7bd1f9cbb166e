/**
 * Files through external programs: counts the words of text files with
 * standard Unix tools, one `tasks.execute` per step, and a `program` reused
 * for every file.
 *
 * Each file goes through `tr` (one lower-case word per line) on a governor;
 * their word lists are concatenated and counted by `sort | uniq -c | sort`,
 * and the most frequent words come back.
 *
 * Run against a running server (`npm start` in a checkout):
 * `npx deno run -A examples/word_count.ts [HOST:PORT] [FILE...]`
 * (without files it counts the words of this project's README.md and docs/).
 *
 * @module
 */
import process from "node:process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { blob, Client, Input, program, tasks } from "../mod.ts";
import { readFile } from "node:fs/promises";

const [address = "localhost:7210", ...files] = process.argv.slice(2);
const root = fileURLToPath(new URL("..", import.meta.url));
const inputs = files.length > 0 ? files : [
  "README.md",
  ...readdirSync(`${root}docs`).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
].map((f) => root + f);

// One lower-case word per line: a program pattern, bound to each file's data below.
const words = program(
  ["sh", "-c", "tr -cs 'A-Za-z' '\\n' < text | tr 'A-Z' 'a-z' | grep -E '^.{4,}$'"],
  { inputPaths: [new Input("text", { path: "text" })], stdout: "words" },
);

const client = await Client.connect(address);
{
  await using session = client.newSession({ name: "word count" });
  const lists = [];
  for (const file of inputs) {
    const text = blob(await readFile(file), { label: file });
    lists.push(words.with({ name: "words" })({ text }));
  }
  const counted = tasks.execute("sort | uniq -c | sort -k1,1nr -k2,2 | head -n 5", {
    shell: true,
    stdin: tasks.concat(lists),
    stdout: true,
    name: "count",
  });
  counted.output.keep();
  await session.submit();
  const top = (await counted.output.fetch()).text().trim().split("\n");
  console.log(`${inputs.length} files; most frequent words of four letters or more:`);
  for (const line of top) {
    const [count, word] = line.trim().split(/\s+/);
    console.log(`${word} ${count}`);
  }
}
await client.close();
