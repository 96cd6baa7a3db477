import { render } from 'preact';
import { z } from 'zod';
import { App } from './app.js';
import './styles.css';

// zod compiles validators with `new Function` unless told not to; the page's CSP (script-src 'self') forbids it.
z.config({ jitless: true });

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
