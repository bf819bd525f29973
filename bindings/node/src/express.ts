/**
 * Express middleware: `app.use(picketExpress(registry, options))`, or on one route,
 * `app.get("/admin", picketExpress(registry, { requirement: Requirement.SECRET }), handler)`.
 */

import { Auth, Registry } from "./registry";
import { MiddlewareOptions, NodeRequestLike, Refusal, authorizationLines, check, pathOf, setup } from "./http";

/** The parts of an Express (or any connect-style) request the middleware reads. */
export interface ExpressLikeRequest extends NodeRequestLike {
  originalUrl?: string;
  url?: string;
  /** The Express application: whether it enables "case sensitive routing". */
  app?: { enabled?(setting: string): boolean };
  picket?: Auth;
}

/** The parts of an Express (or Node `http.ServerResponse`) response the middleware uses. */
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
  locals?: Record<string, unknown>;
}

/** A connect-style middleware: `(req, res, next)`. */
export type ExpressMiddleware = (
  req: ExpressLikeRequest,
  res: ExpressLikeResponse,
  next: (error?: unknown) => void,
) => void;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The authenticated key's project and kind, set by picket-node's middleware. */
      picket?: import("./registry").Auth;
    }
  }
}

/**
 * Authenticates each request against `registry` (a {@link Registry} or a
 * `RegistryHolder`) with its raw `Authorization` header.
 *
 * A request that authenticates reaches `next()` with its {@link Auth} in `req.picket` and
 * `res.locals.picket`. Any other gets the answer the library decides, with the error
 * object as JSON: 401 with `WWW-Authenticate: Basic realm="picket"` for a missing,
 * malformed, unknown or expired key, 403 for a valid key of the wrong kind, 400
 * `duplicate_authorization` for more than one `Authorization` header, and 500
 * `internal_error` for a closed registry. Paths are matched on the full path
 * (`req.originalUrl`, so the same prefixes work wherever the middleware is mounted),
 * without case as Express routes them (unless the app enables "case sensitive routing").
 *
 * @example
 * ```ts
 * const app = express();
 * app.use(picketExpress(registry, {
 *   requirement: Requirement.SECRET,                  // every other path
 *   routes: { "/widget": Requirement.PUBLISHABLE },   // per-route requirements
 *   exempt: ["/healthz"],                             // no key
 * }));
 * app.get("/v1/me", (req, res) => res.json({ project: Number(req.picket!.project) }));
 * ```
 */
export function picketExpress(registry: Registry, options?: MiddlewareOptions): ExpressMiddleware {
  const [reg, routes, clock] = setup(registry, options);
  return function picket(req, res, next) {
    const url = req.originalUrl ?? req.url ?? "/";
    // Express routes `/ADMIN` to the `/admin` handler unless the app says otherwise.
    const foldCase = req.app?.enabled?.("case sensitive routing") !== true;
    const result = check(reg, routes.requirement(pathOf(url), foldCase), clock, authorizationLines(req));
    if (result === null) return next();
    if ("status" in result) return answer(res, result);
    req.picket = result;
    if (res.locals !== undefined) res.locals.picket = result;
    next();
  };
}

function answer(res: ExpressLikeResponse, refusal: Refusal): void {
  res.statusCode = refusal.status;
  for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
  res.end(JSON.stringify(refusal.body));
}
