/**
 * Where a server's secret is kept for its user: `rain server` and
 * `rain start` write it to a file only that user can read, named after the
 * server's address, and clients and governors of the same user on the same
 * machine find it there with no argument.
 *
 * @module
 */
import { chmod, lstat, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir, hostname, networkInterfaces, userInfo } from "node:os";
import { join } from "node:path";
import { runtime } from "../runtime/mod.ts";
import { checkToken } from "./auth.ts";
import { isLoopback, plainIp } from "./address.ts";

/** Environment variable carrying the secret for clients, governors and the server. */
export const TOKEN_ENV = "RAIN_TOKEN";

/**
 * The directory of token files: `$XDG_RUNTIME_DIR/rain`, else `~/.rain`.
 *
 * @returns Its path.
 */
export function tokenDir(): string {
  const xdg = runtime.env("XDG_RUNTIME_DIR");
  return xdg ? join(xdg, "rain") : join(homedir(), ".rain");
}

/**
 * The token file of the server at `host:port`.
 *
 * @param host The server's host as it bound it (e.g. `127.0.0.1`).
 * @param port Its port.
 * @returns The file's path.
 */
export function tokenFilePath(host: string, port: number): string {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "").replace(/[^a-z0-9.-]/g, "_");
  return join(tokenDir(), `server-${name}-${port}.token`);
}

/**
 * Writes a server's secret to its token file (mode 0600, in a directory of
 * mode 0700), replacing an older one atomically.
 *
 * @param host The address the server bound.
 * @param port Its port.
 * @param token The secret.
 * @returns The file's path.
 */
export async function writeTokenFile(host: string, port: number, token: string): Promise<string> {
  const dir = tokenDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await checkPrivate(dir, true);
  await chmod(dir, 0o700);
  const path = tokenFilePath(host, port);
  const tmp = `${path}.${crypto.randomUUID()}`;
  await writeFile(tmp, `${token}\n`, { mode: 0o600, flag: "wx" });
  await rename(tmp, path);
  return path;
}

/**
 * Removes a token file the server wrote (when it stops).
 *
 * @param path The file.
 */
export async function removeTokenFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * Reads a secret from a file: its first line (`--token-file`).
 *
 * @param path The file.
 * @returns The secret.
 * @throws {Error} When the file cannot be read or holds no valid secret.
 */
export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read token file "${path}": ${(e as Error).message}`);
  }
  return checkToken(text.split("\n")[0]!.trim(), `token file "${path}"`);
}

/** A secret and where it was found. */
export interface FoundToken {
  /** The secret. */
  token: string;
  /** Where it came from, for messages: `"RAIN_TOKEN"` or the file. */
  source: string;
}

/**
 * Finds the secret for a server the way a client or governor of the same
 * user does with no argument: `RAIN_TOKEN`, else the token file of that
 * address written by a server on this machine.
 *
 * A file is only used when the address can be this machine: the host
 * given, or for a loopback or local name also the file of a server bound to
 * loopback or to every address. A secret is never sent to another machine's
 * server because a local server happens to use the same port.
 *
 * @param host The host the client connects to.
 * @param port The port.
 * @returns The secret and its source, or `undefined` when there is none.
 * @throws {Error} When the file found is not private to this user.
 */
export async function findToken(host: string, port: number): Promise<FoundToken | undefined> {
  const env = runtime.env(TOKEN_ENV);
  if (env) return { token: checkToken(env.trim(), TOKEN_ENV), source: TOKEN_ENV };
  for (const candidate of hostCandidates(host)) {
    const path = tokenFilePath(candidate, port);
    try {
      await checkPrivate(path, false);
    } catch (e) {
      if ((e as { code?: string | undefined }).code === "ENOENT") continue;
      throw e;
    }
    return { token: await readTokenFile(path), source: path };
  }
  return undefined;
}

const LOOPBACK = ["127.0.0.1", "localhost", "::1"];
const ANY = ["0.0.0.0", "::"];

/** The hosts whose token files can belong to the server at `host`. */
function hostCandidates(host: string): string[] {
  const h = plainIp(host.toLowerCase().replace(/^\[|\]$/g, ""));
  if (isLoopback(h)) return [h, ...LOOPBACK, ...ANY];
  return isLocalAddress(h) ? [h, ...ANY] : [h];
}

function isLocalAddress(h: string): boolean {
  if (h === hostname().toLowerCase()) return true;
  return Object.values(networkInterfaces()).some((list) =>
    list?.some((i) => i.address.toLowerCase() === h)
  );
}

/**
 * Checks that a token file or its directory belongs to this user and that
 * nobody else can read it (not on Windows, which has no such modes).
 */
async function checkPrivate(path: string, isDir: boolean): Promise<void> {
  const st = await lstat(path);
  const uid = userInfo().uid;
  if (uid < 0) return;
  const what = isDir ? "Token directory" : "Token file";
  if (isDir ? !st.isDirectory() : !st.isFile()) {
    throw new Error(`${what} "${path}" is not a plain ${isDir ? "directory" : "file"}`);
  }
  if (st.uid !== uid) {
    throw new Error(`${what} "${path}" belongs to another user (uid ${st.uid})`);
  }
  if (!isDir && (st.mode & 0o077) !== 0) {
    throw new Error(
      `${what} "${path}" can be read by other users (mode ${(st.mode & 0o777).toString(8)}): ` +
        `run chmod 600 on it`,
    );
  }
}
