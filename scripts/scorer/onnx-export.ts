import onnxProto from 'onnx-proto';
import type { LogisticModel } from './logistic.js';

const { onnx } = onnxProto;

/**
 * The scorer as an ONNX graph: score = Sigmoid(Gemm(features, W, b)), input `features` [N, F] float32,
 * output `score` [N, 1]. Standardisation is folded into W and b (W_j = w_j / scale_j,
 * b = bias − Σ w_j·mean_j / scale_j), so the graph is two standard ops.
 */
export function exportLogisticOnnx(lr: LogisticModel, featureNames: readonly string[]): Uint8Array {
  const f = featureNames.length;
  const w = lr.weights.map((wj, j) => wj / (lr.scale[j] ?? 1));
  const b = lr.weights.reduce((acc, wj, j) => acc - (wj * (lr.mean[j] ?? 0)) / (lr.scale[j] ?? 1), lr.bias);
  const tensor = (name: string, dims: number[], values: number[]) =>
    onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values });
  const valueInfo = (name: string, dims: Array<number | string>) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) =>
              typeof d === 'number' ? onnx.TensorShapeProto.Dimension.create({ dimValue: d }) : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
            ),
          }),
        }),
      }),
    });
  const graph = onnx.GraphProto.create({
    name: 'switchyard_complexity_scorer',
    docString: `logistic regression over features: ${featureNames.join(', ')}`,
    input: [valueInfo('features', ['batch', f])],
    output: [valueInfo('score', ['batch', 1])],
    initializer: [tensor('W', [f, 1], w), tensor('b', [1], [b])],
    node: [
      onnx.NodeProto.create({ opType: 'Gemm', input: ['features', 'W', 'b'], output: ['logit'], name: 'linear' }),
      onnx.NodeProto.create({ opType: 'Sigmoid', input: ['logit'], output: ['score'], name: 'sigmoid' }),
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'switchyard scripts/train-scorer.ts',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
