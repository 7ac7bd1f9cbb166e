/**
 * Directories: builds a directory object out of generated files
 * (`tasks.makeDirectory`), lets a program turn it into another directory
 * (an `InputDir` in, an `OutputDir` out), takes a file and a sub-directory
 * out of the result (`tasks.sliceDirectory`), and writes that sub-directory
 * to the local file system.
 *
 * Run against a running server (`npm start` in a checkout):
 * `npx deno run -A examples/directories.ts [HOST:PORT] [OUT_DIR]`
 *
 * @module
 */
import process from "node:process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blob, Client, InputDir, OutputDir, tasks } from "../mod.ts";

const [address = "localhost:7210", out = await mkdtemp(join(tmpdir(), "rain-directories-"))] =
  process.argv.slice(2);

const client = await Client.connect(address);
{
  await using session = client.newSession({ name: "directories" });
  const cities = { paris: "rain\nsun\nrain\n", oslo: "snow\nrain\n", lima: "sun\n" };
  // A dir object: one file per city, under data/.
  const data = tasks.makeDirectory(
    Object.entries(cities).map(([city, days]) => [`data/${city}.txt`, blob(days)]),
  );
  // A program reads the directory and writes another one: a summary per weather.
  const byWeather = tasks.execute(
    "mkdir -p out/weather && for f in in/data/*.txt; do c=$(basename $f .txt); " +
      "sort -u $f | while read w; do echo $c >> out/weather/$w; done; done && " +
      "ls in/data | wc -l > out/count",
    {
      shell: true,
      inputPaths: [new InputDir("in", { dataobj: data })],
      outputPaths: [new OutputDir("out")],
    },
  );
  const count = tasks.sliceDirectory(byWeather, "count"); // a file: a blob
  const weather = tasks.sliceDirectory(byWeather, "weather/"); // a trailing "/": a directory
  count.output.keep();
  weather.output.keep();
  await session.submit();
  console.log(`${(await count.output.fetch()).text().trim()} cities`);
  await (await weather.output.fetch()).write(out); // a dir object arrives as a tar archive
  for (const w of (await readdir(out)).sort()) {
    const where = (await readFile(join(out, w), "utf8")).trim().split("\n").sort();
    console.log(`${w}: ${where.join(", ")}`);
  }
}
await client.close();
