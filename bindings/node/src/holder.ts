/**
 * {@link RegistryHolder}: the current registry of a server whose keys change while it
 * runs, swapped atomically.
 */

import { describe } from "./convert";
import { call } from "./errors";
import { native } from "./native";
import { Registry, nativeRegistry } from "./registry";

/** Builds a registry from the server's store (synchronously or not). */
export type Loader = () => Registry | Promise<Registry>;

/** Options of {@link RegistryHolder}. */
export interface HolderOptions {
  /** Builds a new registry; `reload` and `refresh` call it. */
  loader?: Loader;
  /**
   * Returns anything comparable with `===` that changes when the keys do (a counter, a
   * row's `updated_at`): `refresh` reloads only when it changed.
   */
  version?: () => unknown | Promise<unknown>;
  /** Called with the error of a reload that `poll` started and that failed. */
  onError?: (error: unknown) => void;
}

/**
 * The current {@link Registry} of a server whose keys change (issued, rolled, revoked). A
 * holder is a registry (it has `authenticate`, `authorizeRedirect`, `share`, and goes
 * wherever a registry goes: the middleware, a worker thread) whose content
 * {@link RegistryHolder.swap} replaces atomically: a call in flight on the old registry
 * completes on it, on any thread, and the old one is freed after it. A loader that throws
 * leaves the current registry in place.
 *
 * @example
 * ```ts
 * const load = async () => {
 *   const b = new RegistryBuilder();
 *   for (const p of await db.projects()) b.addProject(p.id, p.mode);
 *   for (const k of await db.keys()) b.addKey(k.digest_hex, k.project, { kind: k.kind });
 *   return b.build();
 * };
 * const holder = await RegistryHolder.load(load, { version: () => db.keysVersion() });
 * app.use(picketExpress(holder, { requirement: Requirement.SECRET }));
 * holder.poll(5_000);          // reload when the version changes
 * await holder.reload();       // or right after issuing or revoking a key
 * ```
 */
export class RegistryHolder extends Registry {
  #loader: Loader | undefined;
  #version: (() => unknown) | undefined;
  #onError: ((error: unknown) => void) | undefined;
  #seen: unknown = undefined;
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  /**
   * A holder of `registry`, which it takes over (`registry` is closed; use the holder).
   */
  constructor(registry: Registry, options: HolderOptions = {}) {
    super(call(() => native.registryMove(nativeRegistry(registry))));
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`options must be an object, not ${describe(options)}`);
    }
    for (const name of ["loader", "version", "onError"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new TypeError(`${name} must be a function`);
      }
    }
    this.#loader = options.loader;
    this.#version = options.version;
    this.#onError = options.onError;
  }

  /** Calls `loader` once and returns a holder of what it built. */
  static async load(loader: Loader, options: Omit<HolderOptions, "loader"> = {}): Promise<RegistryHolder> {
    if (typeof loader !== "function") throw new TypeError("loader must be a function");
    const seen = options.version === undefined ? undefined : await options.version();
    const holder = new RegistryHolder(await loader(), { ...options, loader });
    holder.#seen = seen;
    return holder;
  }

  /**
   * Swaps `registry` in (it is taken over and closed); the registry held until now is
   * freed once the calls in flight on it, on every thread, have returned.
   *
   * @throws `ClosedError` when the holder is closed.
   */
  swap(registry: Registry): void {
    if (registry === this) throw new TypeError("a holder cannot swap itself in");
    call(() => nativeRegistry(this).swapFrom(nativeRegistry(registry)));
  }

  /**
   * Builds a new registry with the loader and swaps it in. Reloads run one at a time, in
   * order. When the loader throws, the current registry stays and the promise rejects.
   */
  reload(): Promise<void> {
    const loader = this.#loader;
    if (loader === undefined) return Promise.reject(new TypeError("reload needs a loader: RegistryHolder.load(loader)"));
    return this.#enqueue(async () => {
      const seen = this.#version === undefined ? undefined : await this.#version();
      this.#swapIn(await loader());
      this.#seen = seen;
    });
  }

  /** Runs `step` after the reloads and updates queued before it. */
  #enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(step);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Swaps in a registry a loader or an update made; closes it when that fails. */
  #swapIn(registry: Registry): void {
    try {
      this.swap(registry);
    } catch (e) {
      if (registry instanceof Registry && registry !== this) registry.close();
      throw e;
    }
  }

  /**
   * Swaps in the registry `change` makes from the current one (the holder itself: pass it
   * to {@link Registry.withProjects}), so that a change costs what it touches rather than
   * a full reload. Runs in turn with reloads and other updates, so each sees the one
   * before. When `change` throws, the current registry stays and the promise rejects.
   *
   * @example
   * ```ts
   * // a key of project 7 was rolled: rebuild project 7 only
   * const change = new RegistryBuilder().addProject(7, Mode.PRODUCTION);
   * for (const k of await db.keysOf(7)) change.addKey(k.digest_hex, 7, { kind: k.kind });
   * await holder.update((current) => current.withProjects(change));
   * ```
   */
  update(change: (current: Registry) => Registry | Promise<Registry>): Promise<void> {
    if (typeof change !== "function") return Promise.reject(new TypeError("change must be a function"));
    return this.#enqueue(async () => {
      this.#swapIn(await change(this));
    });
  }

  /** Reloads when `version()` changed since the last load; resolves to whether it did. */
  async refresh(): Promise<boolean> {
    if (this.#version === undefined) throw new TypeError("refresh needs a version function");
    if ((await this.#version()) === this.#seen) return false;
    await this.reload();
    return true;
  }

  /**
   * Calls {@link RegistryHolder.refresh} every `intervalMs` milliseconds until `close`. The
   * timer does not keep the process alive; a failed refresh goes to `onError` and is tried
   * again at the next tick.
   */
  poll(intervalMs: number): void {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError("intervalMs must be a positive number");
    if (this.#version === undefined) throw new TypeError("poll needs a version function");
    if (this.#timer !== undefined) throw new Error("already polling");
    this.#timer = setInterval(() => {
      this.refresh().catch((e: unknown) => this.#onError?.(e));
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops polling and frees the current registry for every thread. Idempotent. */
  override close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    super.close();
  }
}
