#!/usr/bin/env node
// The `kumo` binary. A committed shim, so npm links it at install time, before `dist/` is built.
import '../dist/main.js';
