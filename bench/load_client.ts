/**
 * One client process of the load test (`bench/load.ts`): opens CLIENTS
 * connections to the server at once, each submitting TASKS small tasks in a
 * session of its own and fetching and checking every result. Credentials
 * come from the server's token file, as for any client of the same user.
 * Prints one JSON line: `{ clients, tasks, checked, wrong, ms }`.
 *
 * Run: `deno run -A bench/load_client.ts SERVER CLIENTS TASKS FIRST_ID`
 *
 * @module
 */
import { blob, Client, tasks } from "../mod.ts";
import { runtime } from "../runtime/mod.ts";

const [address, clientsArg, tasksArg, firstArg] = runtime.args();
const clients = Number(clientsArg), perClient = Number(tasksArg), first = Number(firstArg);

/** One client: its own connection and session; returns how many results were right. */
async function oneClient(id: number): Promise<{ checked: number; wrong: string[] }> {
  const client = await Client.connect(address!);
  try {
    await using session = client.newSession({ name: `load/${id}` });
    const sep = blob("-");
    const made = Array.from({ length: perClient }, (_, i) => {
      const t = tasks.concat([blob(`client ${id}`), sep, blob(`task ${i}`)]);
      t.output.keep();
      return t;
    });
    await session.submit();
    const texts = await Promise.all(made.map(async (t) => (await t.output.fetch()).text()));
    const wrong = texts.flatMap((text, i) =>
      text === `client ${id}-task ${i}` ? [] : [`client ${id} task ${i}: ${JSON.stringify(text)}`]
    );
    return { checked: texts.length, wrong };
  } finally {
    await client.close();
  }
}

const start = performance.now();
const results = await Promise.all(Array.from({ length: clients }, (_, k) => oneClient(first + k)));
console.log(JSON.stringify({
  clients,
  tasks: clients * perClient,
  checked: results.reduce((n, r) => n + r.checked, 0),
  wrong: results.flatMap((r) => r.wrong).slice(0, 10),
  ms: performance.now() - start,
}));
