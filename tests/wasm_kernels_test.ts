/**
 * The WASM kernels as a whole: the committed `wasm/kernels.wasm` must be what
 * the sources in `wasm/assembly/` compile to, it loads, it is loaded only on
 * first use (never on import), and `RAIN_WASM=0` turns it off.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { wasmStatus } from "../wasm/mod.ts";
import { build, KERNELS_WASM } from "../wasm/build.ts";

/** Runs a script in a fresh Deno process; returns its stdout, trimmed. */
async function runScript(code: string, env: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: new URL("..", import.meta.url),
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return text;
}

Deno.test("the committed WASM kernels load", () => {
  const status = wasmStatus();
  assert.equal(status.available, true, status.error);
});

Deno.test("importing the client, server and governor loads no WASM; the first hash does", async () => {
  const out = await runScript(`
    import "./mod.ts";
    import "./server/mod.ts";
    import "./governor/mod.ts";
    import { kernelsLoaded } from "./wasm/kernels.ts";
    import { xxh128 } from "./wasm/mod.ts";
    const before = kernelsLoaded();
    xxh128(new Uint8Array(1000));
    console.log(JSON.stringify([before, kernelsLoaded()]));
  `);
  assert.deepEqual(JSON.parse(out), [false, true]);
});

Deno.test("RAIN_WASM=0 turns the kernels off; hashes stay the same", async () => {
  const code = `
    import { wasmStatus, xxh128 } from "./wasm/mod.ts";
    const bytes = new Uint8Array(100_000).map((_, i) => i * 31);
    console.log(JSON.stringify([wasmStatus(), xxh128(bytes)]));
  `;
  const [off, offHash] = JSON.parse(await runScript(code, { RAIN_WASM: "0" }));
  const [on, onHash] = JSON.parse(await runScript(code));
  assert.deepEqual(off, { available: false, error: "disabled by RAIN_WASM=0" });
  assert.deepEqual(on, { available: true });
  assert.equal(offHash, onHash);
});

Deno.test("wasm/kernels.wasm is up to date with wasm/assembly/", async () => {
  const dir = await mkdtemp(join(tmpdir(), "rain_wasm_"));
  try {
    const fresh = join(dir, "kernels.wasm");
    await build(fresh);
    const [built, committed] = await Promise.all([readFile(fresh), readFile(KERNELS_WASM)]);
    assert.ok(
      built.equals(committed),
      "wasm/kernels.wasm differs from a fresh build: run `deno run -A wasm/build.ts` and commit it",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
