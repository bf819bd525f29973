/**
 * The test-vector runner of the Node binding: runs JSON Lines vector files (format:
 * `tests/vectors/SCHEMA.md`) through the package's public API, exactly as the Rust, C, Go
 * and Python runners do: one `FAIL <id>: <why>` line for each failing case, then
 * `N passed, N failed`. An unknown `kind` or option, a missing field, an unreadable file,
 * a file that holds no vector (empty, or only blank lines) or a line that is not JSON (or
 * holds a string that is not Unicode: a lone surrogate) counts as a failure: a case is never
 * skipped silently.
 *
 * The installed package has it as the command `picket-vectors FILE...`.
 *
 * @example
 * ```ts
 * const tally = { passed: 0, failed: 0 };
 * runText("mine.jsonl", fs.readFileSync("mine.jsonl", "utf8"), tally, console.log);
 * ```
 */

import { readFileSync } from "node:fs";

import { Code } from "./codes";
import { Mode } from "./convert";
import { PicketError } from "./errors";
import { parseKey } from "./keys";
import { RegistryBuilder } from "./registry";
import { matchRedirectUri, parseAuthorization, redact, validateRedirectUri, verifyPkce } from "./rules";

/** Totals over every case run. */
export interface Tally {
  passed: number;
  failed: number;
}

class CaseFailure extends Error {}

const REDIRECT_OPTIONS = ["allow_private_use_schemes", "loopback_any_port"];

type Case = Record<string, unknown>;

function field(c: Case, name: string): string {
  const value = c[name];
  if (typeof value !== "string") throw new CaseFailure(`field ${JSON.stringify(name)} is missing or not a string`);
  return value;
}

function options(c: Case, known: readonly string[]): Set<string> {
  if (!("options" in c)) return new Set();
  const listed = c.options;
  if (!Array.isArray(listed)) throw new CaseFailure('"options" is not a list');
  const out = new Set<string>();
  for (const option of listed) {
    if (typeof option !== "string") throw new CaseFailure("an option is not a string");
    if (!known.includes(option)) throw new CaseFailure(`unknown option ${JSON.stringify(option)} for this kind`);
    out.add(option);
  }
  return out;
}

function mode(c: Case): Mode {
  const name = field(c, "mode");
  if (name === "development") return Mode.DEVELOPMENT;
  if (name === "production") return Mode.PRODUCTION;
  throw new CaseFailure(`unknown mode ${JSON.stringify(name)}`);
}

function redirectOptions(c: Case) {
  const set = options(c, REDIRECT_OPTIONS);
  return {
    allowPrivateUseSchemes: set.has("allow_private_use_schemes"),
    loopbackAnyPort: set.has("loopback_any_port"),
  };
}

/** Compares the first word of `got` (`error (why)` gives `error`) with `expected`. */
function check(expected: string, got: string): void {
  if (got.split(" ")[0] !== expected) throw new CaseFailure(`expected ${expected}, got ${got}`);
}

/** `ok` when `f` returns, `<word> (<message>)` when it throws a PicketError. */
function outcome(f: () => unknown, ok: string, word: string): string {
  try {
    f();
    return ok;
  } catch (e) {
    if (e instanceof PicketError) return `${word} (${e.message})`;
    throw e;
  }
}

/** Runs one case (a decoded JSON value); throws a failure saying why when it fails. */
export function runCase(value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CaseFailure('field "kind" is missing or not a string');
  }
  const c = value as Case;
  const kind = field(c, "kind");
  const expect = field(c, "expect");
  switch (kind) {
    case "key": {
      options(c, []);
      const input = field(c, "input");
      let got = "";
      const word = outcome(() => {
        got = parseKey(input).kind === 1 ? "publishable" : "secret";
      }, "", "error");
      check(expect, word === "" ? got : word);
      return;
    }
    case "auth_header": {
      const set = options(c, ["accept_bearer"]);
      const header = field(c, "header");
      let key;
      try {
        key = parseAuthorization(header, { acceptBearer: set.has("accept_bearer") });
      } catch (e) {
        if (!(e instanceof PicketError)) throw e;
        if (expect !== "error") throw new CaseFailure(`expected ${expect}, got error (${e.message})`);
        return;
      }
      if (expect !== "ok") throw new CaseFailure(`expected ${expect}, got ok (${key})`);
      const want = field(c, "key");
      if (key.expose() !== want) throw new CaseFailure(`expected ok with key ${want}, got another key (${key})`);
      return;
    }
    case "redirect_register": {
      const opts = redirectOptions(c);
      const uri = field(c, "uri");
      const m = mode(c);
      check(expect, outcome(() => validateRedirectUri(uri, m, opts), "accept", "reject"));
      return;
    }
    case "redirect_match": {
      const opts = redirectOptions(c);
      const m = mode(c);
      const registered = c.registered;
      if (!Array.isArray(registered)) throw new CaseFailure('field "registered" is missing or not a list');
      for (const entry of registered) {
        if (typeof entry !== "string") throw new CaseFailure("a registered entry is not a string");
      }
      const got = matchRedirectUri(registered as string[], field(c, "candidate"), m, opts) ? "match" : "no_match";
      if (got !== expect) throw new CaseFailure(`expected ${expect}, got ${got}`);
      return;
    }
    case "pkce": {
      options(c, []);
      const [v, ch, me] = [field(c, "verifier"), field(c, "challenge"), field(c, "method")];
      check(expect, outcome(() => verifyPkce(v, ch, me), "ok", "error"));
      return;
    }
    case "redact": {
      options(c, []);
      const got = redact(field(c, "input"));
      if (got !== expect) throw new CaseFailure(`expected ${JSON.stringify(expect)}, got ${JSON.stringify(got)}`);
      return;
    }
    case "client_id": {
      options(c, []);
      check(expect, clientId(field(c, "input")));
      return;
    }
  }
  throw new CaseFailure(`unknown kind ${JSON.stringify(kind)}`);
}

/**
 * Classifies a client_id through the authorize call of a registry with no keys:
 * `exposed` (SecretKeyExposed), `invalid` (a key code), `publishable` (UnknownClient).
 */
function clientId(input: string): string {
  const registry = new RegistryBuilder().build();
  try {
    registry.authorizeRedirect(input, "https://example.com/cb", 0);
    return "ok";
  } catch (e) {
    if (!(e instanceof PicketError)) throw e;
    if (e.code === Code.AUTHORIZE_SECRET_KEY_EXPOSED) return "exposed";
    if (e.code === Code.AUTHORIZE_UNKNOWN_CLIENT) return "publishable";
    if (e.code >= 100 && e.code <= 199) return `invalid (${e.message})`;
    return `error (${e.message})`;
  } finally {
    registry.close();
  }
}

/** Lines as Rust's `str::lines` gives them: split on `\n`, one `\r` before it dropped. */
function lines(text: string): string[] {
  const parts = text.split("\n");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts.map((p) => (p.endsWith("\r") ? p.slice(0, -1) : p));
}

/** A string that is not a sequence of Unicode scalar values (a lone surrogate). */
const LONE_SURROGATE = /\p{Cs}/u;

function wellFormed(value: unknown): boolean {
  if (typeof value === "string") return !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(wellFormed);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).every(([k, v]) => wellFormed(k) && wellFormed(v));
  }
  return true;
}

/** Runs every case of one JSON Lines text; calls `print` with a line for each failure. */
export function runText(name: string, text: string, tally: Tally, print: (line: string) => void): void {
  lines(text).forEach((line, index) => {
    // Blank: only JSON's spaces, tabs and carriage returns (SCHEMA.md), not trim's wider set
    // (NBSP, BOM), so that every runner skips the same lines.
    if (/^[ \t\r]*$/.test(line)) return;
    let id: string;
    let why: string | undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
      if (!wellFormed(value)) throw new Error("a string is not valid Unicode (a lone surrogate)");
    } catch (e) {
      id = `${name}:${index + 1}`;
      why = `invalid JSON: ${(e as Error).message}`;
      value = undefined;
    }
    if (why === undefined) {
      const raw = typeof value === "object" && value !== null ? (value as Case).id : undefined;
      id = typeof raw === "string" ? raw : "<no id>";
      try {
        runCase(value);
      } catch (e) {
        if (!(e instanceof CaseFailure)) throw e;
        why = e.message;
      }
    }
    if (why === undefined) {
      tally.passed += 1;
    } else {
      tally.failed += 1;
      print(`FAIL ${id!}: ${why}`);
    }
  });
}

/**
 * Runs one file's text as `runText` does, and fails the file itself when it holds no vector
 * (empty, or only blank lines): a truncated or mistyped file must not make a run that cannot
 * fail (`tests/vectors/SCHEMA.md`, "Runner output").
 */
export function runFile(name: string, text: string, tally: Tally, print: (line: string) => void): void {
  const before = tally.passed + tally.failed;
  runText(name, text, tally, print);
  if (tally.passed + tally.failed === before) {
    print(`FAIL ${name}: no vectors`);
    tally.failed += 1;
  }
}

/**
 * Runs the files named in `files`, printing to `print`; returns the exit status (0 when
 * every case passed, 1 otherwise, 2 without files).
 */
export function main(files: readonly string[], print: (line: string) => void = console.log): number {
  if (files.length === 0) {
    process.stderr.write("usage: picket-vectors FILE.jsonl...\n");
    return 2;
  }
  const tally: Tally = { passed: 0, failed: 0 };
  // ignoreBOM: a leading byte order mark stays in the text (and fails its line as invalid
  // JSON), as the Rust, Go and Python runners read it; by default TextDecoder drops it.
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  for (const file of files) {
    let text: string;
    try {
      text = decoder.decode(readFileSync(file));
    } catch (e) {
      print(`FAIL ${file}: cannot read: ${(e as Error).message}`);
      tally.failed += 1;
      continue;
    }
    runFile(file, text, tally, print);
  }
  print(`${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed === 0 ? 0 : 1;
}
