/**
 * The enums of the C ABI and the checks every argument passes before a native call:
 * wrong types are a `TypeError`, numbers out of range a `RangeError`, before picket is
 * called. Private, but the enums are re-exported by the package.
 */

/** The kind of an API key. */
export const KeyKind = {
  /** `pk_`: used client-side, by a browser SDK; safe to expose. */
  PUBLISHABLE: 1,
  /** `sk_`: used server-side only; must be kept secret. */
  SECRET: 2,
} as const;
/** A value of {@link KeyKind}. */
export type KeyKind = (typeof KeyKind)[keyof typeof KeyKind];

/** Whether a project is in development or production. */
export const Mode = {
  /** http redirect URIs on `localhost`, `127.0.0.1` and `[::1]` are allowed. */
  DEVELOPMENT: 1,
  /** https only, and no loopback host. */
  PRODUCTION: 2,
} as const;
/** A value of {@link Mode}. */
export type Mode = (typeof Mode)[keyof typeof Mode];

/** Which kinds of key an endpoint accepts. */
export const Requirement = {
  /** Client-side endpoints: publishable keys only. */
  PUBLISHABLE: 1,
  /** Server-side endpoints: secret keys only. */
  SECRET: 2,
  /** Either kind. */
  ANY: 3,
} as const;
/** A value of {@link Requirement}. */
export type Requirement = (typeof Requirement)[keyof typeof Requirement];

/** Option bits of the C ABI. */
export const OPTION_ACCEPT_BEARER = 1;
export const OPTION_ALLOW_PRIVATE_USE_SCHEMES = 2;
export const OPTION_LOOPBACK_ANY_PORT = 4;

/** The bytes a function takes: a string (its UTF-8 encoding) or a Buffer / Uint8Array. */
export type Text = string | Uint8Array;

/** Throws a TypeError unless `value` is a string or a Uint8Array. */
export function text(value: unknown, name: string): Text {
  if (typeof value === "string" || value instanceof Uint8Array) return value;
  throw new TypeError(`${name} must be a string or a Buffer, not ${describe(value)}`);
}

/** A short description of a value for a message (never its content: it may be a secret). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? `an object (${value.constructor?.name ?? "Object"})` : typeof value;
}

/** Checks a value of an enum object; returns it. */
export function member<T extends number>(value: unknown, of: Readonly<Record<string, T>>, name: string): T {
  if (typeof value !== "number" || !Object.values(of).includes(value as T)) {
    const names = Object.entries(of).map(([k, v]) => `${k} (${v})`).join(", ");
    throw new RangeError(`${name} must be one of ${names}, not ${typeof value === "number" ? value : describe(value)}`);
  }
  return value as T;
}

const TWO_32 = 2 ** 32;
const U64_MAX = (1n << 64n) - 1n;

/** An unsigned 64-bit id (a safe integer or a bigint) as its low and high 32 bits. */
export function u64(value: unknown, name: string): [number, number] {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be an integer from 0 to 2^53-1 (or a bigint up to 2^64-1), not ${value}`);
    }
    return [value % TWO_32, Math.floor(value / TWO_32)];
  }
  if (typeof value === "bigint") {
    if (value < 0n || value > U64_MAX) throw new RangeError(`${name} must be from 0 to 2^64-1, not ${value}`);
    return [Number(value & 0xffffffffn), Number(value >> 32n)];
  }
  throw new TypeError(`${name} must be a number or a bigint, not ${describe(value)}`);
}

/** A project id from its 32-bit halves: a number when it is safe, else a bigint. */
export function joinU64(lo: number, hi: number): number | bigint {
  if (hi < 0x200000) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * A time as the unix seconds the C ABI takes: a `Date`, or seconds (a number, rounded
 * down; a bigint). `undefined` is now.
 */
export function seconds(value: unknown, name: string): number {
  if (value === undefined) return Math.floor(Date.now() / 1000);
  if (typeof value === "number") {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`${name} must be a finite number of seconds from 0, not ${value}`);
    }
    return Math.floor(value);
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new RangeError(`${name} is an invalid Date`);
    return Math.max(0, Math.floor(ms / 1000));
  }
  if (typeof value === "bigint") {
    if (value < 0n) throw new RangeError(`${name} must be from 0, not ${value}`);
    return Number(value);
  }
  throw new TypeError(`${name} must be a Date or unix seconds, not ${describe(value)}`);
}

/** Options of the redirect URI functions and `addProject`. */
export interface RedirectOptions {
  /** Accept RFC 8252 private-use schemes for native apps (`com.example.app:/callback`). */
  allowPrivateUseSchemes?: boolean;
  /** In development, `http://127.0.0.1` and `http://[::1]` entries match any port (RFC 8252 §7.3). */
  loopbackAnyPort?: boolean;
}

/** The option bits of `RedirectOptions`. */
export function redirectOptions(options: RedirectOptions | undefined): number {
  if (options === undefined) return 0;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, not ${describe(options)}`);
  }
  return (
    (options.allowPrivateUseSchemes ? OPTION_ALLOW_PRIVATE_USE_SCHEMES : 0) |
    (options.loopbackAnyPort ? OPTION_LOOPBACK_ANY_PORT : 0)
  );
}
