export { KumoError, isKumoError, type ErrorKind, type KumoErrorOptions } from './kumo-error.js';
