/**
 * What the Express middleware and the Fastify plugin share: which requirement a path has
 * (per-route requirements and exempt paths) and the answer to a refused request, the one
 * error object of every picket runtime: `{"error": rule, "code": n, "message": text}`.
 */

import { MIDDLEWARE_RULES } from "./codes";
import { Requirement, describe, member, seconds } from "./convert";
import { AuthError, ErrorBody } from "./errors";
import { Auth, Registry } from "./registry";

/** A path's requirement; `null`: the path needs no key. */
export type Rule = Requirement | null;

/** Options of the Express middleware and the Fastify plugin. */
export interface MiddlewareOptions {
  /**
   * The requirement of every path no prefix of `routes` or `exempt` matches (default:
   * `Requirement.ANY`). `null` authenticates only the listed prefixes, so that a path the
   * application does not serve gets its 404, not a 401.
   */
  requirement?: Rule;
  /**
   * Path prefix → requirement (`null`: no key). A prefix matches the path itself and
   * everything below it on a segment boundary (`/admin` matches `/admin/users`, not
   * `/administrator`); the longest wins. Prefixes are compared with what the framework
   * routes on, so that no other spelling of a path reaches its handler under another
   * rule: Express, the path as received (not decoded), without case unless the app
   * enables "case sensitive routing"; Fastify, the path as its router reads it
   * (percent-decoded, and folded or collapsed as the router's options say: `routerPath`).
   */
  routes?: Readonly<Record<string, Rule>>;
  /** Path prefixes that need no key (health checks). */
  exempt?: readonly string[];
  /** The current time (a `Date` or unix seconds); `Date.now()` by default. */
  clock?: () => Date | number;
}

/**
 * Which requirement each path has. Built once from the options of a middleware.
 *
 * @example
 * ```ts
 * const routes = new Routes({ routes: { "/widget": Requirement.PUBLISHABLE }, exempt: ["/healthz"] });
 * routes.requirement("/widget/embed"); // Requirement.PUBLISHABLE
 * routes.requirement("/healthz");      // null
 * routes.requirement("/v1/projects");  // Requirement.ANY
 * ```
 */
export class Routes {
  readonly #rules: ReadonlyArray<readonly [string, Rule]>;
  readonly #default: Rule;

  constructor(options: MiddlewareOptions = {}) {
    const rules: Array<[string, Rule]> = [];
    const listed: Array<[string, unknown]> = [
      ...Object.entries(options.routes ?? {}),
      ...(options.exempt ?? []).map((p): [string, unknown] => [p, null]),
    ];
    for (const [prefix, rule] of listed) {
      if (typeof prefix !== "string" || !prefix.startsWith("/")) {
        throw new TypeError(`a route prefix must be a string starting with "/", not ${describe(prefix)}`);
      }
      const trimmed = prefix.replace(/\/+$/, "") || "/";
      rules.push([trimmed, rule === null ? null : member(rule, Requirement, `routes[${JSON.stringify(prefix)}]`)]);
    }
    rules.sort((a, b) => b[0].length - a[0].length);
    this.#rules = rules;
    const d = options.requirement === undefined ? Requirement.ANY : options.requirement;
    this.#default = d === null ? null : member(d, Requirement, "requirement");
  }

  /**
   * The requirement of `path` (its part before any `?`); `null`: no key needed. With
   * `foldCase`, letters compare without case, as a router that matches routes so does
   * (Express by default): `/ADMIN` reaches the `/admin` handler, so it gets its rule.
   */
  requirement(path: string, foldCase = false): Rule {
    const p = foldCase ? path.toLowerCase() : path;
    for (const [exact, rule] of this.#rules) {
      const prefix = foldCase ? exact.toLowerCase() : exact;
      if (prefix === "/" || p === prefix || p.startsWith(prefix + "/")) return rule;
    }
    return this.#default;
  }
}

const JSON_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/**
 * The `Authorization` lines of a Node request, each as sent: Node's `headers` keeps only
 * the first of repeated `Authorization` lines, `headersDistinct` (Node 18.3+) has them all.
 */
export function authorizationLines(req: NodeRequestLike): string[] | undefined {
  return req.headersDistinct?.authorization ?? (req.headers.authorization === undefined ? undefined : [req.headers.authorization]);
}

/** The parts of a Node `http.IncomingMessage` the middleware reads. */
export interface NodeRequestLike {
  headers: { authorization?: string | undefined };
  headersDistinct?: { authorization?: string[] | undefined };
}

/** The answer to a refused request: its status, headers and JSON body. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
}

/**
 * The answer to an error of `authenticate`: the status and challenge the library decides
 * for an {@link AuthError} (401 with `WWW-Authenticate: Basic realm="picket"`, or 403),
 * 500 `internal_error` for anything else (a closed registry: the server's fault), whose
 * text is never sent.
 */
export function refusal(error: unknown): Refusal {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (error instanceof AuthError) {
    if (error.challenge !== null) headers["www-authenticate"] = error.challenge;
    return { status: error.httpStatus, headers, body: error.toJSON() };
  }
  const rule = MIDDLEWARE_RULES.internal_error;
  return { status: rule.status, headers, body: { error: "internal_error", code: rule.code, message: rule.message } };
}

/**
 * Authenticates one request from its `Authorization` header lines: its Auth, or the
 * refusal to send; null when it needs no key. More than one line, or one value with a
 * comma (what a proxy makes of two; no credential has one), is `duplicate_authorization`
 * (400): which one a proxy and the server read could differ.
 */
export function check(
  registry: Registry,
  requirement: Rule,
  clock: (() => Date | number) | undefined,
  values: readonly string[] | undefined,
): Auth | Refusal | null {
  if (requirement === null) return null;
  const header = values?.[0];
  if (values !== undefined && (values.length > 1 || (header !== undefined && header.includes(",")))) {
    const rule = MIDDLEWARE_RULES.duplicate_authorization;
    return {
      status: rule.status,
      headers: { ...JSON_HEADERS },
      body: { error: "duplicate_authorization", code: rule.code, message: rule.message },
    };
  }
  try {
    const now = clock === undefined ? undefined : seconds(clock(), "clock()");
    return registry.authenticate(header, requirement, now);
  } catch (e) {
    return refusal(e);
  }
}

/** Checks the registry and options given to a middleware. */
export function setup(registry: unknown, options: MiddlewareOptions | undefined): [Registry, Routes, MiddlewareOptions["clock"]] {
  if (!(registry instanceof Registry)) {
    throw new TypeError(`the middleware needs a Registry or a RegistryHolder, not ${describe(registry)}`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`options must be an object, not ${describe(options)}`);
  }
  if (options?.clock !== undefined && typeof options.clock !== "function") {
    throw new TypeError("clock must be a function");
  }
  return [registry, new Routes(options), options?.clock];
}

/** The path of a URL (`/a/b?x=1` → `/a/b`). */
export function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}
