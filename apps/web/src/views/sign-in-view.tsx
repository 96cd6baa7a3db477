import { useState } from 'preact/hooks';
import { ApiClient } from '../api/client.js';
import type { ApiFailure } from '../api/problem.js';
import { ProblemMessage } from '../components/problem-message.js';

/**
 * Sign in with an API key. The key is checked with one authenticated call (a wrong key is a 401) and then kept in
 * the tab's session storage: it never appears in a URL.
 */
export function SignInView({ onSignIn }: { onSignIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setProblem({ status: 0, title: 'Enter your API key', detail: '', code: 'EMPTY_KEY' });
      return;
    }
    setBusy(true);
    const result = await new ApiClient(trimmed).listCrawls({ limit: 1 });
    setBusy(false);
    // Only a 401 says the key is wrong; any other answer came past the key check.
    if (!result.ok && (result.problem.status === 401 || result.problem.status === 0)) {
      setProblem(result.problem);
      return;
    }
    onSignIn(trimmed);
  };

  return (
    <section class="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title" tabIndex={-1}>
        Sign in
      </h1>
      <p>
        Enter an API key of this kumo deployment. <code>npm start</code> prints one in local mode. The key stays in this
        browser tab only.
      </p>
      <form onSubmit={submit} noValidate>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? 'sign-in-problem' : undefined}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {problem && (
        <div id="sign-in-problem">
          <ProblemMessage problem={problem} what="Sign-in failed" />
        </div>
      )}
    </section>
  );
}
