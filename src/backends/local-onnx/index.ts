export { LocalBackend, type LocalBackendOptions, type Measurement } from './local-backend.js';
export { createLocalBackend, findDefaultModelDir } from './create-local-backend.js';
