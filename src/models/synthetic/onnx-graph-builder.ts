import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export { onnx };

type AttributeValue = number | number[] | string;
const ELEM = { float: 1, uint8: 2, int32: 6, int64: 7, bool: 9 } as const;
export type ElemType = keyof typeof ELEM;

/** Minimal ONNX graph writer: named nodes, raw-data initializers, typed inputs/outputs with symbolic dims. */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  /**
   * Adds a node; returns its (first) output name. `output` names it explicitly (graph outputs); `names` names
   * every output of a node with several.
   */
  op(opType: string, inputs: string[], attrs: Record<string, AttributeValue> = {}, options: { output?: string; domain?: string; outputs?: number; names?: string[] } = {}): string {
    const base = options.names?.[0] ?? options.output ?? `${opType}_${this.counter++}`;
    const outputs = options.names ?? Array.from({ length: options.outputs ?? 1 }, (_, i) => (i === 0 ? base : `${base}_${i}`));
    this.nodes.push({
      opType,
      domain: options.domain ?? '',
      name: `n_${base}`,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attrs).map(([name, value]) => attribute(name, value)),
    });
    return base;
  }

  /** op() for nodes with several outputs (Split). */
  opMulti(opType: string, inputs: string[], outputs: number, attrs: Record<string, AttributeValue> = {}): string[] {
    const base = this.op(opType, inputs, attrs, { outputs });
    return Array.from({ length: outputs }, (_, i) => (i === 0 ? base : `${base}_${i}`));
  }

  tensor(name: string, type: ElemType, dims: number[], data: Float32Array | Uint8Array | BigInt64Array): string {
    this.initializers.push({
      name,
      dataType: ELEM[type],
      dims,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** An int64 constant; the same name twice means the same constant (shape tables are shared by layers). */
  ints(name: string, values: number[]): string {
    if (this.initializers.some((t) => t.name === name)) return name;
    return this.tensor(name, 'int64', [values.length], BigInt64Array.from(values, BigInt));
  }

  scalarInt(name: string, value: number): string {
    return this.tensor(name, 'int64', [], BigInt64Array.of(BigInt(value)));
  }

  scalarFloat(name: string, value: number): string {
    return this.tensor(name, 'float', [], Float32Array.of(value));
  }

  input(name: string, type: ElemType, dims: Array<number | string>): void {
    this.inputs.push(valueInfo(name, type, dims));
  }

  output(name: string, type: ElemType, dims: Array<number | string>): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  encode(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'switchyard-make-tiny-model',
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
      graph: { name: 'llama', node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (Number.isInteger(value) && !Object.is(value, -0)) return { name, type: T.INT, i: value };
  return { name, type: T.FLOAT, f: value };
}

function valueInfo(name: string, type: ElemType, dims: Array<number | string>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
