import { problemSchema } from '@kumo/contract';
import { ApiBadResponseError, ApiProblemError, ApiUnreachableError } from './errors.js';

/** Turns a fetch failure into "cannot reach …: ECONNREFUSED" (undici hides the reason in `cause`). */
export function unreachable(url: URL, error: unknown): ApiUnreachableError {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const reason =
    typeof cause?.code === 'string'
      ? cause.code
      : error instanceof Error && error.name === 'TimeoutError'
        ? 'timed out'
        : typeof cause?.message === 'string'
          ? cause.message
          : error instanceof Error
            ? error.message
            : String(error);
  return new ApiUnreachableError(`cannot reach the kumo API at ${url.origin}: ${reason}`, { cause: error });
}

/** A non-2xx answer: an ApiProblemError when it is problem details, else ApiBadResponseError. */
export function problemFrom(response: Response, text: string, what: string): ApiProblemError | ApiBadResponseError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const problem = problemSchema.safeParse(json);
  if (problem.success) {
    const { code, detail, errors } = problem.data;
    return new ApiProblemError(code, response.status, detail, errors ?? []);
  }
  return new ApiBadResponseError(
    response.status,
    `${what} answered ${response.status} ${response.statusText} without problem details`,
  );
}
