/** A crawl's or page's status as text with a colour (the text carries the meaning, the colour only helps). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}
