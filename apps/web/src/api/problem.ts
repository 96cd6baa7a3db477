import type { Problem } from '@kumo/contract';

/** A failed API call as the page shows it: the server's problem document, or one built for a network failure. */
export type ApiFailure = Pick<Problem, 'status' | 'title' | 'detail' | 'code'> & { errors?: Problem['errors'] };

/** The outcome of one API call: the page branches on `ok`, never on exceptions. */
export type ApiResult<T> =
  { ok: true; status: number; data: T; response: Response } | { ok: false; problem: ApiFailure };

/** Reads an error answer as problem details (the API always sends them; anything else is summarised). */
export async function problemOf(response: Response): Promise<ApiFailure> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      return {
        status: body.status ?? response.status,
        title: body.title ?? response.statusText,
        detail: body.detail ?? '',
        code: body.code ?? `HTTP_${response.status}`,
        ...(body.errors ? { errors: body.errors } : {}),
      };
    } catch {
      // fall through: a body that is not JSON after all
    }
  }
  return {
    status: response.status,
    title: response.statusText || 'Request failed',
    detail: '',
    code: `HTTP_${response.status}`,
  };
}

/** A request that never got an answer (offline, server stopped). */
export function networkProblem(error: unknown): ApiFailure {
  return {
    status: 0,
    title: 'The API could not be reached',
    detail: error instanceof Error ? error.message : String(error),
    code: 'NETWORK',
  };
}
