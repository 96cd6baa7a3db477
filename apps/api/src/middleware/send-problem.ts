import type { Response } from 'express';
import type { ProblemResponse } from '../problems.js';

/** Writes a problem response as `application/problem+json` (never HTML). */
export function sendProblem(res: Response, problem: ProblemResponse): void {
  if (res.headersSent) {
    // A streaming response (SSE) already started: all we can do is end it.
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(problem.status);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(problem.body));
}
