import type { ApiFailure } from '../api/problem.js';

/** A failed call, announced to screen readers: title, detail and kumo's error code. */
export function ProblemMessage({ problem, what }: { problem: ApiFailure; what?: string }) {
  return (
    <div class="problem" role="alert">
      <p>
        <strong>
          {what ? `${what}: ` : ''}
          {problem.title}
        </strong>
        {problem.status > 0 && <span class="muted"> (HTTP {problem.status})</span>}
      </p>
      {problem.detail && <p>{problem.detail}</p>}
      <p class="muted">
        Error code <code>{problem.code}</code>
      </p>
    </div>
  );
}
