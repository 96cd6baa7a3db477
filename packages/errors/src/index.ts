export { KumoError, isKumoError, type ErrorKind, type KumoErrorOptions } from './kumo-error.js';
export { defineError, type DefinedErrorClass, type DefinedErrorOptions, type TestErrorCode } from './define-error.js';
export { defineErrors, type DefinedErrorClasses, type ErrorTable } from './define-errors.js';
export { ERROR_CATALOG, type CatalogEntry } from './error-catalog.js';
export {
  errorCatalogRows,
  errorCodesOf,
  errorKind,
  type ErrorCatalogRow,
  type ErrorCode,
  type ErrorCodeConstants,
  type ErrorCodeOf,
  type ErrorWorkspace,
} from './error-codes.js';
export { renderErrorTable } from './error-table.js';
