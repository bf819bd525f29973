/**
 * API keys: parse, generate, format, digest, verify and redact.
 *
 * A {@link Key} never shows a secret key in full: `String(key)`, template literals,
 * `JSON.stringify`, `console.log` and `util.inspect` all give its redacted form
 * (`sk_…9e24`); {@link Key.expose} gives the text when it is really needed.
 */

import { inspect } from "node:util";

import { KeyKind, Text, describe, member, text } from "./convert";
import { InvalidKeyError, call } from "./errors";
import { native } from "./native";

/** Length of a key's text: `pk_` or `sk_` and 32 hex digits. */
export const KEY_LEN = 35;
/** Length of a key digest (SHA-256), in bytes. */
export const DIGEST_LEN = 32;
/** Length of a digest's lowercase hex form. */
export const DIGEST_HEX_LEN = 64;
/** Number of random bytes a key encodes (the input of {@link formatKey}). */
export const RANDOM_LEN = 16;
/** Length in bytes of a redacted key (`sk_…9e24`; `…` is 3 bytes of UTF-8). */
export const REDACTED_LEN = 10;

const secretText = new WeakMap<Key, string>();

/**
 * A well-formed API key: its kind and its text, which only {@link Key.expose} gives.
 *
 * @example
 * ```ts
 * const key = parseKey("sk_e1f767d29fa6e533f2e5c62342fb9e24");
 * key.kind;          // KeyKind.SECRET (2)
 * `${key}`;          // "sk_…9e24"
 * key.expose();      // "sk_e1f767d29fa6e533f2e5c62342fb9e24"
 * key.digestHex();   // the 64 hex digits to store
 * ```
 */
export class Key {
  /** The key's kind. */
  readonly kind: KeyKind;

  /** Use {@link parseKey}, {@link generateKey} or {@link formatKey}. */
  private constructor(kind: KeyKind, keyText: string) {
    this.kind = kind;
    // Kept outside the object, so that no enumeration, spread or inspection reaches it.
    secretText.set(this, keyText);
  }

  /** @internal */
  static _of(kind: number, keyText: string): Key {
    return new Key(kind as KeyKind, keyText);
  }

  /** The full text. For a secret key this is the secret: hand it to its owner, never to a log. */
  expose(): string {
    return secretText.get(this) ?? "";
  }

  /** The form safe to log: the prefix, `…` and the last 4 digits (`sk_…9e24`). */
  redacted(): string {
    return native.keyRedacted(this.expose());
  }

  /** A publishable key in full, a secret key redacted. */
  toString(): string {
    return this.kind === KeyKind.PUBLISHABLE ? this.expose() : this.redacted();
  }

  /** As {@link Key.toString}, so that `JSON.stringify` never writes a secret key. */
  toJSON(): string {
    return this.toString();
  }

  /** As {@link Key.toString}, for `console.log` and `util.inspect`. */
  [inspect.custom](): string {
    return `Key(${this.toString()})`;
  }

  /** The SHA-256 digest (32 bytes), the value a database stores instead of the key. */
  digest(): Buffer {
    return native.keyDigest(this.expose());
  }

  /** The digest as 64 lowercase hex digits, the form to store in a text column. */
  digestHex(): string {
    return native.keyDigestHex(this.expose());
  }

  /** Whether this is a secret (`sk_`) key. */
  get isSecret(): boolean {
    return this.kind === KeyKind.SECRET;
  }

  /**
   * Whether `stored` (32 bytes) is this key's digest, compared in constant time: see
   * {@link verify}.
   */
  verify(stored: Uint8Array): boolean {
    return verify(this, stored);
  }

  /**
   * Whether `other` is the same key, compared in constant time (by the core, on their
   * digests): `===` compares objects, and two parses of one key are two objects.
   *
   * @example
   * ```ts
   * parseKey(text).equals(parseKey(text)); // true
   * ```
   */
  equals(other: Key): boolean {
    if (!(other instanceof Key)) throw new TypeError(`other must be a Key, not ${describe(other)}`);
    return verify(this, other.digest());
  }
}

/**
 * Parses and classifies an API key: `pk_` or `sk_` and exactly 32 lowercase hex digits,
 * with nothing around it (no trimming, no case folding).
 *
 * @throws {InvalidKeyError} naming the first rule broken (codes 100-105).
 * @example
 * ```ts
 * parseKey("pk_d9960d04426c1e9f3941bec7e39c8854").kind; // KeyKind.PUBLISHABLE
 * parseKey("sk_E1F7...");                               // throws InvalidKeyError
 * ```
 */
export function parseKey(key: Text): Key {
  const value = text(key, "key");
  const kind = call(() => native.keyParse(value), InvalidKeyError);
  return Key._of(kind, typeof value === "string" ? value : Buffer.from(value).toString("latin1"));
}

/**
 * Issues a new key from the operating system's CSPRNG. Store only its digest; hand the
 * key itself to its owner once.
 *
 * @example
 * ```ts
 * const sk = generateKey(KeyKind.SECRET);
 * db.insert({ digest: sk.digestHex(), kind: sk.kind }); // and show sk.expose() once
 * ```
 */
export function generateKey(kind: KeyKind): Key {
  const k = member(kind, KeyKind, "kind");
  return Key._of(k, call(() => native.keyGenerate(k)));
}

/**
 * Formats a key from 16 random bytes the caller drew from a CSPRNG
 * (`crypto.randomBytes(16)`). Use {@link generateKey} unless the bytes come from elsewhere.
 *
 * @example
 * ```ts
 * formatKey(KeyKind.PUBLISHABLE, Buffer.alloc(16, 0xab)).expose(); // "pk_abab...ab"
 * ```
 */
export function formatKey(kind: KeyKind, random16: Uint8Array): Key {
  const k = member(kind, KeyKind, "kind");
  if (!(random16 instanceof Uint8Array) || random16.length !== RANDOM_LEN) {
    throw new TypeError(`random16 must be a Buffer of 16 bytes, not ${describe(random16)}`);
  }
  return Key._of(k, call(() => native.keyFormat(k, random16)));
}

/**
 * The SHA-256 digest of a key (32 bytes), after parsing it as {@link parseKey} does.
 *
 * @example
 * ```ts
 * digest("sk_e1f767d29fa6e533f2e5c62342fb9e24").length; // 32
 * ```
 */
export function digest(key: Text | Key): Buffer {
  const value = key instanceof Key ? key.expose() : text(key, "key");
  return call(() => native.keyDigest(value), InvalidKeyError);
}

/**
 * The digest of a key as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * digestHex("pk_d9960d04426c1e9f3941bec7e39c8854"); // "5f1b..." (64 digits)
 * ```
 */
export function digestHex(key: Text | Key): string {
  const value = key instanceof Key ? key.expose() : text(key, "key");
  return call(() => native.keyDigestHex(value), InvalidKeyError);
}

/**
 * Parses a digest's stored 64-digit lowercase hex form to its 32 bytes. Uppercase is
 * refused: a stored digest has one spelling.
 *
 * @throws {DigestError} (codes 200-201).
 * @example
 * ```ts
 * digestFromHex(row.digest_hex); // Buffer of 32 bytes
 * ```
 */
export function digestFromHex(hex: Text): Buffer {
  const value = text(hex, "hex");
  return call(() => native.digestFromHex(value));
}

function digestArg(d: unknown, name: string): Uint8Array {
  if (!(d instanceof Uint8Array) || d.length !== DIGEST_LEN) {
    throw new TypeError(`${name} must be a Buffer of 32 bytes, not ${describe(d)}`);
  }
  return d;
}

/**
 * Whether `key` is the key `digest` was made from: parses the key, hashes it and compares
 * the digests in constant time.
 *
 * @throws {InvalidKeyError} when the key is malformed.
 * @example
 * ```ts
 * verify("sk_e1f767d29fa6e533f2e5c62342fb9e24", storedDigest); // true or false
 * ```
 */
export function verify(key: Text | Key, digest: Uint8Array): boolean {
  const value = key instanceof Key ? key.expose() : text(key, "key");
  const d = digestArg(digest, "digest");
  return call(() => native.keyVerify(value, d), InvalidKeyError);
}

/**
 * Checks a key against several digests (key rolling: the old and the new key are valid for
 * a while); every digest is compared in constant time. The index of the matching digest
 * (the last if several are equal), or -1.
 *
 * @example
 * ```ts
 * verifyAny(key, [oldDigest, newDigest]); // 0, 1 or -1
 * ```
 */
export function verifyAny(key: Text | Key, digests: readonly Uint8Array[]): number {
  const value = key instanceof Key ? key.expose() : text(key, "key");
  if (!Array.isArray(digests)) throw new TypeError(`digests must be an array, not ${describe(digests)}`);
  const all = Buffer.concat(digests.map((d, i) => digestArg(d, `digests[${i}]`)));
  return call(() => native.keyVerifyAny(value, all), InvalidKeyError);
}

/**
 * The redacted form of a key (`sk_…9e24`), after parsing it.
 *
 * @example
 * ```ts
 * redacted("sk_e1f767d29fa6e533f2e5c62342fb9e24"); // "sk_…9e24"
 * ```
 */
export function redacted(key: Text): string {
  const value = text(key, "key");
  return call(() => native.keyRedacted(value), InvalidKeyError);
}
