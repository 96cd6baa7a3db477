import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';

type View = FunctionComponent<{ client: ApiClient }>;
let loaded: View | undefined;

/**
 * The start-a-crawl form, loaded when first shown: it carries zod and the contract's schemas (most of the page's
 * bytes), which the crawl list, live view and report never need.
 */
export function LazyNewCrawlView({ client }: { client: ApiClient }) {
  const [View, setView] = useState<View | undefined>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (View) return;
    import('./new-crawl-view.js').then(
      (module) => {
        loaded = module.NewCrawlView;
        setView(() => loaded);
      },
      () => setFailed(true),
    );
  }, [View]);
  if (View) return <View client={client} />;
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title" tabIndex={-1}>
        Start a crawl
      </h1>
      <p role="status">{failed ? 'The form could not be loaded: reload the page.' : 'Loading the form…'}</p>
    </section>
  );
}
