#!/usr/bin/env node
/**
 * `picket-vectors FILE...`: runs test-vector files through the Node binding (see
 * `vectors.ts`). Exit status 0 when every case passed, 1 otherwise, 2 without files.
 */

import { main } from "./vectors";

process.exitCode = main(process.argv.slice(2));
