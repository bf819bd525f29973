/**
 * The errors of picket: {@link PicketError} and one subclass per area.
 *
 * Every error carries the library's numeric `code` (a value of {@link Code}), its `rule`
 * (the code's name in lowercase, such as `auth_unknown_key`) and a `message` that names
 * the rule that was broken. Messages never contain a key or any other secret, so they are
 * safe to log and to send back to a client. `JSON.stringify(error)` is the error object
 * every picket middleware answers with: `{"error": rule, "code": n, "message": text}`.
 *
 * | class | thrown by |
 * | --- | --- |
 * | {@link InvalidKeyError} | parsing a key (codes 100-105) |
 * | {@link DigestError} | parsing a hex digest (200-201) |
 * | {@link HeaderError} | parsing an `Authorization` value (300-312, or the key's own 100-105) |
 * | {@link RedirectError} | validating or registering a redirect URI (400-415) |
 * | {@link AuthError} | `authenticate` (500-503, or the header's or key's code); has `httpStatus` and `challenge` |
 * | {@link AuthorizeError} | `authorizeRedirect` (521-524, or 100-105 for a malformed client_id) |
 * | {@link BuildError} | building a registry (600-603) |
 * | {@link PkceError} | PKCE verification (700-707) |
 * | {@link UsageError} | an argument refused (2-4): a wrong type, a closed builder |
 * | {@link PanicError} | a bug inside picket (1, 7) |
 * | {@link RandomError} | the system's random generator failed (5) |
 *
 * A closed registry is a {@link ClosedError}, which is not a `PicketError`: no call of
 * the library was made. Arguments of the wrong JavaScript type are a `TypeError`, and
 * numbers out of range a `RangeError`, both thrown before any native call.
 */

import { CODE_NAMES, Code } from "./codes";
import { native } from "./native";

/**
 * The error object of every picket middleware: `{"error": rule, "code": n, "message":
 * text}`.
 */
export interface ErrorBody {
  /** The rule's name (`auth_unknown_key`). */
  error: string;
  /** The picket result code (500). */
  code: number;
  /** What went wrong, for a developer; never a secret. */
  message: string;
}

/**
 * Base class of every error the library reports.
 *
 * @example
 * ```ts
 * try {
 *   parseKey("sk_ABC");
 * } catch (e) {
 *   if (e instanceof PicketError) console.log(e.code, e.rule, e.message);
 *   // 102 key_wrong_length api key must have 32 hex digits after the prefix
 * }
 * ```
 */
export class PicketError extends Error {
  /** The `picket_result` value: a value of {@link Code}. */
  readonly code: number;
  /** The rule broken: the code's name in lowercase (`key_wrong_length`). */
  readonly rule: string;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
    this.rule = CODE_NAMES.get(code) ?? `code_${code}`;
  }

  /** The error object: `{"error": rule, "code": n, "message": text}`. */
  toJSON(): ErrorBody {
    return { error: this.rule, code: this.code, message: this.message };
  }
}

/** An argument the C ABI refused (`NULL_PARAMETER`, `BUFFER_TOO_SMALL`, `INVALID_PARAMETER`). */
export class UsageError extends PicketError {}
/** A bug inside picket: a caught panic (`PANIC`) or an error without a code (`INTERNAL_ERROR`). */
export class PanicError extends PicketError {}
/** The operating system's random number generator failed (`RANDOM_UNAVAILABLE`). */
export class RandomError extends PicketError {}
/** A well-formed key matched none of the digests (`KEY_MISMATCH`); `verify` returns false instead. */
export class KeyMismatchError extends PicketError {}
/** A string is not a well-formed API key (codes 100-105). */
export class InvalidKeyError extends PicketError {}
/** A string is not a 64-digit lowercase hex digest (codes 200-201). */
export class DigestError extends PicketError {}
/** An `Authorization` value carries no usable key (codes 300-312, or 100-105 for the key in it). */
export class HeaderError extends PicketError {}
/** A redirect URI cannot be registered (codes 400-415). */
export class RedirectError extends PicketError {}
/** An OAuth authorize request is refused: do not redirect, answer 400 (codes 521-524, 100-105). */
export class AuthorizeError extends PicketError {}
/** A registry cannot be built (codes 600-603). */
export class BuildError extends PicketError {}
/** A PKCE code_verifier does not check out against its code_challenge (codes 700-707). */
export class PkceError extends PicketError {}

/** The HTTP answer of each code, as the library decides it: [status, challenge]. */
const answers = new Map<number, readonly [number, string | null]>();

function answerOf(code: number): readonly [number, string | null] {
  let answer = answers.get(code);
  if (answer === undefined) {
    answer = [native.authHttpStatus(code), native.wwwAuthenticate(code) || null];
    answers.set(code, answer);
  }
  return answer;
}

/**
 * A request that did not authenticate, and the answer it deserves.
 *
 * @example
 * ```ts
 * try {
 *   registry.authenticate(req.headers.authorization, Requirement.SECRET);
 * } catch (e) {
 *   if (!(e instanceof AuthError)) throw e;
 *   if (e.challenge) res.setHeader("WWW-Authenticate", e.challenge);
 *   res.status(e.httpStatus).json(e); // {"error":"auth_unknown_key","code":500,...}
 * }
 * ```
 */
export class AuthError extends PicketError {
  /** 401 (missing, malformed, unknown or expired key) or 403 (a valid key of the wrong kind). */
  readonly httpStatus: number;
  /** The `WWW-Authenticate` value of a 401 (`Basic realm="picket"`), or null for a 403. */
  readonly challenge: string | null;

  constructor(code: number, message: string) {
    super(code, message);
    const [status, challenge] = answerOf(code);
    this.httpStatus = status;
    this.challenge = challenge;
  }
}

/**
 * A registry (or holder) used after it was closed. Not a `PicketError`: the library was
 * not called. A middleware answers it 500 (`internal_error`): it is the server's fault.
 *
 * @example
 * ```ts
 * registry.close();
 * registry.authenticate(header); // throws ClosedError
 * ```
 */
export class ClosedError extends Error {
  constructor(message = "the registry is closed") {
    super(message);
  }
}

for (const cls of [
  PicketError, UsageError, PanicError, RandomError, KeyMismatchError, InvalidKeyError,
  DigestError, HeaderError, RedirectError, AuthError, AuthorizeError, BuildError, PkceError,
  ClosedError,
]) {
  Object.defineProperty(cls.prototype, "name", { value: cls.name, configurable: true, writable: true });
}

/** The class of a code on its own (by its range); codes below 100 by their meaning. */
export function errorClass(code: number): new (code: number, message: string) => PicketError {
  switch (code) {
    case Code.PANIC:
    case Code.INTERNAL_ERROR:
      return PanicError;
    case Code.NULL_PARAMETER:
    case Code.BUFFER_TOO_SMALL:
    case Code.INVALID_PARAMETER:
    case Code.WRONG_HANDLE:
    case Code.HANDLE_FREED:
      return UsageError;
    case Code.RANDOM_UNAVAILABLE:
      return RandomError;
    case Code.KEY_MISMATCH:
      return KeyMismatchError;
  }
  if (code >= 100 && code <= 199) return InvalidKeyError;
  if (code >= 200 && code <= 299) return DigestError;
  if (code >= 300 && code <= 399) return HeaderError;
  if (code >= 400 && code <= 499) return RedirectError;
  if (code >= 500 && code <= 519) return AuthError;
  if (code >= 520 && code <= 539) return AuthorizeError;
  if (code >= 600 && code <= 699) return BuildError;
  if (code >= 700 && code <= 799) return PkceError;
  return PanicError;
}

type ErrorClass = new (code: number, message: string) => PicketError;

/**
 * The error for `code`: of class `area` when given and the code is a domain code (100 and
 * up: a malformed key inside a header is a `HeaderError`), else of its own class.
 */
export function errorFor(code: number, message: string, area?: ErrorClass): PicketError {
  const cls = area !== undefined && code >= 100 ? area : errorClass(code);
  return new cls(code, message);
}

/**
 * Runs a native call and turns what it throws into a `PicketError` (a picket code) or a
 * `TypeError` (an argument Node-API could not convert). Anything else passes unchanged.
 */
export function call<T>(f: () => T, area?: ErrorClass): T {
  try {
    return f();
  } catch (e) {
    throw convert(e, area);
  }
}

function convert(e: unknown, area?: ErrorClass): unknown {
  if (!(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  if (code === "Closed") return new ClosedError(e.message);
  if (typeof code === "string" && /^[0-9]+$/.test(code)) {
    return errorFor(Number(code), e.message, area);
  }
  if (code === "InvalidArg" || code === "NumberExpected" || code === "StringExpected" || code === "ObjectExpected") {
    return new TypeError(e.message);
  }
  return e;
}
