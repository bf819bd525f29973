/**
 * Redaction for pino: a destination that redacts every line before it is written.
 */

import { describe } from "./convert";
import { redact } from "./rules";

/** Anything pino can write to: a stream, `pino.destination()`, `process.stdout`. */
export interface Destination {
  write(line: string): unknown;
  flushSync?: () => void;
  flush?: (cb?: (err?: Error | null) => void) => void;
  end?: () => void;
}

/**
 * Wraps a pino destination so that every line pino writes passes through
 * {@link redact} first: a secret key anywhere in a line (the message, an object logged
 * with it, the bindings of a child logger, an error's stack, the output of serializers)
 * becomes `sk_…9e24`, and a `Basic` credential that carries one `[REDACTED sk_…9e24]`.
 * The JSON stays valid: nothing redaction writes needs escaping. Lines pino sends to a
 * transport (a worker thread) do not pass through it: give the transport's own
 * destination to this function instead.
 *
 * @example
 * ```ts
 * import pino from "pino";
 * const log = pino({}, redactingDestination(pino.destination(1)));
 * log.info({ authorization: req.headers.authorization }, "request");
 * // {"level":30,...,"authorization":"Basic [REDACTED sk_…9e24]","msg":"request"}
 * ```
 */
export function redactingDestination(destination: Destination = process.stdout): Destination {
  if (typeof destination?.write !== "function") {
    throw new TypeError(`destination must have a write method, not ${describe(destination)}`);
  }
  const wrapped: Destination = {
    write: (line: string) => destination.write(redact(String(line))),
  };
  if (typeof destination.flushSync === "function") wrapped.flushSync = () => destination.flushSync!();
  if (typeof destination.flush === "function") wrapped.flush = (cb) => destination.flush!(cb);
  if (typeof destination.end === "function") wrapped.end = () => destination.end!();
  return wrapped;
}
