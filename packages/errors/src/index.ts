export { KumoError, isKumoError, type ErrorKind, type KumoErrorOptions } from './kumo-error.js';
export { defineError, type DefinedErrorOptions } from './define-error.js';
