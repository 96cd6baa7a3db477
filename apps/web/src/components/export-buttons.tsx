import { useState } from 'preact/hooks';
import type { ApiClient, ExportFormat } from '../api/client.js';
import type { ApiFailure } from '../api/problem.js';
import { saveBlob } from '../download.js';
import { ProblemMessage } from './problem-message.js';

/**
 * Export buttons: `GET /v1/crawls/:id/export?format=…` fetched with the Bearer header (a plain link could not send
 * it) and saved from a Blob.
 */
export function ExportButtons({ client, id }: { client: ApiClient; id: string }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [problem, setProblem] = useState<ApiFailure | null>(null);

  const download = async (format: ExportFormat) => {
    setBusy(format);
    setProblem(null);
    const result = await client.exportCrawl(id, format);
    setBusy(null);
    if (result.ok) saveBlob(result.data.blob, result.data.fileName);
    else setProblem(result.problem);
  };

  return (
    <div class="export">
      <div class="actions" role="group" aria-label="Export the pages">
        <button type="button" onClick={() => download('csv')} disabled={busy !== null}>
          {busy === 'csv' ? 'Exporting…' : 'Export CSV'}
        </button>
        <button type="button" onClick={() => download('ndjson')} disabled={busy !== null}>
          {busy === 'ndjson' ? 'Exporting…' : 'Export NDJSON'}
        </button>
      </div>
      {problem && <ProblemMessage problem={problem} what="Export failed" />}
    </div>
  );
}
