/** The hub could not be reached at all (DNS, refused, no route): no HTTP answer came back. */
export class HubUnreachableError extends Error {
  override readonly name = 'HubUnreachableError';

  constructor(
    readonly endpoint: string,
    /** The network error's code, e.g. ENOTFOUND, ECONNREFUSED. */
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(
      `cannot reach the model hub at ${endpoint} (${code}). Set HF_ENDPOINT to a mirror you can reach, or install ` +
        'from a local folder: copy a model folder (config.json, tokenizer.json, tokenizer_config.json, ' +
        'onnx/model_q4.onnx) into models/<name>/ and run `switchyard serve --local-model models/<name>`',
      options,
    );
  }
}
