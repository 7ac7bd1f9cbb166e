/**
 * Multiple submits with keep: an iterative computation that looks at each
 * result before deciding the next step. Newton's method for a square root
 * runs one step per submit; each step's output is kept, so the next submit
 * can use it as an input, and the previous one is unkept once it is used.
 * The constant (the number whose root is sought) is reused by every submit
 * without keep(): the server holds constants while the session lives.
 *
 * Run against a running server (`npm start` in a checkout):
 * `npx deno run -A examples/multiple_submits.ts [HOST:PORT] [NUMBER]`
 *
 * @module
 */
import process from "node:process";
import { blob, Client, type DataInstance, type DataObject, Output, remote } from "../mod.ts";

const [address = "localhost:7210", number = "2"] = process.argv.slice(2);

const step = remote(
  (_ctx, target: DataInstance, guess: DataInstance) => {
    const a = target.load() as number;
    const x = guess.load() as number;
    return (x + a / x) / 2;
  },
  { outputs: [new Output({ encode: "json" })], name: "newton/step" },
);

const client = await Client.connect(address);
{
  await using session = client.newSession({ name: "multiple submits" });
  const target = blob(Number(number), { encode: "json" });
  let guess: DataObject = blob(Number(number), { encode: "json" });
  let value = Number(number);
  for (let i = 1; i <= 20; i++) {
    const next = step(target, guess).output;
    next.keep(); // a later submit uses it
    await session.submit();
    const x = (await next.fetch()).load() as number;
    if (guess.isKept()) await guess.unkeep(); // no longer needed
    guess = next;
    const done = Math.abs(x - value) < 1e-12;
    value = x;
    console.log(`step ${i}: ${x}`);
    if (done) break;
  }
  console.log(`sqrt(${number}) = ${value}`);
}
await client.close();
