import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { describeBackendContract } from './helpers/backend-contract.js';

for (const dtype of ['fp32', 'q4']) {
  describeBackendContract(`local tiny-llama ${dtype}`, async () => {
    const backend = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama'), dtype });
    await backend.settled;
    return { backend, model: 'tiny-llama', cleanup: () => backend.close() };
  });
}
