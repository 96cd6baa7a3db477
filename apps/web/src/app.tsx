import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient } from './api/client.js';
import { hrefOf, useRoute, type Route } from './route.js';
import { storedKey, storeKey } from './session.js';
import { CrawlListView } from './views/crawl-list-view.js';
import { CrawlLiveView } from './views/crawl-live-view.js';
import { LazyNewCrawlView } from './views/lazy-new-crawl-view.js';
import { ReportView } from './views/report-view.js';
import { ScheduleListView } from './views/schedule-list-view.js';
import { ScheduleView } from './views/schedule-view.js';
import { SignInView } from './views/sign-in-view.js';

/** The page: a banner with navigation, one view in `main`, chosen by the URL fragment. */
export function App() {
  const [key, setKey] = useState(storedKey);
  const route = useRoute();
  const client = useMemo(() => (key ? new ApiClient(key) : null), [key]);
  const mainRef = useRef<HTMLElement>(null);

  // A screen reader hears the new view: focus moves to `main`'s heading after a navigation (not on first load).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route, key]);

  const signIn = (newKey: string) => {
    storeKey(newKey);
    setKey(newKey);
  };
  const signOut = () => {
    storeKey(null);
    setKey(null);
  };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="banner">
        <a class="brand" href="#/">
          kumo <span lang="ja">雲</span>
        </a>
        {client && (
          <nav aria-label="Main">
            <ul>
              <li>
                <a href={hrefOf({ view: 'crawls' })} aria-current={route.view === 'crawls' ? 'page' : undefined}>
                  Crawls
                </a>
              </li>
              <li>
                <a href={hrefOf({ view: 'schedules' })} aria-current={route.view === 'schedules' ? 'page' : undefined}>
                  Schedules
                </a>
              </li>
              <li>
                <a href={hrefOf({ view: 'new' })} aria-current={route.view === 'new' ? 'page' : undefined}>
                  New crawl
                </a>
              </li>
              <li>
                <button type="button" class="link-button" onClick={signOut}>
                  Sign out
                </button>
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {client ? <View route={route} client={client} /> : <SignInView onSignIn={signIn} />}
      </main>
      <footer class="footer">
        <p>
          API reference: <a href="/docs">/docs</a> · <a href="/openapi.json">OpenAPI document</a>
        </p>
      </footer>
    </>
  );
}

function View({ route, client }: { route: Route; client: ApiClient }) {
  switch (route.view) {
    case 'crawls':
      return <CrawlListView client={client} />;
    case 'new':
      return <LazyNewCrawlView client={client} />;
    case 'crawl':
      return <CrawlLiveView key={route.id} client={client} id={route.id} />;
    case 'report':
      return <ReportView key={route.id} client={client} id={route.id} />;
    case 'schedules':
      return <ScheduleListView client={client} />;
    case 'schedule':
      return <ScheduleView key={route.id} client={client} id={route.id} />;
  }
}
