// pino through redactingDestination: no secret key reaches the destination, from any part
// of a line, and every line is still JSON.
import { test } from "node:test";
import assert from "node:assert/strict";

import pino from "pino";
import { redactingDestination } from "picket-node";
import { PK, SK, basic, jsSdk } from "./helpers.mjs";

function capture() {
  const lines = [];
  return { lines, write: (line) => { lines.push(line); return true; } };
}

test("every line is redacted: message, objects, child bindings, errors", () => {
  const sink = capture();
  const log = pino({ base: null, timestamp: false }, redactingDestination(sink));
  log.info({ authorization: basic(SK) }, "request");
  log.info(`key ${SK} and publishable ${PK}`);
  log.child({ client: jsSdk(SK) }).warn("child");
  log.error(new Error(`bad key ${SK}`));
  log.info({ nested: { deep: [SK] } }, "nested");
  assert.equal(sink.lines.length, 5);
  for (const line of sink.lines) {
    assert.ok(!line.includes(SK.slice(3)), line);
    assert.ok(!line.includes(Buffer.from(`${SK}:`).toString("base64").slice(0, 40)), line);
    JSON.parse(line);
  }
  const [first, second, third, fourth, fifth] = sink.lines.map((l) => JSON.parse(l));
  assert.equal(first.authorization, "Basic [REDACTED sk_…9e24]");
  assert.equal(second.msg, `key sk_…9e24 and publishable ${PK}`);
  assert.equal(third.client, "Basic  [REDACTED sk_…9e24]");
  assert.match(fourth.err.message, /bad key sk_…9e24/);
  assert.deepEqual(fifth.nested.deep, ["sk_…9e24"]);
});

test("a line without secrets is written unchanged; flushSync is passed on", () => {
  let flushed = 0;
  const sink = { ...capture(), flushSync: () => { flushed++; } };
  sink.lines = [];
  sink.write = (line) => { sink.lines.push(line); return true; };
  const dest = redactingDestination(sink);
  const log = pino({ base: null, timestamp: false }, dest);
  log.info({ user: "ada", n: 1 }, "héllo ✓");
  assert.equal(sink.lines[0], '{"level":30,"user":"ada","n":1,"msg":"héllo ✓"}\n');
  dest.flushSync();
  assert.equal(flushed, 1);
  assert.throws(() => redactingDestination({}), TypeError);
});
