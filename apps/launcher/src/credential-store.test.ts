import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsFile, loadCredentials, saveCredentials } from './credential-store.js';
import { resolveCredentials } from './credentials.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-credentials-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the local credentials file (#20)', () => {
  it('keeps what a start generated, mode 0600, and hands it to the next start', () => {
    expect(loadCredentials(dir)).toEqual({ stored: undefined, widened: false });
    const first = resolveCredentials({});
    expect(saveCredentials(dir, first)).toBe(true);
    expect(statSync(credentialsFile(dir)).mode & 0o777).toBe(0o600);
    const { stored } = loadCredentials(dir);
    const second = resolveCredentials({}, stored);
    expect(second.apiKeys).toEqual(first.apiKeys);
    expect(second.boardPassword).toBe(first.boardPassword);
    expect(saveCredentials(dir, second, stored)).toBe(false);
  });

  it('a start with configured keys keeps the stored key for the next local start', () => {
    const local = resolveCredentials({});
    saveCredentials(dir, local);
    const configured = resolveCredentials({ apiKeys: ['k'] }, { apiKey: local.apiKeys[0]! });
    saveCredentials(dir, configured, loadCredentials(dir).stored);
    expect(loadCredentials(dir).stored?.apiKey).toBe(local.apiKeys[0]);
  });

  it('narrows a file others may read to 0600 and says so', () => {
    saveCredentials(dir, resolveCredentials({}));
    chmodSync(credentialsFile(dir), 0o644);
    expect(loadCredentials(dir).widened).toBe(true);
    expect(statSync(credentialsFile(dir)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"apiKey":', /not valid JSON/],
    ['not an object', '["k"]', /not a JSON object/],
    ['a field of the wrong type', '{"apiKey":42}', /apiKey is not a string/],
    ['half a board login', '{"boardUser":"admin"}', /go together/],
  ])('%s is KUMO_LAUNCHER_CREDENTIALS_UNREADABLE naming the file, and is left as it is', (_label, text, reason) => {
    writeFileSync(credentialsFile(dir), text, { mode: 0o600 });
    let error: unknown;
    try {
      loadCredentials(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'KUMO_LAUNCHER_CREDENTIALS_UNREADABLE' });
    expect((error as Error).message).toContain(credentialsFile(dir));
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain('delete it');
    expect(readFileSync(credentialsFile(dir), 'utf8')).toBe(text);
  });
});
