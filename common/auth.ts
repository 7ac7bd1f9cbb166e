/**
 * Secrets: making them, checking their form, comparing them in constant time
 * and carrying them in `Authorization` headers.
 *
 * @module
 */

/** WebSocket close code of a connection refused for missing or wrong credentials. */
export const AUTH_CLOSE_CODE = 4401;

/** WebSocket close code of a connection refused by a limit (e.g. connections per address). */
export const LIMIT_CLOSE_CODE = 4429;

/** Fewest characters a secret given by the user must have. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Makes a new secret: 256 random bits, base64url (43 characters).
 *
 * @returns The secret.
 */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Checks the form of a secret given by the user: at least 16 printable
 * ASCII characters without spaces (what an `Authorization: Bearer` header
 * and a cookie can carry).
 *
 * @param token The secret, surrounding whitespace already removed.
 * @param source Where it came from, for the error (e.g. `"RAIN_TOKEN"`).
 * @returns The secret.
 * @throws {Error} When it is too short or has other characters.
 */
export function checkToken(token: string, source: string): string {
  if (!/^[\x21-\x7e]*$/.test(token) || token.includes(";") || token.includes(",")) {
    throw new Error(
      `Invalid token from ${source}: only printable ASCII without spaces, ";" or "," is allowed`,
    );
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `Invalid token from ${source}: ${token.length} characters, at least ${MIN_TOKEN_LENGTH} are needed`,
    );
  }
  return token;
}

const utf8 = new TextEncoder();

/**
 * Compares a presented secret with the expected one in time that does not
 * depend on where they differ: every byte is compared, with no early exit
 * (only the presented one's length shows, which tells nothing about the
 * secret). Written out rather than `node:crypto`'s `timingSafeEqual` so the
 * edge build (workerd, no `node:` modules) has it too.
 *
 * @param presented What the peer sent.
 * @param expected The secret.
 * @returns Whether they are equal.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = utf8.encode(presented);
  const b = utf8.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i % (b.length || 1)] ?? 0);
  return diff === 0;
}

/**
 * The headers that present a secret, none without one.
 *
 * @param token The secret, if any.
 * @returns `{ authorization: "Bearer ..." }` or `{}`.
 */
export function authHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/**
 * The secret in an `Authorization: Bearer` header.
 *
 * @param header The header's value, if any.
 * @returns The secret, or `undefined` without a bearer credential.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header && /^Bearer +(\S+) *$/i.exec(header);
  return m ? m[1] : undefined;
}
