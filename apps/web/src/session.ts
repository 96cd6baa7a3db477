/**
 * The API key lives in the tab's session storage only: gone when the tab closes, never in a URL, a cookie or
 * local storage, and sent by the page itself as a Bearer header.
 */
const STORAGE_KEY = 'kumo.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the key lives only as long as the page
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // storage disabled: nothing to keep
  }
}
