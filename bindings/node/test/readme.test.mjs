// bindings/node/README.md's tour, as written: the first ```js block, run as an ES module
// next to the package (so that "picket-node" resolves to this build).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("the README's tour runs and prints what its comments say", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const tour = readme.split("```js\n")[1].split("\n```")[0];
  const file = fileURLToPath(new URL("./.tour.mjs", import.meta.url));
  writeFileSync(file, tour);
  try {
    const out = execFileSync(process.execPath, [file], { encoding: "utf8" }).trim().split("\n");
    assert.equal(out[0], "sk_…" + out[0].slice(-4));
    assert.match(out[1], /^403 auth_wrong_kind \{"error":"auth_wrong_kind","code":502,"message":".+"\}$/);
  } finally {
    rmSync(file);
  }
});
