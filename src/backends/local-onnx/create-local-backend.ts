import { findDefaultModelDir } from '../../models/find-default-model.js';
import { LocalBackend, type LocalBackendOptions } from './local-backend.js';

export { findDefaultModelDir };

/**
 * What `switchyard serve` calls: returns at once, the model loads in the background (health() says
 * loading → ready | failed). Without `modelDir`, the first model folder under the package's models/.
 */
export function createLocalBackend(options: Partial<LocalBackendOptions> = {}): LocalBackend {
  // '' = nothing found; the backend then reports state 'failed' with a hint instead of throwing here.
  const modelDir = options.modelDir ?? findDefaultModelDir() ?? '';
  return new LocalBackend({ ...options, modelDir });
}
