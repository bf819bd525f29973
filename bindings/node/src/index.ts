/**
 * picket-node: API key authentication and OAuth redirect URI guarding for Node.js servers.
 *
 * A native addon over picket's C ABI (napi-rs): every rule (key format, `Authorization`
 * grammar, redirect URI rules, PKCE, redaction) is the Rust core's, and the same shared
 * test vectors pin it in Rust, C, Go, Python and here.
 *
 * @example
 * ```ts
 * import { generateKey, KeyKind, Mode, RegistryBuilder, Requirement } from "picket-node";
 *
 * const sk = generateKey(KeyKind.SECRET);
 * const registry = new RegistryBuilder().addProject(1, Mode.PRODUCTION).addKey(sk, 1).build();
 * const header = "Basic " + Buffer.from(sk.expose() + ":").toString("base64");
 * registry.authenticate(header, Requirement.SECRET); // { project: 1, kind: 2 }
 * ```
 *
 * @packageDocumentation
 */

export { Code, CODE_NAMES } from "./codes";
export { KeyKind, Mode, Requirement } from "./convert";
export type { RedirectOptions, Text } from "./convert";
export {
  AuthError,
  AuthorizeError,
  BuildError,
  ClosedError,
  DigestError,
  HeaderError,
  InvalidKeyError,
  KeyMismatchError,
  PanicError,
  PicketError,
  PkceError,
  RandomError,
  RedirectError,
  UsageError,
  errorClass,
  errorFor,
} from "./errors";
export type { ErrorBody } from "./errors";
export {
  DIGEST_HEX_LEN,
  DIGEST_LEN,
  KEY_LEN,
  RANDOM_LEN,
  REDACTED_LEN,
  Key,
  digest,
  digestFromHex,
  digestHex,
  formatKey,
  generateKey,
  parseKey,
  redacted,
  verify,
  verifyAny,
} from "./keys";
export {
  MAX_HEADER_LEN,
  MAX_REDIRECT_URI_LEN,
  httpStatus,
  libraryVersion,
  matchRedirectUri,
  parseAuthorization,
  redact,
  resultText,
  validateRedirectUri,
  verifyPkce,
  wwwAuthenticate,
} from "./rules";
export type { HeaderOptions } from "./rules";
export { Registry, RegistryBuilder } from "./registry";
export type { Auth, KeyOptions, SharedRegistry } from "./registry";
export { RegistryHolder } from "./holder";
export type { HolderOptions, Loader } from "./holder";
export { GLIBC_FLOOR } from "./native";
export { MIDDLEWARE_RULES } from "./codes";
export { Routes, refusal } from "./http";
export type { MiddlewareOptions, NodeRequestLike, Refusal, Rule } from "./http";
export { picketExpress } from "./express";
export type { ExpressLikeRequest, ExpressLikeResponse, ExpressMiddleware } from "./express";
export { picketAuth, picketFastify, routerPath } from "./fastify";
export type { RouterConfig, FastifyLikeInstance, FastifyLikeReply, FastifyLikeRequest, FastifyPicketOptions } from "./fastify";
export { redactingDestination, redactingHooks } from "./pino";
export type { Destination, RedactingHooks } from "./pino";
