/**
 * The security options of the commands: the secret (`--token-file`,
 * `RAIN_TOKEN`, `--no-auth`) and TLS (`--tls-cert`, `--tls-key`,
 * `--tls-ca`). Files are read while the command line is checked, so a
 * missing or unreadable one stops the command before anything starts.
 *
 * @module
 */
import { readFileSync, readSync } from "node:fs";
import { userInfo } from "node:os";
import { checkToken } from "../common/auth.ts";
import { formatAddress, isLoopback } from "../common/address.ts";
import { TOKEN_ENV } from "../common/token_file.ts";
import type { GovernorOptions } from "../governor/mod.ts";
import { runtime } from "../runtime/mod.ts";
import type { ServerOptions } from "../server/mod.ts";
import { flag, option, type OptionValues, UsageError } from "./command.ts";

/** Options of the server's secret and certificate (`rain server`, `rain start`). */
export const SERVER_SECURITY_OPTIONS = {
  "token-file": option(
    "FILE",
    `the secret: line 1 of FILE, - for stdin (default: ${TOKEN_ENV} or random)`,
    secretFile,
  ),
  "no-auth": flag("no secret: anyone who reaches the server can use it (Rain's old way)"),
  "tls-cert": option(
    "FILE",
    "serve wss:// and https:// with this certificate chain (PEM)",
    pemFile,
  ),
  "tls-key": option("FILE", "the certificate's private key (PEM)", pemFile),
};

/** Options of a governor's secret and TLS (`rain governor`; `--tls-ca` also on `rain start`). */
export const GOVERNOR_SECURITY_OPTIONS = {
  "token-file": option(
    "FILE",
    `the server's secret: line 1 of FILE, - for stdin (default: ${TOKEN_ENV}, token file)`,
    secretFile,
  ),
  "tls-cert": option("FILE", "certificate (PEM) of its data server, needed with TLS", pemFile),
  "tls-key": option("FILE", "the certificate's private key (PEM)", pemFile),
  "tls-ca": option("FILE", "CA certificates (PEM) to trust instead of the system's", pemFile),
};

/** `--tls-ca` alone, for the local governors of `rain start`. */
export const TLS_CA_OPTION = { "tls-ca": GOVERNOR_SECURITY_OPTIONS["tls-ca"] };

/**
 * The server's secret and TLS from the command line and `RAIN_TOKEN`.
 *
 * @param values The checked values.
 * @returns Options for `startServer`.
 * @throws {UsageError} On contradicting options.
 */
export function serverSecurity(
  values: OptionValues<typeof SERVER_SECURITY_OPTIONS>,
): Pick<ServerOptions, "token" | "noAuth" | "tls"> {
  if (values["no-auth"] && values["token-file"] !== undefined) {
    throw new UsageError("--no-auth and --token-file contradict each other");
  }
  const env = runtime.env(TOKEN_ENV)?.trim();
  let token = values["token-file"];
  if (token === undefined && !values["no-auth"] && env) {
    try {
      token = checkToken(env, TOKEN_ENV);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return { token, noAuth: values["no-auth"], tls: serveTls(values) };
}

/**
 * A governor's secret and TLS from the command line (`RAIN_TOKEN` and the
 * token file are looked up by `startGovernor`).
 *
 * @param values The checked values.
 * @returns Options for `startGovernor`.
 */
export function governorSecurity(
  values: OptionValues<typeof GOVERNOR_SECURITY_OPTIONS>,
): Pick<GovernorOptions, "token" | "tls"> {
  const serve = serveTls(values);
  const ca = values["tls-ca"];
  const tls = serve || ca !== undefined ? { ...serve, ca } : undefined;
  return { token: values["token-file"], tls };
}

/**
 * Says loudly what running without authentication means.
 *
 * @param hostname The address the server bound.
 * @param port Its port.
 * @param log Log sink.
 */
export function warnNoAuth(hostname: string, port: number, log: (message: string) => void): void {
  const user = userInfo().username;
  const where = formatAddress(hostname, port);
  if (isLoopback(hostname)) {
    log(
      `WARNING: --no-auth: every user of this machine can connect to ${where} and run any ` +
        `program as ${user} on the governors, and read every object.`,
    );
    return;
  }
  const bar = "!".repeat(78);
  log(bar);
  log(`WARNING: --no-auth on ${where}, which is not loopback: ANYONE WHO CAN REACH THIS`);
  log(`ADDRESS can run any program as ${user} on every governor and read every object.`);
  log("Use it only on a network you trust completely; otherwise drop --no-auth.");
  log(bar);
}

/** `--tls-cert` and `--tls-key`, both or neither. */
function serveTls(
  values: { "tls-cert"?: string | undefined; "tls-key"?: string | undefined },
): { cert: string; key: string } | undefined {
  const cert = values["tls-cert"], key = values["tls-key"];
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  return cert === undefined ? undefined : { cert, key: key! };
}

/** A PEM file's text. */
function pemFile(raw: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(raw, "utf8");
  } catch (e) {
    throw new UsageError(`${flag}: Cannot read "${raw}": ${(e as Error).message}`);
  }
  if (!text.includes("-----BEGIN ")) throw new UsageError(`${flag}: "${raw}" is not a PEM file`);
  return text;
}

/** The secret on the first line of a file, or of stdin for `-`. */
function secretFile(raw: string, flag: string): string {
  let line: string;
  try {
    line = raw === "-" ? readStdinLine() : readFileSync(raw, "utf8").split("\n")[0]!;
  } catch (e) {
    throw new UsageError(`${flag}: Cannot read "${raw}": ${(e as Error).message}`);
  }
  try {
    return checkToken(line.trim(), raw === "-" ? "stdin" : `"${raw}"`);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

/**
 * The first line of stdin, read byte by byte so that nothing after it is
 * consumed (a launcher may keep stdin open).
 */
function readStdinLine(): string {
  const byte = new Uint8Array(1);
  const bytes: number[] = [];
  while (bytes.length < 4096) {
    let n: number;
    try {
      n = readSync(0, byte, 0, 1, null);
    } catch (e) {
      if ((e as { code?: string | undefined }).code === "EAGAIN") continue; // non-blocking stdin: retry
      throw e;
    }
    if (n === 0 || byte[0] === 10) break;
    bytes.push(byte[0]!);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
