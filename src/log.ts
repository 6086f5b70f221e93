// Structured JSON logs (pino). Secret-bearing paths are redacted as a second line of defence; the first is
// that no code puts values into log fields in the first place.
import { pino, type Logger, type DestinationStream } from "pino";

export const REDACT_PATHS = [
  "data",
  "stringData",
  "*.data",
  "*.stringData",
  "value",
  "*.value",
  "token",
  "*.token",
  "password",
  "*.password",
  "secretAccessKey",
  "*.secretAccessKey",
  "headers.authorization",
  "*.headers.authorization",
];

export function makeLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? "info",
      base: { app: "secrets-bridge" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination,
  );
}
