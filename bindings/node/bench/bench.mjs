#!/usr/bin/env node
// Benchmark: Registry.authenticate against the Node idiom (issue 24). The idiom is what a
// Node server writes by hand to check an API key sent as the HTTP Basic username:
// Buffer.from(token, "base64"), split at ':', crypto.createHash("sha256"), a Map by hex
// digest and crypto.timingSafeEqual, then the expiry and kind checks. Both sides get the
// string header Node's http gives (req.headers.authorization), cycle through 1,000 keys,
// and must give the same answers (checked before timing). picket does more than the idiom
// (the full key grammar, every header rule, canonical base64), so the comparison favours
// the idiom. Target: picket at least 2x faster per request.
//
//   node bench/bench.mjs            the figures, as a table
//   node bench/bench.mjs --json     one JSON object per figure (bench/run.sh)
//   node bench/bench.mjs --quick    run each side once and check the answers (for CI)
//
// Timing: samples of --number passes over the 1,000 headers, taken alternately for every
// case (a burst of load hits all alike), --repeat times; the median sample is reported.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { KeyKind, Mode, RegistryBuilder, Requirement, AuthError, formatKey } from "picket-node";

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const quick = flag("--quick");
const json = flag("--json");
const repeat = option("--repeat", 31);
const number = option("--number", 20);

const KEYS = 1000;
const NOW = 1_700_000_000;
const NO_EXPIRY = Number.POSITIVE_INFINITY;

class Unauthorized extends Error {}

/** The hand-written check, as a Node server writes it with node:crypto. */
function makeIdiom(table) {
  return function authenticate(header, now, requirement) {
    if (typeof header !== "string") throw new Unauthorized("missing");
    const space = header.indexOf(" ");
    if (space === -1 || header.slice(0, space).toLowerCase() !== "basic") throw new Unauthorized("unsupported scheme");
    const credentials = Buffer.from(header.slice(space + 1).trim(), "base64").toString("utf8");
    const colon = credentials.indexOf(":");
    const key = colon === -1 ? credentials : credentials.slice(0, colon);
    if (colon !== -1 && colon !== credentials.length - 1) throw new Unauthorized("password must be empty");
    const digest = createHash("sha256").update(key).digest();
    const entry = table.get(digest.toString("hex"));
    if (entry === undefined || !timingSafeEqual(entry.digest, digest)) throw new Unauthorized("unknown api key");
    if (now >= entry.expiresAt) throw new Unauthorized("expired");
    if (requirement !== Requirement.ANY && requirement !== entry.kind) throw new Unauthorized("wrong kind");
    return { project: entry.project, kind: entry.kind };
  };
}

function setup() {
  const builder = new RegistryBuilder();
  const table = new Map();
  const headers = [];
  const sdkHeaders = [];
  const expected = [];
  for (let p = 1; p <= 100; p++) builder.addProject(p, Mode.PRODUCTION);
  for (let i = 0; i < KEYS; i++) {
    const kind = i % 2 ? KeyKind.SECRET : KeyKind.PUBLISHABLE;
    const project = 1 + (i % 100);
    const key = formatKey(kind, randomBytes(16));
    builder.addKey(key, project);
    const digest = createHash("sha256").update(key.expose()).digest();
    table.set(digest.toString("hex"), { digest, project, kind, expiresAt: NO_EXPIRY });
    headers.push("Basic " + Buffer.from(`${key.expose()}:`).toString("base64"));
    sdkHeaders.push("Basic  " + Buffer.from(key.expose()).toString("base64"));
    expected.push({ project, kind });
  }
  return { registry: builder.build(), idiom: makeIdiom(table), headers, sdkHeaders, expected };
}

function check({ registry, idiom, headers, sdkHeaders, expected }) {
  headers.forEach((h, i) => {
    const want = JSON.stringify(expected[i]);
    for (const got of [registry.authenticate(h, Requirement.ANY, NOW), registry.authenticate(sdkHeaders[i], Requirement.ANY, NOW), idiom(h, NOW, Requirement.ANY)]) {
      if (JSON.stringify(got) !== want) throw new Error(`wrong answer for a key of ${want}: ${JSON.stringify(got)}`);
    }
  });
  const unknown = "Basic " + Buffer.from(`sk_${"0".repeat(32)}:`).toString("base64");
  try {
    registry.authenticate(unknown, Requirement.ANY, NOW);
    throw new Error("picket accepted an unknown key");
  } catch (e) {
    if (!(e instanceof AuthError) || e.httpStatus !== 401) throw e;
  }
  try {
    idiom(unknown, NOW, Requirement.ANY);
    throw new Error("the idiom accepted an unknown key");
  } catch (e) {
    if (!(e instanceof Unauthorized)) throw e;
  }
}

const state = setup();
check(state);
if (quick) {
  console.log(`bench.mjs --quick: picket and the idiom agree on ${KEYS} keys, both header forms`);
  state.registry.close();
  process.exit(0);
}

const { registry, idiom, headers, sdkHeaders } = state;
const ANY = Requirement.ANY;
const IDIOM = "node idiom (Buffer.from base64, createHash sha256, Map by hex digest, timingSafeEqual)";
// [figure, loop, reference, target ratio, note]
const cases = [
  [IDIOM, () => { for (const h of headers) idiom(h, NOW, ANY); }, null, null, "1,000 keys, `Basic base64(KEY:)` strings, as a Node server writes it"],
  ["node Registry.authenticate", () => { for (const h of headers) registry.authenticate(h, ANY, NOW); }, IDIOM, 0.5, "target: at least 2x faster than the idiom; 1,000 keys, `Basic base64(KEY:)`"],
  ["node Registry.authenticate, JS SDK header", () => { for (const h of sdkHeaders) registry.authenticate(h, ANY, NOW); }, IDIOM, null, "`Basic  base64(KEY)` (two spaces, no colon)"],
  ["node Registry.authenticate, now from the clock", () => { for (const h of headers) registry.authenticate(h, ANY); }, IDIOM, null, "no `now` argument: Date.now() on every call"],
];

function sample(loop) {
  const start = process.hrtime.bigint();
  for (let n = 0; n < number; n++) loop();
  return Number(process.hrtime.bigint() - start) / (number * KEYS);
}

for (let w = 0; w < 20; w++) for (const [, loop] of cases) loop(); // warm up: let the JIT compile every loop
const samples = cases.map(() => []);
for (let r = 0; r < repeat; r++) cases.forEach(([, loop], i) => samples[i].push(sample(loop)));
registry.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = cases.map(([figure, , reference, target, note], i) => ({
  figure, value: Math.round(median(samples[i]) * 10) / 10, unit: "ns", reference, target_ratio: target, note,
}));
if (json) {
  for (const row of rows) console.log(JSON.stringify(row));
} else {
  const byName = new Map(rows.map((r) => [r.figure, r.value]));
  console.log(`node ${process.version}, median of ${repeat} samples of ${number} x ${KEYS} calls`);
  for (const r of rows) {
    const ratio = r.reference ? ` (${(r.value / byName.get(r.reference)).toFixed(2)}x the idiom)` : "";
    console.log(`${r.value.toFixed(1).padStart(8)} ns  ${r.figure}${ratio}`);
  }
}
