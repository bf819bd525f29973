// Memory safety whatever the caller does: closed and double-closed handles, wrong types
// straight into the addon, and worker threads racing a close (and swaps) against
// authenticate on one shared registry. Nothing may crash: every misuse is an Error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";

import {
  ClosedError, Code, KeyKind, Mode, Registry, RegistryBuilder, RegistryHolder, Requirement, digest,
  formatKey, generateKey, parseAuthorization, parseKey, redact, validateRedirectUri, verify,
} from "picket-node";
import { basic } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const entry = require.resolve("picket-node");

function registryOf(keys, project = 1) {
  const b = new RegistryBuilder().addProject(project, Mode.PRODUCTION);
  for (const k of keys) b.addKey(k, project);
  return b.build();
}

test("a closed registry or builder throws ClosedError; closing twice does nothing", () => {
  const k = generateKey(KeyKind.SECRET);
  const r = registryOf([k]);
  r.close();
  r.close();
  assert.equal(r.closed, true);
  assert.throws(() => r.authenticate(basic(k.expose())), ClosedError);
  assert.throws(() => r.authorizeRedirect("pk_x", "https://a.example/cb"), ClosedError);
  assert.throws(() => r.share(), ClosedError);
  assert.throws(() => new RegistryHolder(r), ClosedError);
  const b = new RegistryBuilder();
  b.build();
  assert.throws(() => b.build(), ClosedError);
  assert.throws(() => b.addProject(1, Mode.PRODUCTION), ClosedError);
  b.close();
  b.close();
  const c = new RegistryBuilder();
  c.close();
  assert.throws(() => c.addProject(1, Mode.PRODUCTION), ClosedError);
  assert.throws(() => Registry.fromShared({ picketRegistry: 123456 }), ClosedError);
  assert.throws(() => Registry.fromShared({ picketRegistry: -1.5 }), ClosedError);
  assert.throws(() => Registry.fromShared("x"), TypeError);
  assert.throws(() => new Registry(), TypeError);
});

test("the addon itself refuses wrong types, wrong receivers and handles it did not make", () => {
  const native = require("../picket.linux-x64-gnu.node");
  const r = new RegistryBuilder().build();
  const out = new Uint32Array(3);
  const attempts = [
    () => native.keyParse(1),
    () => native.keyParse(),
    () => native.keyParse({ length: 5 }),
    () => native.redact(new Float64Array(2)),
    () => native.keyFormat(2, Buffer.alloc(3)),
    () => native.keyVerify("sk_x", Buffer.alloc(5)),
    () => native.keyVerifyAny("sk_x", Buffer.alloc(33)),
    () => native.redirectMatch("not a list", "x", 1, 0),
    () => native.redirectMatch([1, 2], "x", 1, 0),
    () => native.registryAdopt(Number.NaN),
    () => native.registryMove({}),
    () => new native.NativeRegistry(),
    () => native.NativeRegistry.prototype.authenticate.call({}, "x", 0, 3, out),
    () => native.NativeRegistry.prototype.close.call(new (native.NativeBuilder)()),
    () => native.NativeBuilder.prototype.build.call(Object.create(native.NativeBuilder.prototype)),
    () => new native.NativeBuilder().addKey(Buffer.alloc(31), 1, 0, 2, 0, 0),
    () => new native.NativeBuilder().addProject(1, 0, 9, 0),
    () => native.authorizationParse("x", 0xff),
  ];
  for (const [i, attempt] of attempts.entries()) {
    assert.throws(attempt, Error, `attempt ${i} did not throw`);
  }
  r.close();
});

test("Buffer views with offsets, shared and detached memory, non-string and huge inputs", () => {
  const k = generateKey(KeyKind.SECRET);
  const r = registryOf([k]);
  const header = basic(k.expose());
  // A view reads its own bytes, not its buffer's from 0: garbage around it, in a pooled Buffer.
  const around = Buffer.from(`Basic AAAA${header}Basic BBBB`);
  const view = around.subarray(10, 10 + header.length);
  assert.equal(r.authenticate(view, Requirement.SECRET).project, 1);
  assert.equal(r.authenticate(new Uint8Array(around.buffer, around.byteOffset + 10, header.length)).project, 1);
  const shared = new Uint8Array(new SharedArrayBuffer(header.length + 7), 7);
  shared.set(Buffer.from(header));
  assert.equal(r.authenticate(shared).project, 1);
  const keyView = Buffer.from(`xx${k.expose()}yy`).subarray(2, 37);
  assert.equal(parseKey(keyView).expose(), k.expose());
  const digestView = Buffer.concat([Buffer.alloc(3), digest(k), Buffer.alloc(3)]).subarray(3, 35);
  assert.equal(verify(k, digestView), true);
  assert.equal(formatKey(KeyKind.SECRET, Buffer.alloc(40, 0xcd).subarray(5, 21)).expose(), "sk_" + "cd".repeat(16));
  const line = Buffer.from(`log ${k.expose()} end`);
  assert.equal(redact(Buffer.concat([Buffer.from("xx"), line]).subarray(2)).toString(), `log ${k.redacted()} end`);

  // A detached buffer is empty: refused by the rule an empty input breaks, never read.
  const detach = (bytes) => {
    const u = new Uint8Array(bytes.length);
    u.set(bytes);
    structuredClone(u.buffer, { transfer: [u.buffer] });
    assert.equal(u.byteLength, 0);
    return u;
  };
  assert.throws(() => r.authenticate(detach(Buffer.from(header))), (e) => e.code === Code.HEADER_MISSING);
  assert.throws(() => parseKey(detach(Buffer.from(k.expose()))), (e) => e.code === Code.KEY_EMPTY);
  assert.throws(() => verify(k, detach(digest(k))), TypeError);
  assert.equal(redact(detach(line)).length, 0);
  assert.throws(() => new RegistryBuilder().addProject(1, Mode.PRODUCTION).addKey(detach(digest(k)), 1, { kind: KeyKind.SECRET }), TypeError);

  // Not a string or a Buffer: a TypeError, before any native call.
  for (const bad of [42, 1n, true, {}, [header], Symbol("h"), () => header, new Uint16Array(4), new DataView(new ArrayBuffer(4)), new ArrayBuffer(4)]) {
    assert.throws(() => r.authenticate(bad), TypeError);
    assert.throws(() => parseKey(bad), TypeError);
    assert.throws(() => redact(bad), TypeError);
  }
  assert.throws(() => r.authenticate({ toString: () => header }), TypeError, "no implicit string conversion");

  // Huge inputs are refused by their bound, as strings and as Buffers.
  const huge = "Basic " + "A".repeat(64 * 1024 * 1024);
  assert.throws(() => r.authenticate(huge), (e) => e.code === Code.HEADER_TOO_LONG);
  assert.throws(() => r.authenticate(Buffer.from(huge)), (e) => e.code === Code.HEADER_TOO_LONG);
  assert.throws(() => parseAuthorization(huge), (e) => e.code === Code.HEADER_TOO_LONG);
  assert.throws(() => parseKey("sk_" + "a".repeat(64 * 1024 * 1024)), (e) => e.code === Code.KEY_WRONG_LENGTH);
  assert.throws(() => validateRedirectUri("https://a.example/" + "a".repeat(16 * 1024 * 1024), Mode.PRODUCTION), (e) => e.code === Code.REDIRECT_TOO_LONG);
  const bigLog = "x".repeat(32 * 1024 * 1024) + k.expose();
  assert.equal(redact(bigLog), "x".repeat(32 * 1024 * 1024) + k.redacted());
  r.close();
});

test("a holder: a swap is seen by its shared views; what it cannot take is refused and changes nothing", () => {
  const k = generateKey(KeyKind.SECRET);
  const holder = new RegistryHolder(registryOf([k], 1));
  const view = Registry.fromShared(holder.share());
  const other = registryOf([k], 2);
  const otherView = Registry.fromShared(other.share());
  // (Swaps racing calls in flight on other threads: the worker test below.)
  const seen = [];
  holder.swap(other);
  seen.push(holder.authenticate(basic(k.expose())).project, view.authenticate(basic(k.expose())).project);
  assert.deepEqual(seen, [2, 2], "the holder and its shared views see the swap");
  assert.throws(() => otherView.authenticate(basic(k.expose())), ClosedError, "a view of the registry swapped in lets go of it");
  assert.throws(() => holder.swap(holder), /cannot swap itself/);
  assert.throws(() => holder.swap(view), (e) => e.code === Code.INVALID_PARAMETER, "only an owner can be swapped in");
  assert.throws(() => holder.swap({}), TypeError);
  assert.throws(() => holder.swap(other), ClosedError, "a registry swapped in once is taken");
  assert.equal(holder.authenticate(basic(k.expose())).project, 2, "refused swaps change nothing");
  holder.close();
  assert.throws(() => holder.swap(registryOf([k], 3)), ClosedError);
  assert.throws(() => view.authenticate(basic(k.expose())), ClosedError);
  view.close();
});

/** A worker that opens a shared registry and authenticates until it is closed. */
const RACER = `
const { workerData, parentPort } = require("node:worker_threads");
const { Registry, ClosedError } = require(workerData.entry);
const registry = Registry.fromShared(workerData.token);
const flag = new Int32Array(workerData.flag);
Atomics.add(flag, 0, 1);
let ok = 0, closed = 0, wrong = 0;
for (let i = 0; i < 2e6; i++) {
  try {
    const auth = registry.authenticate(workerData.headers[i % workerData.headers.length], 3);
    if (auth.project === workerData.project) ok++; else wrong++;
  } catch (e) {
    if (e instanceof ClosedError) { closed++; if (!workerData.swaps) break; } else { wrong++; }
  }
  if (workerData.swaps && Atomics.load(flag, 1) === 1) break;
}
registry.close();
registry.close();
parentPort.postMessage({ ok, closed, wrong });
`;

function racer(token, headers, project, flag, swaps = false) {
  return new Promise((resolve, reject) => {
    const w = new Worker(RACER, { eval: true, workerData: { entry, token, headers, project, flag, swaps } });
    w.once("message", resolve);
    w.once("error", reject);
    w.once("exit", (code) => code !== 0 && reject(new Error(`worker exited ${code}`)));
  });
}

async function started(flag, n) {
  const view = new Int32Array(flag);
  while (Atomics.load(view, 0) < n) await new Promise((r) => setTimeout(r, 1));
}

test("worker threads racing close against authenticate on one registry", async () => {
  const oks = [];
  for (let round = 0; round < 5; round++) {
    const keys = Array.from({ length: 64 }, (_, i) => generateKey(i % 2 ? KeyKind.SECRET : KeyKind.PUBLISHABLE));
    const registry = registryOf(keys, 42);
    const flag = new SharedArrayBuffer(8);
    const headers = keys.map((k) => basic(k.expose()));
    const results = Array.from({ length: 4 }, () => racer(registry.share(), headers, 42, flag));
    await started(flag, 4);
    await new Promise((r) => setTimeout(r, 5 + round * 5));
    registry.close();
    for (const { ok, closed, wrong } of await Promise.all(results)) {
      assert.equal(wrong, 0);
      assert.equal(closed, 1, "each worker stops at its first ClosedError");
      oks.push(ok);
    }
    assert.throws(() => registry.authenticate(headers[0]), ClosedError);
  }
  // The close came while the workers were authenticating, not before they started.
  assert.ok(oks.filter((n) => n > 0).length >= oks.length / 2, `successes before the close: ${oks}`);
});

test("worker threads authenticate through a holder while the main thread swaps it", async () => {
  const stable = generateKey(KeyKind.SECRET);
  const holder = new RegistryHolder(registryOf([stable, generateKey(KeyKind.SECRET)], 9));
  const flag = new SharedArrayBuffer(8);
  const results = Array.from({ length: 3 }, () => racer(holder.share(), [basic(stable.expose())], 9, flag, true));
  await started(flag, 3);
  for (let i = 0; i < 200; i++) {
    holder.swap(registryOf([generateKey(KeyKind.PUBLISHABLE), stable, generateKey(KeyKind.SECRET)], 9));
    if (i % 20 === 0) await new Promise((r) => setImmediate(r));
  }
  Atomics.store(new Int32Array(flag), 1, 1);
  for (const { ok, closed, wrong } of await Promise.all(results)) {
    assert.equal(wrong, 0, "a swap never fails a request");
    assert.equal(closed, 0, "a swap never shows a closed registry");
    assert.ok(ok > 0);
  }
  assert.equal(holder.authenticate(basic(stable.expose()), Requirement.SECRET).project, 9);
  holder.close();
});

test("a registry dropped without close is freed by the garbage collector", { skip: typeof global.gc !== "function" && "run with --expose-gc" }, async () => {
  for (let i = 0; i < 200; i++) registryOf(Array.from({ length: 100 }, () => generateKey(KeyKind.SECRET)));
  global.gc();
  await new Promise((r) => setTimeout(r, 10));
  global.gc();
});
