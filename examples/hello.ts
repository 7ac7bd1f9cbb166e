/**
 * Hello world: run against a local server started with `npm start`.
 *
 * Run: `npx deno run -A examples/hello.ts [HOST:PORT]`
 *
 * @module
 */
import process from "node:process";
import { blob, Client, tasks } from "../mod.ts";

const client = await Client.connect(process.argv[2] ?? "localhost:7210");
{
  await using session = client.newSession({ name: "hello" });
  const a = blob("Hello ");
  const b = blob("world!");
  const t = tasks.concat([a, tasks.sleep(b, 0.5)]);
  t.output.keep();
  await session.submit();
  console.log((await t.output.fetch()).text());
}
await client.close();
