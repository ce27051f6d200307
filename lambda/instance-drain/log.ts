/** Severity of a decision: `warn` and `error` are the lines worth an alarm or a metric filter. */
export type LogLevel = "info" | "warn" | "error";

/**
 * One decision of the drain, written as one JSON line so CloudWatch Logs Insights can filter on
 * `action`, `instanceId`, `cluster` and `tasksLeft` without parsing prose.
 */
export interface LogEntry {
  readonly level: LogLevel;
  /** What the handler did, e.g. `complete`, `hand-off`, `ignore`, `reject`. */
  readonly action: string;
  /** The same decision for a human reading the log stream. */
  readonly message: string;
  readonly [field: string]: unknown;
}

/** Where decisions go. Injected so tests can assert on entries instead of console output. */
export type Logger = (entry: LogEntry) => void;

/** Writes each entry as one JSON line; the level picks the stream so Lambda tags it too. */
export const jsonLogger: Logger = (entry) => {
  const line = JSON.stringify(entry);
  if (entry.level === "error") console.error(line);
  else if (entry.level === "warn") console.warn(line);
  else console.log(line);
};
