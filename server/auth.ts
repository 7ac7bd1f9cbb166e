/**
 * The server's authentication: every request to its app (the client and
 * governor WebSockets, `/api/info`, the dashboard, any other route) must
 * present the server's secret, checked once per request or connection.
 *
 * A credential is `Authorization: Bearer <token>`, or, for a browser, the
 * cookie the server sets when a page is opened once with `?token=<token>`.
 * A cookie is not accepted from a page of another origin (a browser sends
 * cookies along with a foreign page's WebSocket), nor sent to other sites
 * (`SameSite=Strict`).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "npm:hono@^4.10.0";
import { getCookie, setCookie } from "npm:hono@^4.10.0/cookie";
import { bearerToken, tokensEqual } from "../common/auth.ts";
import { runtime } from "../runtime/mod.ts";

/** Query parameter that carries the secret once, for a browser. */
export const TOKEN_PARAM = "token";

/** Why WebSocket upgrades were refused, until their route closes them with the reason. */
const refusals = new WeakMap<Request, string>();

/**
 * The reason a WebSocket upgrade request was refused, or `undefined` when
 * it is authenticated. The WebSocket routes accept the upgrade and close at
 * once with code 4401 and this reason (a peer learns why, which an HTTP 401
 * to an upgrade would not tell it), never reading a frame.
 *
 * @param c The upgrade request's context.
 * @returns The reason, e.g. `"wrong token"`.
 */
export function wsRefusal(c: Context): string | undefined {
  return refusals.get(c.req.raw);
}

/**
 * Middleware refusing every request that does not present `token`: HTTP
 * 401 with the reason, logged with the peer's address; WebSocket upgrades
 * to `wsPaths` go on to their route marked refused (see
 * {@linkcode wsRefusal}).
 *
 * @param token The server's secret.
 * @param wsPaths The app's WebSocket routes.
 * @param log Log sink.
 * @returns The middleware, to be added before every route.
 */
export function authMiddleware(
  token: string,
  wsPaths: ReadonlySet<string>,
  log: (message: string) => void,
): MiddlewareHandler {
  return async (c, next) => {
    const cookieName = `rain_token_${portOf(c)}`;
    const query = c.req.query(TOKEN_PARAM);
    const reason = refusal(c, token, cookieName, query);
    const ws = c.req.header("upgrade")?.toLowerCase() === "websocket" && wsPaths.has(c.req.path);
    if (reason === undefined) {
      if (query !== undefined && !ws) {
        setCookie(c, cookieName, token, { httpOnly: true, sameSite: "Strict", path: "/" });
      }
      return await next();
    }
    log(
      `Refused ${ws ? "WebSocket" : c.req.method} ${c.req.path} from ${
        runtime.peerAddress(c)
      }: ${reason}`,
    );
    if (ws) {
      refusals.set(c.req.raw, reason);
      return await next();
    }
    return c.text(`Unauthorized: ${reason}\n`, 401, { "www-authenticate": 'Bearer realm="rain"' });
  };
}

/** Why a request is refused, or `undefined` when its credential is right. */
function refusal(
  c: Context,
  token: string,
  cookieName: string,
  query: string | undefined,
): string | undefined {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const presented = bearerToken(header);
    if (presented === undefined) return "the Authorization header is not a Bearer token";
    return tokensEqual(presented, token) ? undefined : "wrong token";
  }
  if (query !== undefined) return tokensEqual(query, token) ? undefined : "wrong token";
  const cookie = getCookie(c, cookieName);
  if (cookie === undefined) return "no token (send Authorization: Bearer <token>)";
  if (!sameOrigin(c)) return "a cookie from a page of another origin is not accepted";
  return tokensEqual(cookie, token) ? undefined : "wrong token in cookie";
}

/** Whether the request comes from no page or from a page of this server's origin. */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === c.req.header("host");
  } catch {
    return false;
  }
}

/**
 * The port the request was sent to, from its Host header (some hosts build
 * the request URL of a WebSocket upgrade without it): cookies are per host,
 * not per port, so each server's cookie is named after its port.
 */
function portOf(c: Context): string {
  const port = /:(\d+)$/.exec(c.req.header("host") ?? "")?.[1];
  return port ?? (new URL(c.req.url).protocol === "https:" ? "443" : "80");
}
