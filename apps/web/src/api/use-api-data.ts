import { useEffect, useState, type Inputs } from 'preact/hooks';
import type { ApiFailure, ApiResult } from './problem.js';

/**
 * What one API read gives a view: its data once loaded, or the problem it failed with. The read runs again when
 * `inputs` change (as `useEffect`'s); an answer that arrives after the view moved on or left is dropped.
 * `keepWhileLoading` shows the previous data until the new answer comes (a list reloaded after a delete), instead
 * of going back to loading.
 */
export function useApiData<T>(
  read: () => Promise<ApiResult<T>>,
  inputs: Inputs,
  { keepWhileLoading = false }: { keepWhileLoading?: boolean } = {},
): { data: T | null; problem: ApiFailure | null } {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<ApiFailure | null>(null);
  useEffect(() => {
    let live = true;
    if (!keepWhileLoading) setData(null);
    void read().then((result) => {
      if (!live) return;
      if (result.ok) {
        setData(result.data);
        setProblem(null);
      } else setProblem(result.problem);
    });
    return () => {
      live = false;
    };
  }, inputs);
  return { data, problem };
}
