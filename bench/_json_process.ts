/**
 * Runs a measuring process to its end and reads the JSON line it prints
 * last.
 *
 * @module
 */

/**
 * Runs a process and parses the last line of its stdout as JSON.
 *
 * @param cmd The program.
 * @param args Its arguments.
 * @param timeoutMs How long it may take before it is killed.
 * @returns The parsed line.
 * @throws {Error} When it fails, times out or prints no JSON; the message ends with its stderr.
 */
export async function runJson<T>(cmd: string, args: string[], timeoutMs: number): Promise<T> {
  const child = new Deno.Command(cmd, {
    args,
    env: { NO_COLOR: "1" }, // plain error messages in the report
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const out = new TextDecoder().decode(stdout).trim();
  const why = timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited with code ${code}`;
  const tail = () => new TextDecoder().decode(stderr).trim().split("\n").slice(-5).join("\n");
  if (code !== 0) throw new Error(`${cmd} ${why}\n${tail()}`);
  try {
    return JSON.parse(out.slice(out.lastIndexOf("\n") + 1)) as T;
  } catch {
    throw new Error(`${cmd} printed no JSON line: ${out.slice(-500)}\n${tail()}`);
  }
}
