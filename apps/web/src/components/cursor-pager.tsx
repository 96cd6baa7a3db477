/**
 * Previous / Next through a cursor-paged API list (`nextCursor`, CONTRACT.md "Listing and owning crawls"). The
 * cursors of the pages before this one are the caller's stack (`[null, c1, c2]` is page 3): "Previous" goes back
 * without the server's help.
 */
export function CursorPager({
  label,
  cursors,
  nextCursor,
  onChange,
}: {
  label: string;
  cursors: readonly (string | null)[];
  nextCursor: string | null | undefined;
  onChange: (cursors: (string | null)[]) => void;
}) {
  if (cursors.length <= 1 && !nextCursor) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={cursors.length <= 1} onClick={() => onChange(cursors.slice(0, -1))}>
        Previous
      </button>
      <span>Page {cursors.length}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && onChange([...cursors, nextCursor])}>
        Next
      </button>
    </nav>
  );
}
