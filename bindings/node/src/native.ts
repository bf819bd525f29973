/**
 * Loads the native addon (`picket.linux-x64-gnu.node`, built by napi-rs from
 * `native/` over picket's C ABI) and declares what it exports. Private: the public API is
 * built on it in the other modules, which check every argument before it gets here.
 *
 * Every function of the addon that fails throws an `Error` whose `code` is the picket
 * result code as a decimal string and whose message is the C ABI's detailed message;
 * `errors.ts` turns it into the matching `PicketError` subclass.
 */

import { join } from "node:path";

/** The builder handle of the addon. */
export interface NativeBuilder {
  setOptions(options: number): void;
  addProject(lo: number, hi: number, mode: number, options: number): void;
  addRedirectUri(lo: number, hi: number, uri: string | Uint8Array): void;
  addKey(
    digest: Uint8Array,
    lo: number,
    hi: number,
    kind: number,
    expiresLo: number,
    expiresHi: number,
  ): void;
  build(): NativeRegistry;
  free(): void;
  isClosed(): boolean;
}

/** A view of a registry in the addon (see native/src/registry.rs). */
export interface NativeRegistry {
  /** The result code; on 0, `out` holds the project's low and high 32 bits and the kind. */
  authenticate(
    header: string | Uint8Array,
    now: number,
    requirement: number,
    out: Uint32Array,
  ): number;
  authorizeRedirect(
    clientId: string | Uint8Array,
    redirectUri: string | Uint8Array,
    now: number,
    out: Uint32Array,
  ): void;
  isClosed(): boolean;
  close(): void;
  share(): number;
  swapFrom(from: NativeRegistry): void;
  /** A new registry: this one with `changes` applied and `removed` (id halves, in pairs) gone. */
  update(changes: NativeBuilder, removed: Uint32Array): NativeRegistry;
}

/** What the addon exports. */
export interface Native {
  version(): string;
  resultText(code: number): string | null;
  lastErrorMessage(): string;
  keyParse(key: string | Uint8Array): number;
  keyFormat(kind: number, random16: Uint8Array): string;
  keyGenerate(kind: number): string;
  keyDigest(key: string | Uint8Array): Buffer;
  keyDigestHex(key: string | Uint8Array): string;
  digestFromHex(hex: string | Uint8Array): Buffer;
  keyVerify(key: string | Uint8Array, digest: Uint8Array): boolean;
  keyVerifyAny(key: string | Uint8Array, digests: Uint8Array): number;
  keyRedacted(key: string | Uint8Array): string;
  redact(text: string | Uint8Array): string | Buffer;
  authorizationParse(header: string | Uint8Array, options: number): { kind: number; key: string };
  authHttpStatus(code: number): number;
  wwwAuthenticate(code: number): string;
  redirectValidate(uri: string | Uint8Array, mode: number, options: number): void;
  redirectMatch(registered: string[], candidate: string | Uint8Array, mode: number, options: number): boolean;
  pkceVerify(
    verifier: string | Uint8Array,
    challenge: string | Uint8Array,
    method: string | Uint8Array,
  ): void;
  NativeBuilder: new () => NativeBuilder;
  NativeRegistry: abstract new () => NativeRegistry;
  registryMove(from: NativeRegistry): NativeRegistry;
  registryAdopt(id: number): NativeRegistry;
}

/** The oldest glibc the prebuilt addon runs on (the newest symbol version it needs). */
export const GLIBC_FLOOR = "2.17";

/** The file name of the addon for this platform (only linux-x64 with glibc is built). */
function addonFile(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const glibc = report?.header?.glibcVersionRuntime;
  if (process.platform !== "linux" || process.arch !== "x64" || glibc === undefined) {
    throw new Error(
      `picket-node ships a prebuilt addon for linux-x64 with glibc only; this is ` +
        `${process.platform}-${process.arch}${glibc === undefined ? "" : ` (glibc ${glibc})`}`,
    );
  }
  const [major, minor] = glibc.split(".").map(Number);
  const [floorMajor, floorMinor] = GLIBC_FLOOR.split(".").map(Number);
  if (major < floorMajor || (major === floorMajor && minor < floorMinor)) {
    throw new Error(`picket-node needs glibc ${GLIBC_FLOOR} or newer; this system has ${glibc}`);
  }
  return join(__dirname, "..", "picket.linux-x64-gnu.node");
}

/** The addon, loaded once per thread (each worker thread loads its own instance). */
export const native: Native = require(addonFile()) as Native;
