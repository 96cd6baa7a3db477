import type { Schedule } from '@kumo/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import type { ApiFailure } from '../api/problem.js';
import { ProblemMessage } from './problem-message.js';

/**
 * Delete a schedule (`DELETE /v1/schedules/:id`), after a confirmation in the page rather than `window.confirm`:
 * it names what goes and what stays, takes the keyboard (focus on "Keep it", Escape keeps) and is read by screen
 * readers as a labelled group.
 */
export function DeleteSchedule({
  client,
  schedule,
  onDeleted,
  name,
}: {
  client: ApiClient;
  schedule: Schedule;
  onDeleted: (schedule: Schedule) => void;
  /** What screen readers hear after "Delete schedule" when several are on the page (`of https://…`). */
  name?: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiFailure | null>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  const questionId = `delete-question-${schedule.id}`;

  // Focus follows the question: to "Keep it" when it opens (the safe choice), back to "Delete" when it closes.
  useEffect(() => {
    if (confirming) keepRef.current?.focus();
    else if (asked.current) deleteRef.current?.focus();
  }, [confirming]);

  const ask = () => {
    asked.current = true;
    setProblem(null);
    setConfirming(true);
  };

  const remove = async () => {
    setBusy(true);
    const result = await client.deleteSchedule(schedule.id);
    setBusy(false);
    // 404: it is gone already (deleted in another tab or with the CLI), which is what was asked for.
    if (result.ok || result.problem.status === 404) onDeleted(schedule);
    else {
      setProblem(result.problem);
      setConfirming(false);
    }
  };

  return (
    <div class="delete-schedule">
      {confirming ? (
        <div
          class="confirm"
          role="group"
          aria-labelledby={questionId}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setConfirming(false);
          }}
        >
          <p id={questionId}>
            <strong>Delete this schedule?</strong> No further runs will start; the crawls of its past runs stay.
          </p>
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={remove}>
              {busy ? 'Deleting…' : 'Yes, delete it'}
            </button>
            <button type="button" class="secondary" ref={keepRef} disabled={busy} onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="danger" ref={deleteRef} onClick={ask}>
          Delete schedule{name && <span class="sr-only"> {name}</span>}
        </button>
      )}
      {problem && <ProblemMessage problem={problem} what="The schedule was not deleted" />}
    </div>
  );
}
