// rebuild.mjs: a Node program's memory stays flat while it rebuilds its registry.
//
//   node --expose-gc rebuild.mjs KEYS REBUILDS THREADS BOUND_MB
//
// The same steps as tests/memory/rebuild.c, through the Node binding (picket-node, whose
// addon links picket-ffi and so its allocator): a registry of KEYS keys over KEYS / 10
// projects (each with a redirect URI), rebuilt REBUILDS more times, each build on the next
// of THREADS worker threads in turn (OS threads of their own, as a server's workers are).
// The main thread serves from the newest registry (Registry.fromShared) and, once it has
// it, has the worker that built the old one close it, which frees it. Each worker thread is
// a V8 isolate of its own, whose first build costs it about 5 MB once (its heap, its malloc
// arena), so the first build here is each thread's: the baseline is the resident set (RSS,
// process.memoryUsage.rss()) once every thread has built once (after THREADS builds). Prints
// it, the RSS after the very first build, the largest after any later rebuild and the
// last; exits 1 when the largest exceeds the baseline by more than BOUND_MB megabytes, 2 on
// a usage or picket error. Each thread runs V8's garbage collector after
// each step (--expose-gc) so that the figure is the native memory, not when V8 collects.
// Linux only. Run from a directory where `import "picket-node"` resolves
// (tests/memory/run.sh installs the packed package there).
import { randomBytes } from "node:crypto";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { KeyKind, Mode, Registry, RegistryBuilder } from "picket-node";

const URI = "https://app.example/callback";

function build(keys, digests) {
  const projects = Math.max(Math.floor(keys / 10), 1);
  const b = new RegistryBuilder();
  for (let p = 1; p <= projects; p++) b.addProject(p, Mode.PRODUCTION).addRedirectUri(p, URI);
  for (let i = 0; i < keys; i++) {
    const kind = i % 2 ? KeyKind.SECRET : KeyKind.PUBLISHABLE;
    b.addKey(digests.subarray(32 * i, 32 * i + 32), 1 + (i % projects), { kind });
  }
  return b.build();
}

if (!isMainThread) {
  // A builder thread: "build" makes a registry and shares it; "close" frees the one it
  // built before.
  const { keys, digests } = workerData;
  const built = new Map();
  parentPort.on("message", (m) => {
    if (m.op === "build") {
      const r = build(keys, digests);
      built.set(m.round, r);
      globalThis.gc();
      parentPort.postMessage({ round: m.round, token: r.share() });
    } else if (m.op === "close") {
      built.get(m.round).close();
      built.delete(m.round);
      globalThis.gc();
      parentPort.postMessage({ round: m.round, closed: true });
    } else {
      parentPort.close();
    }
  });
} else {
  const args = process.argv.slice(2).map(Number);
  const [keys, rebuilds, threads, bound] = args;
  if (args.length !== 4 || !(keys >= 1 && rebuilds >= threads - 1 && threads >= 1 && threads <= 64 && bound > 0)) {
    console.error("usage: node --expose-gc rebuild.mjs KEYS REBUILDS(>= THREADS-1) THREADS(1-64) BOUND_MB");
    process.exit(2);
  }
  if (typeof globalThis.gc !== "function") {
    console.error("rebuild.mjs needs node --expose-gc");
    process.exit(2);
  }
  const digests = randomBytes(32 * keys); // distinct with overwhelming probability
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(new URL(import.meta.url), { workerData: { keys, digests } });
    w.on("error", (e) => {
      console.error("memory:", e);
      process.exit(2);
    });
    return w;
  });
  const ask = (w, m) =>
    new Promise((resolve) => {
      const on = (reply) => {
        if (reply.round === m.round) {
          w.off("message", on);
          resolve(reply);
        }
      };
      w.on("message", on);
      w.postMessage(m);
    });
  const rssMB = () => process.memoryUsage.rss() / (1 << 20);

  let current = null; // { round, worker, registry } served by the main thread
  let first = 0; // after the first build
  let base = 0; // after each thread's first build
  let largest = 0;
  let last = 0;
  for (let round = 0; round <= rebuilds; round++) {
    const worker = workers[round % threads];
    const { token } = await ask(worker, { op: "build", round });
    const registry = Registry.fromShared(token);
    if (registry.closed) throw new Error(`the registry of round ${round} is closed`);
    const old = current;
    current = { round, worker, registry };
    if (old !== null) {
      old.registry.close(); // lets go of the main thread's handle
      await ask(old.worker, { op: "close", round: old.round }); // its owner frees it
    }
    globalThis.gc();
    last = rssMB();
    if (round === 0) first = last;
    if (round === threads - 1) base = last;
    if (round >= threads - 1) largest = Math.max(largest, last);
  }
  current.registry.close();
  await ask(current.worker, { op: "close", round: current.round });
  for (const w of workers) w.postMessage({ op: "exit" });
  const growth = largest - base;
  console.log(
    `Node: ${keys} keys, ${rebuilds} rebuilds on ${threads} threads: RSS after the first build ` +
      `${first.toFixed(1)} MB, after each thread's first ${base.toFixed(1)} MB, largest ` +
      `${largest.toFixed(1)} MB (+${growth.toFixed(1)} MB; +${(largest - first).toFixed(1)} MB ` +
      `over the very first), last ${last.toFixed(1)} MB; bound +${bound} MB`,
  );
  if (growth > bound) {
    console.log(`FAILED: the RSS grew by ${growth.toFixed(1)} MB, more than ${bound} MB`);
    process.exit(1);
  }
}
