/**
 * A throwaway certificate authority for TLS tests, made with `openssl` at
 * test time: a CA, a server certificate it signed for `localhost` and
 * `127.0.0.1`, and a second, unrelated CA.
 *
 * @module
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM material of a test CA; `await using` removes its files. */
export interface TestCa extends AsyncDisposable {
  /** The CA's certificate. */
  ca: string;
  /** A certificate for `localhost` and `127.0.0.1` signed by the CA. */
  cert: string;
  /** Its private key. */
  key: string;
  /** Another CA's certificate, which did not sign `cert`. */
  otherCa: string;
  /** The directory holding `ca.pem`, `server.pem`, `server.key`, `other-ca.pem`. */
  dir: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const child = new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let err = "";
  for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  const { code } = await child.status;
  if (code !== 0) throw new Error(`openssl ${args.join(" ")} failed (${code}): ${err}`);
}

/**
 * Why TLS tests cannot run here (no `openssl`), or `null`.
 *
 * @returns The reason, or `null`.
 */
export async function tlsUnavailable(): Promise<string | null> {
  try {
    const dir = await mkdtemp(join(tmpdir(), "rain-openssl-"));
    try {
      await openssl(dir, ["version"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return null;
  } catch (e) {
    return `openssl is not available: ${(e as Error).message}`;
  }
}

/**
 * Makes a CA and a server certificate.
 *
 * @returns The PEM material.
 */
export async function makeTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), "rain-tls-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    await openssl(
      dir,
      ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem"].concat(
        ["-days", "2", "-subj", "/CN=Rain test CA"],
      ),
    );
    await openssl(
      dir,
      ["req", ...ec, "-keyout", "server.key", "-out", "server.csr"].concat(
        ["-subj", "/CN=localhost"],
      ),
    );
    await writeFile(
      join(dir, "ext.cnf"),
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n" +
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    );
    await openssl(
      dir,
      ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem"].concat(
        ["-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2"],
        ["-extfile", "ext.cnf"],
      ),
    );
    await openssl(
      dir,
      ["req", "-x509", ...ec, "-keyout", "other-ca.key", "-out", "other-ca.pem"]
        .concat(["-days", "2", "-subj", "/CN=Another CA"]),
    );
    const read = (name: string) => readFile(join(dir, name), "utf8");
    return {
      ca: await read("ca.pem"),
      cert: await read("server.pem"),
      key: await read("server.key"),
      otherCa: await read("other-ca.pem"),
      dir,
      [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
