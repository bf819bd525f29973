/**
 * The rules without a registry: the `Authorization` header, redirect URIs, PKCE,
 * redaction, and the result codes' texts and HTTP answers.
 */

import {
  Mode,
  OPTION_ACCEPT_BEARER,
  RedirectOptions,
  Text,
  describe,
  member,
  redirectOptions,
  text,
} from "./convert";
import { HeaderError, PkceError, RedirectError, call } from "./errors";
import { Key } from "./keys";
import { native } from "./native";

/** Longest `Authorization` value accepted, in bytes. */
export const MAX_HEADER_LEN = 8192;
/** Longest redirect URI accepted for registration, in bytes. */
export const MAX_REDIRECT_URI_LEN = 2048;

/** Options of {@link parseAuthorization} and `RegistryBuilder`. */
export interface HeaderOptions {
  /** Also accept `Authorization: Bearer <key>` (as Stripe does). */
  acceptBearer?: boolean;
}

/** The option bits of `HeaderOptions`. */
export function headerOptions(options: HeaderOptions | undefined): number {
  if (options === undefined) return 0;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, not ${describe(options)}`);
  }
  return options.acceptBearer ? OPTION_ACCEPT_BEARER : 0;
}

/**
 * Parses an `Authorization` value, exactly as received, to the key it carries: HTTP
 * Basic with the key as the username and an empty password, in both forms real clients
 * send (`Basic base64(KEY:)` and the JS SDK's `Basic  base64(KEY)`), and with
 * `acceptBearer` also `Bearer KEY`. The key is not looked up: use
 * `Registry.authenticate` for that.
 *
 * @throws {HeaderError} naming the rule broken (300-312, or the key's own 100-105).
 * @example
 * ```ts
 * const key = parseAuthorization("Basic " + Buffer.from("pk_d9960d04426c1e9f3941bec7e39c8854:").toString("base64"));
 * key.kind; // KeyKind.PUBLISHABLE
 * ```
 */
export function parseAuthorization(header: Text | undefined | null, options?: HeaderOptions): Key {
  const value = header === undefined || header === null ? "" : text(header, "header");
  const bits = headerOptions(options);
  const parsed = call(() => native.authorizationParse(value, bits), HeaderError);
  return Key._of(parsed.kind, parsed.key);
}

/**
 * Checks that `uri` may be registered as a redirect URI by a project in `mode`.
 *
 * @throws {RedirectError} naming the first rule broken (400-415).
 * @example
 * ```ts
 * validateRedirectUri("https://app.example.com/callback", Mode.PRODUCTION); // ok
 * validateRedirectUri("http://localhost:3000", Mode.PRODUCTION); // throws: insecure scheme
 * ```
 */
export function validateRedirectUri(uri: Text, mode: Mode, options?: RedirectOptions): void {
  const value = text(uri, "uri");
  const m = member(mode, Mode, "mode");
  const bits = redirectOptions(options);
  call(() => native.redirectValidate(value, m, bits), RedirectError);
}

/**
 * Whether `candidate` matches one of a project's registered redirect URIs, byte for byte
 * (trailing slashes matter). Each entry is first validated for `mode`; an entry that
 * registration would refuse never matches.
 *
 * @example
 * ```ts
 * matchRedirectUri(["https://a.example/cb"], "https://a.example/cb/", Mode.PRODUCTION); // false
 * ```
 */
export function matchRedirectUri(
  registered: readonly string[],
  candidate: Text,
  mode: Mode,
  options?: RedirectOptions,
): boolean {
  if (!Array.isArray(registered) || !registered.every((r) => typeof r === "string")) {
    throw new TypeError("registered must be an array of strings");
  }
  const value = text(candidate, "candidate");
  const m = member(mode, Mode, "mode");
  const bits = redirectOptions(options);
  return call(() => native.redirectMatch(registered as string[], value, m, bits), RedirectError);
}

/**
 * Verifies an RFC 7636 `code_verifier` against the `code_challenge` and
 * `code_challenge_method` stored with the authorization code. Only `S256` is accepted.
 *
 * @throws {PkceError} (700-707; a wrong verifier is `PKCE_MISMATCH`).
 * @example
 * ```ts
 * verifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
 *            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"); // ok
 * ```
 */
export function verifyPkce(verifier: Text, challenge: Text, method: Text): void {
  const v = text(verifier, "verifier");
  const c = text(challenge, "challenge");
  const m = text(method, "method");
  call(() => native.pkceVerify(v, c, m), PkceError);
}

/**
 * Masks every secret key in a line about to be logged: a bare `sk_` key becomes
 * `sk_…9e24`, a `Basic` credential that decodes to one `[REDACTED sk_…9e24]`.
 * Publishable keys and other text come back unchanged. A string gives a string, a
 * Buffer a Buffer.
 *
 * @example
 * ```ts
 * redact("auth=sk_e1f767d29fa6e533f2e5c62342fb9e24"); // "auth=sk_…9e24"
 * ```
 */
export function redact(input: string): string;
export function redact(input: Uint8Array): Buffer;
export function redact(input: Text): string | Buffer {
  const value = text(input, "text");
  return call(() => native.redact(value));
}

/**
 * The HTTP status to answer an authentication result code with: 200 for 0, 403 for
 * `AUTH_WRONG_KIND`, 401 for every other code.
 *
 * @example
 * ```ts
 * httpStatus(Code.AUTH_WRONG_KIND); // 403
 * ```
 */
export function httpStatus(code: number): number {
  return native.authHttpStatus(code >>> 0);
}

/**
 * The `WWW-Authenticate` value to send with the answer to a code: `Basic
 * realm="picket"` for a 401, null otherwise.
 *
 * @example
 * ```ts
 * wwwAuthenticate(Code.AUTH_UNKNOWN_KEY); // 'Basic realm="picket"'
 * ```
 */
export function wwwAuthenticate(code: number): string | null {
  return native.wwwAuthenticate(code >>> 0) || null;
}

/**
 * The static text of a result code (`"unknown api key"`), or null for a number that is
 * not one.
 *
 * @example
 * ```ts
 * resultText(Code.KEY_EMPTY); // "api key is empty"
 * ```
 */
export function resultText(code: number): string | null {
  return Number.isInteger(code) && code >= 0 && code <= 0xffffffff ? native.resultText(code) : null;
}

/**
 * The version of the picket library inside the addon (`"0.1.0"`).
 *
 * @example
 * ```ts
 * libraryVersion(); // "0.1.0"
 * ```
 */
export function libraryVersion(): string {
  return native.version();
}
