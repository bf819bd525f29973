/**
 * The registry: {@link RegistryBuilder} collects projects, redirect URIs and key digests
 * (the rows of a server's store) and builds an immutable {@link Registry}, which
 * authenticates requests and checks OAuth authorize requests.
 *
 * Memory safety does not depend on the caller: the native handles are owned by the addon
 * (`native/src/registry.rs`). A closed registry throws `ClosedError`; closing twice
 * does nothing; a registry shared with worker threads ({@link Registry.share}) is freed
 * only once the calls in flight on every thread have returned.
 */

import {
  KeyKind,
  Mode,
  RedirectOptions,
  Requirement,
  Text,
  describe,
  joinU64,
  member,
  redirectOptions,
  seconds,
  text,
  u64,
} from "./convert";
import { AuthError, AuthorizeError, call } from "./errors";
import { DIGEST_LEN, Key, digestFromHex } from "./keys";
import { NativeBuilder, NativeRegistry, native } from "./native";
import { HeaderOptions, headerOptions } from "./rules";

/** A request that authenticated: the key's project and kind. */
export interface Auth {
  /** The project (the server's own id): a number up to 2^53-1, a bigint above. */
  readonly project: number | bigint;
  /** The kind of the key that authenticated. */
  readonly kind: KeyKind;
}

/**
 * What {@link Registry.share} returns: post it to a worker thread (`postMessage`,
 * `workerData`) and open it there with {@link Registry.fromShared}.
 */
export interface SharedRegistry {
  /** The id of the registry in this process. */
  readonly picketRegistry: number;
}

/** Options of {@link RegistryBuilder.addKey}. */
export interface KeyOptions {
  /** The key's kind: required with a digest, checked against a {@link Key}'s own. */
  kind?: KeyKind;
  /**
   * When the key stops being valid (a `Date`, or unix seconds): it is valid while the
   * request time is before it. `null` or absent: never.
   */
  expiresAt?: Date | number | bigint | null;
}

const NO_EXPIRY: [number, number] = [0xffffffff, 0xffffffff];

let builderOf: (builder: RegistryBuilder) => NativeBuilder;

/**
 * Collects projects, redirect URIs and keys, then {@link RegistryBuilder.build}s a
 * {@link Registry}. Add each project before its keys and redirect URIs. Methods return the
 * builder, so calls chain. `build` consumes it; `close` frees one that is not built.
 *
 * @example
 * ```ts
 * const registry = new RegistryBuilder()
 *   .addProject(1, Mode.DEVELOPMENT)
 *   .addRedirectUri(1, "http://localhost:3000/callback")
 *   .addKey(pk, 1)                                          // a Key: its digest and kind
 *   .addKey(row.digest_hex, 1, { kind: KeyKind.SECRET, expiresAt: row.expires_at })
 *   .build();
 * ```
 */
export class RegistryBuilder {
  #b: NativeBuilder;

  static {
    builderOf = (builder) => builder.#b;
  }

  /** An empty builder; `acceptBearer` makes the registry accept `Bearer KEY` too. */
  constructor(options?: HeaderOptions) {
    const bits = headerOptions(options);
    this.#b = call(() => new native.NativeBuilder());
    if (bits !== 0) this.setOptions(options);
  }

  /** Sets the header options `authenticate` uses (replacing earlier ones). */
  setOptions(options?: HeaderOptions): this {
    const bits = headerOptions(options);
    call(() => this.#b.setOptions(bits));
    return this;
  }

  /**
   * Adds a project (the server's own id: a safe integer or a bigint up to 2^64-1) in
   * `mode`, with the options of its redirect URIs.
   *
   * @throws {BuildError} `BUILD_DUPLICATE_PROJECT` when it was added before.
   */
  addProject(project: number | bigint, mode: Mode, options?: RedirectOptions): this {
    const [lo, hi] = u64(project, "project");
    const m = member(mode, Mode, "mode");
    const bits = redirectOptions(options);
    call(() => this.#b.addProject(lo, hi, m, bits));
    return this;
  }

  /**
   * Registers a redirect URI for `project`, validated for the project's mode and options.
   *
   * @throws {RedirectError} naming the rule the URI breaks; {@link BuildError} for an
   *   unknown project. A refused URI leaves the builder as it was.
   */
  addRedirectUri(project: number | bigint, uri: Text): this {
    const [lo, hi] = u64(project, "project");
    const value = text(uri, "uri");
    call(() => this.#b.addRedirectUri(lo, hi, value));
    return this;
  }

  /**
   * Adds a key to `project`: a {@link Key} (its digest and kind are used), or a stored
   * digest (32 bytes, or 64 lowercase hex digits) with its `kind`. Several keys per
   * project and kind are allowed, so a key can be rolled with an overlap.
   *
   * @throws {BuildError} for an unknown project or too many keys; {@link DigestError}
   *   for a malformed hex digest. A digest added twice is found by `build`.
   */
  addKey(key: Key | Uint8Array | string, project: number | bigint, options?: KeyOptions): this {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(`options must be an object, not ${describe(options)}`);
    }
    let digest: Uint8Array;
    let kind: KeyKind;
    if (key instanceof Key) {
      digest = key.digest();
      kind = key.kind;
      if (options?.kind !== undefined && member(options.kind, KeyKind, "kind") !== kind) {
        throw new RangeError(`kind is ${options.kind} but the key's kind is ${kind}`);
      }
    } else {
      if (options?.kind === undefined) throw new TypeError("kind is required when a digest is given");
      kind = member(options.kind, KeyKind, "kind");
      if (typeof key === "string") {
        digest = digestFromHex(key);
      } else if (key instanceof Uint8Array && key.length === DIGEST_LEN) {
        digest = key;
      } else {
        throw new TypeError(`key must be a Key, a 32-byte digest or its hex, not ${describe(key)}`);
      }
    }
    const expires = options?.expiresAt;
    const [elo, ehi] = expires === undefined || expires === null ? NO_EXPIRY : u64(BigInt(seconds(expires, "expiresAt")), "expiresAt");
    const [lo, hi] = u64(project, "project");
    call(() => this.#b.addKey(digest, lo, hi, kind, elo, ehi));
    return this;
  }

  /**
   * Builds the immutable registry. The builder is consumed, whether or not this succeeds.
   *
   * @throws {BuildError} `BUILD_DUPLICATE_KEY` when a digest was added twice.
   */
  build(): Registry {
    return Registry._wrap(call(() => this.#b.build()));
  }

  /** Frees the builder if it was not built. Idempotent. */
  close(): void {
    this.#b.free();
  }

  /** Whether the builder was built or closed. */
  get closed(): boolean {
    return this.#b.isClosed();
  }
}

/** The outputs of the native calls (project low, project high, kind), one per thread. */
const out = new Uint32Array(3);

let nativeOf: (registry: Registry) => NativeRegistry;

/**
 * The immutable index of keys and projects, built by a {@link RegistryBuilder}. Its
 * methods are synchronous and fast (no allocation but the result); any number of worker
 * threads may use one registry at once through {@link Registry.share}.
 *
 * @example
 * ```ts
 * const auth = registry.authenticate(req.headers.authorization, Requirement.SECRET);
 * auth.project; // 1
 * registry.close();
 * ```
 */
export class Registry {
  #n: NativeRegistry;

  static {
    nativeOf = (registry) => registry.#n;
  }

  /** @internal Use `RegistryBuilder.build` or `Registry.fromShared`. */
  protected constructor(handle: NativeRegistry) {
    if (!(handle instanceof native.NativeRegistry)) {
      throw new TypeError("a Registry is made by RegistryBuilder.build or Registry.fromShared");
    }
    this.#n = handle;
  }

  /** @internal */
  static _wrap(handle: NativeRegistry): Registry {
    return new Registry(handle);
  }

  /**
   * Opens in this thread a registry another thread shared ({@link Registry.share}): the
   * same registry, in the same memory. Closing it here only lets go of it; the owner's
   * `close` (or a holder's swap) is seen here too.
   *
   * @throws `ClosedError` when no open registry is shared under that token.
   * @example
   * ```ts
   * // in the worker
   * const registry = Registry.fromShared(workerData.registry);
   * ```
   */
  static fromShared(token: SharedRegistry): Registry {
    const id = (token as { picketRegistry?: unknown } | null)?.picketRegistry;
    if (typeof id !== "number") throw new TypeError("token must be what Registry.share returned");
    return new Registry(call(() => native.registryAdopt(id)));
  }

  /**
   * Authenticates a request from its raw `Authorization` value (a string or a Buffer;
   * `undefined` when the request has none) at `now` (a `Date` or unix seconds; the
   * current time when absent) for an endpoint that accepts `requirement`. In order:
   * parse the header, parse the key, SHA-256, constant-time lookup, expiry, kind.
   *
   * @throws {AuthError} with `httpStatus` 401 (and a `challenge`) for a missing,
   *   malformed, unknown or expired key, 403 for a valid key of the wrong kind.
   *   `ClosedError` after `close`.
   * @example
   * ```ts
   * registry.authenticate("Basic " + btoa(key + ":"), Requirement.SECRET).project;
   * ```
   */
  authenticate(
    header: Text | undefined | null,
    requirement: Requirement = Requirement.ANY,
    now?: Date | number | bigint,
  ): Auth {
    const h = typeof header === "string" ? header : header === undefined || header === null ? "" : text(header, "header");
    if (requirement !== 1 && requirement !== 2 && requirement !== 3) member(requirement, Requirement, "requirement");
    const t = now === undefined ? Math.floor(Date.now() / 1000) : seconds(now, "now");
    const code = call(() => this.#n.authenticate(h, t, requirement, out));
    if (code === 0) return { project: out[1] === 0 ? out[0] : joinU64(out[0], out[1]), kind: out[2] as KeyKind };
    throw new AuthError(code, native.lastErrorMessage());
  }

  /**
   * Checks an OAuth authorize request: `clientId` must be a live publishable key of a
   * project that registered `redirectUri`, byte for byte. Returns the project. On an
   * error, do not redirect: answer 400 with the message.
   *
   * @throws {AuthorizeError} a malformed client_id (100-105), a secret key as client_id
   *   (`AUTHORIZE_SECRET_KEY_EXPOSED`: roll it), an unknown or expired client, an
   *   unregistered redirect URI.
   * @example
   * ```ts
   * const project = registry.authorizeRedirect(query.client_id, query.redirect_uri);
   * ```
   */
  authorizeRedirect(clientId: Text, redirectUri: Text, now?: Date | number | bigint): number | bigint {
    const c = text(clientId, "clientId");
    const u = text(redirectUri, "redirectUri");
    const t = seconds(now, "now");
    call(() => this.#n.authorizeRedirect(c, u, t, out), AuthorizeError);
    return joinU64(out[0], out[1]);
  }

  /**
   * A new registry: this one with every project `changes` holds replacing the project of
   * the same id (its mode, redirect URIs and all of its keys: a key the project had and
   * `changes` does not is gone) or added, and every project of `removed` gone with its
   * keys; everything else kept. Fill `changes` as for a build, with only the changed
   * projects. This registry is not changed (calls on it go on): swap the new one in and
   * close this one, or let a holder do it ({@link RegistryHolder.update}).
   *
   * It costs one copy of the key index plus the changed keys, where a build places every
   * key again; the new registry answers exactly as a built one. `changes` is consumed
   * whether or not this succeeds, as by `build`.
   *
   * @throws {BuildError} `BUILD_DUPLICATE_KEY` when a key of `changes` is one of a project
   *   kept, or is in `changes` twice. `ClosedError` when this registry or `changes` is
   *   closed.
   * @example
   * ```ts
   * const change = new RegistryBuilder()
   *   .addProject(7, Mode.PRODUCTION)
   *   .addKey(rolled, 7);                       // project 7's keys, all of them
   * const next = registry.withProjects(change, [3]); // and project 3 removed
   * ```
   */
  withProjects(changes: RegistryBuilder, removed: readonly (number | bigint)[] = []): Registry {
    if (!(changes instanceof RegistryBuilder)) {
      throw new TypeError(`changes must be a RegistryBuilder, not ${describe(changes)}`);
    }
    const b = builderOf(changes);
    let ids: Uint32Array;
    try {
      if (!Array.isArray(removed)) throw new TypeError(`removed must be an array of project ids, not ${describe(removed)}`);
      ids = new Uint32Array(removed.length * 2);
      removed.forEach((project, i) => ids.set(u64(project, `removed[${i}]`), i * 2));
    } catch (e) {
      changes.close();
      throw e;
    }
    return Registry._wrap(call(() => this.#n.update(b, ids)));
  }

  /**
   * A token that opens this registry in another worker thread ({@link Registry.fromShared}):
   * the threads then share one registry in memory.
   *
   * @example
   * ```ts
   * new Worker("./worker.js", { workerData: { registry: registry.share() } });
   * ```
   */
  share(): SharedRegistry {
    return { picketRegistry: call(() => this.#n.share()) };
  }

  /**
   * Closes the registry: the one that built it frees it for every thread (once the calls
   * in flight have returned); one opened with `fromShared` only lets go of it.
   * Idempotent.
   */
  close(): void {
    this.#n.close();
  }

  /** Whether this registry can no longer be used (closed here, or by its owner). */
  get closed(): boolean {
    return this.#n.isClosed();
  }
}

/** @internal The native view of a registry (for `RegistryHolder`). */
export function nativeRegistry(registry: Registry): NativeRegistry {
  if (!(registry instanceof Registry)) throw new TypeError(`expected a Registry, not ${describe(registry)}`);
  return nativeOf(registry);
}

