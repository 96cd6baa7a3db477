import { type ErrorCodeOf, errorCodesOf, errorKind, KumoError } from '@kumo/errors';

/**
 * Exit codes of the `kumo` binary. Scripts branch on them:
 * 1 — the request was refused (a 4xx problem, a bad argument, a crawl that ended failed or cancelled);
 * 2 — the API could not answer (5xx, unreachable, a dropped event stream that never came back).
 */
export const EXIT_CODES = { ok: 0, refused: 1, unavailable: 2 } as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Every code this app produces (an `ApiProblemError` carries the API's own code). Callers branch on these. */
export const CliErrorCode = errorCodesOf('apps/cli');
export type CliErrorCode = ErrorCodeOf<'apps/cli'>;

/** Every error the CLI reports carries the exit code it ends the process with. */
export abstract class CliError extends KumoError {
  abstract readonly exitCode: ExitCode;
}

/** The base of a CLI error with one code and exit code, its kind from the catalog (the CLI's `defineError`). */
function cliError<const C extends CliErrorCode>(code: C, exitCode: ExitCode) {
  return class CodedCliError extends CliError {
    declare readonly code: C;
    readonly exitCode: ExitCode = exitCode;
    constructor(message: string, options: { cause?: unknown } = {}) {
      super(code, message, { ...options, kind: errorKind(code) });
    }
  };
}

/** One item of a problem's `errors` member: which field, and what is wrong with it. */
export interface ProblemFieldError {
  path: string;
  message: string;
}

/**
 * The API answered with an RFC 9457 problem. `code` is the API's own code (e.g. `KUMO_API_VALIDATION`), so
 * scripts see the same code the server logged; 4xx exits 1, 5xx exits 2.
 */
export class ApiProblemError extends CliError {
  readonly status: number;
  readonly detail: string;
  readonly fieldErrors: readonly ProblemFieldError[];
  readonly exitCode: ExitCode;

  constructor(code: string, status: number, detail: string, fieldErrors: readonly ProblemFieldError[] = []) {
    super(code, detail, { kind: status >= 500 ? 'transient' : 'permanent' });
    this.status = status;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
    this.exitCode = status >= 500 ? EXIT_CODES.unavailable : EXIT_CODES.refused;
  }
}

/** The API could not be reached at all (connection refused, DNS, reset before an answer). */
export class ApiUnreachableError extends cliError(CliErrorCode.API_UNREACHABLE, EXIT_CODES.unavailable) {}

/** The API answered something that is neither the documented shape nor a problem (e.g. a proxy's HTML page). */
export class ApiBadResponseError extends CliError {
  readonly status: number;
  readonly exitCode: ExitCode;
  constructor(status: number, message: string, options: { cause?: unknown } = {}) {
    super(CliErrorCode.BAD_RESPONSE, message, { ...options, kind: status >= 500 ? 'transient' : 'permanent' });
    this.status = status;
    this.exitCode = status >= 400 && status < 500 ? EXIT_CODES.refused : EXIT_CODES.unavailable;
  }
}

/** `kumo export`: the connection broke before the file was complete; stdout holds a partial file. */
export class ExportCutError extends cliError(CliErrorCode.EXPORT_CUT, EXIT_CODES.unavailable) {}

/** The event stream dropped and did not come back within the reconnection budget. */
export class EventStreamLostError extends cliError(CliErrorCode.STREAM_LOST, EXIT_CODES.unavailable) {}

/** A command-line argument or CLI environment variable is invalid. */
export class CliUsageError extends cliError(CliErrorCode.USAGE, EXIT_CODES.refused) {}

/** The crawl ended, but not `completed` (failed or cancelled): there is no report to show. */
export class CrawlNotCompletedError extends cliError(CliErrorCode.CRAWL_NOT_COMPLETED, EXIT_CODES.refused) {
  readonly status: string;
  constructor(id: string, status: string) {
    super(`crawl ${id} ended ${status}`);
    this.status = status;
  }
}

/** `kumo keys audit` found kumo keys without a TTL or with an unknown purpose (exit 1, for CI). */
export class KeysAuditFailedError extends cliError(CliErrorCode.KEYS_AUDIT_FAILED, EXIT_CODES.refused) {}

/** `kumo keys audit` could not reach Redis. */
export class RedisUnreachableError extends cliError(CliErrorCode.REDIS_UNREACHABLE, EXIT_CODES.unavailable) {}

/** A command that calls the API was run without a key (no `--api-key`, no `KUMO_API_KEY`): nothing is sent. */
export class MissingApiKeyError extends cliError(CliErrorCode.MISSING_API_KEY, EXIT_CODES.refused) {
  constructor() {
    super(
      'no API key: pass --api-key <key> or set KUMO_API_KEY (a local `npm start` prints its key, and keeps it for the next start)',
    );
  }
}
