/**
 * The Fastify plugin: `fastify.register(picketFastify, { registry, ...options })`.
 */

import { Auth, Registry } from "./registry";
import { MiddlewareOptions, NodeRequestLike, Rule, authorizationLines, check, setup } from "./http";
import { Requirement, member } from "./convert";

/** Options of {@link picketFastify}: the registry and the middleware options. */
export interface FastifyPicketOptions extends MiddlewareOptions {
  /** A {@link Registry} or a `RegistryHolder`. */
  registry: Registry;
}

/** The parts of a Fastify request the plugin reads. */
export interface FastifyLikeRequest {
  url: string;
  raw: NodeRequestLike;
  routeOptions?: { config?: unknown };
}

/** The parts of a Fastify reply the plugin uses. */
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  header(name: string, value: string): FastifyLikeReply;
  send(body: string): FastifyLikeReply;
}

/** The options of Fastify's router that decide which handler a path reaches. */
export interface RouterConfig {
  caseSensitive?: boolean;
  ignoreDuplicateSlashes?: boolean;
  useSemicolonDelimiter?: boolean;
}

/**
 * The path of `url` as Fastify's router (find-my-way) reads it to pick a handler, so that
 * the prefixes apply to what is served: percent-decoded as `decodeURI` does (`/%61dmin`
 * is `/admin`; `%2F`, `%3F`, `%25` stay encoded), cut at `?`, `#` (and `;` with
 * `useSemicolonDelimiter`), doubled slashes collapsed with `ignoreDuplicateSlashes`, and
 * lowercased when the router is not case-sensitive. A malformed escape: the path as sent.
 */
export function routerPath(url: string, config: RouterConfig = {}): string {
  let path = url.split(config.useSemicolonDelimiter === true ? /[?#;]/ : /[?#]/, 1)[0];
  try {
    path = decodeURI(path.replace(/%25/g, "%2525"));
  } catch {
    // A malformed escape: the router answers it 400; the path as sent is the strictest.
  }
  if (config.ignoreDuplicateSlashes === true) path = path.replace(/\/{2,}/g, "/");
  return config.caseSensitive === false ? path.toLowerCase() : path;
}

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyLikeInstance {
  /** The router's options (Fastify's `initialConfig`): how it reads a path. */
  initialConfig?: RouterConfig & { routerOptions?: RouterConfig };
  decorateRequest(name: string, value: unknown): unknown;
  hasRequestDecorator?(name: string): boolean;
  addHook(
    name: "onRequest",
    hook: (request: FastifyLikeRequest, reply: FastifyLikeReply, done: (error?: Error) => void) => void,
  ): unknown;
}

/**
 * The {@link Auth} of a request the plugin let through (or the Express middleware: it is
 * `req.picket` there too).
 *
 * @example
 * ```ts
 * fastify.get("/v1/me", async (request) => ({ project: Number(picketAuth(request)!.project) }));
 * ```
 */
export function picketAuth(request: object): Auth | undefined {
  return (request as { picket?: Auth | null }).picket ?? undefined;
}

/**
 * A Fastify plugin that authenticates every request of the instance it is registered on
 * (it is not encapsulated: routes registered next to it are covered) in an `onRequest`
 * hook, with the same answers as {@link picketExpress}. Prefixes are matched against the
 * path as the router reads it ({@link routerPath}: `/%61dmin` reaches the `/admin`
 * handler, so it gets the `/admin` rule). Registered inside an encapsulated
 * child (`app.register(async (child) => { child.register(picketFastify, ...) })`), it
 * covers that child's routes only. Registered again inside an instance that has it, both
 * apply, the outer first: the inner one can only add a stricter requirement for its
 * routes; exceptions go in `routes`, `exempt` or a route's config. A route's own requirement goes in
 * its config: `{ config: { picket: Requirement.PUBLISHABLE } }` (`null`: no key), and
 * wins over the prefixes. The authenticated {@link Auth} is `request.picket` (and
 * {@link picketAuth}).
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(picketFastify, { registry, requirement: Requirement.SECRET, exempt: ["/healthz"] });
 * app.get("/widget", { config: { picket: Requirement.PUBLISHABLE } }, async () => "ok");
 * ```
 */
export function picketFastify(
  fastify: FastifyLikeInstance,
  options: FastifyPicketOptions,
  done: (error?: Error) => void,
): void {
  const [registry, routes, clock] = setup(options?.registry, options);
  const config = fastify.initialConfig;
  const setting = (name: keyof RouterConfig) => config?.routerOptions?.[name] ?? config?.[name];
  const router: RouterConfig = {
    caseSensitive: setting("caseSensitive"),
    ignoreDuplicateSlashes: setting("ignoreDuplicateSlashes"),
    useSemicolonDelimiter: setting("useSemicolonDelimiter"),
  };
  // Registered again inside an instance that has it (a stricter requirement for a
  // sub-tree), the decorator is inherited: declaring it again would throw.
  if (fastify.hasRequestDecorator?.("picket") !== true) fastify.decorateRequest("picket", null);
  fastify.addHook("onRequest", (request, reply, next) => {
    const config = request.routeOptions?.config as { picket?: Rule } | undefined;
    const rule =
      config?.picket === undefined
        ? routes.requirement(routerPath(request.url, router), router.caseSensitive === false)
        : config.picket === null
          ? null
          : member(config.picket, Requirement, "config.picket");
    const result = check(registry, rule, clock, authorizationLines(request.raw));
    if (result === null) return next();
    if ("status" in result) {
      reply.code(result.status);
      for (const [name, value] of Object.entries(result.headers)) reply.header(name, value);
      reply.send(JSON.stringify(result.body));
      return;
    }
    (request as { picket?: Auth }).picket = result;
    next();
  });
  done();
}

// Not encapsulated (what fastify-plugin sets), so that the hook covers the routes of the
// instance the plugin is registered on; named in Fastify's messages.
Object.assign(picketFastify, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "picket-node",
  [Symbol.for("plugin-meta")]: { name: "picket-node", fastify: ">=4" },
});
