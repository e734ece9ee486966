using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Paperboy.Search;

namespace Paperboy.Tests.Search;

/// <summary>
/// The int8 rewrite on small graphs built here, run by ONNX Runtime: the shapes the real model does not
/// have (no bias, a shared weight, a weight listed as a graph input, a product of two activations).
/// </summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class ModelQuantizerTests
{
    const int Rows = 5, Inner = 16, Columns = 8;

    [Fact]
    public void ADenseLayerWithItsBiasBecomesOneIntegerProductThatComputesTheSame()
    {
        var model = Model(graph =>
        {
            graph.Initializer.Add(Floats("w", Weights(Inner, Columns, seed: 1), Inner, Columns));
            graph.Initializer.Add(Floats("b", Weights(1, Columns, seed: 2), Columns));
            graph.Node.Add(Node("MatMul", ["x", "w"], ["xw"]));
            graph.Node.Add(Node("Add", ["xw", "b"], ["y"]));
        });
        var quantized = ModelQuantizer.Quantize(model);

        var graph = ModelProto.Parser.ParseFrom(quantized).Graph;
        var product = Assert.Single(graph.Node);
        Assert.Equal(("DynamicQuantizeMatMul", "com.microsoft"), (product.OpType, product.Domain));
        Assert.Equal(["x", "w_int8", "w_scale", "w_zero", "b"], product.Input);
        Assert.Equal(["y"], product.Output);
        Assert.DoesNotContain(graph.Initializer, t => t.Name == "w");
        AssertClose(Run(model), Run(quantized));
    }

    [Fact]
    public void AWeightReadTwiceIsQuantisedOnceAndAProductOfTwoActivationsStaysFloat()
    {
        var model = Model(graph =>
        {
            // An older exporter's habit: the weight listed among the graph's inputs too.
            graph.Input.Add(ValueInfo("w", Inner, Columns));
            graph.Initializer.Add(Floats("w", Weights(Inner, Columns, seed: 3), Inner, Columns));
            graph.Node.Add(Node("MatMul", ["x", "w"], ["a"]));
            graph.Node.Add(Node("MatMul", ["x", "w"], ["c"]));
            graph.Node.Add(Node("Transpose", ["c"], ["ct"]));
            graph.Node.Add(Node("MatMul", ["a", "ct"], ["aa"])); // rows × rows, like attention's scores
            graph.Node.Add(Node("MatMul", ["aa", "a"], ["y"]));
        });
        var quantized = ModelQuantizer.Quantize(model);

        var graph = ModelProto.Parser.ParseFrom(quantized).Graph;
        Assert.Equal(2, ModelQuantizer.CountQuantized(quantized));
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "MatMul"));
        Assert.Single(graph.Initializer, t => t.Name == "w_int8");
        Assert.DoesNotContain(graph.Initializer, t => t.Name == "w");
        Assert.DoesNotContain(graph.Input, i => i.Name == "w");
        AssertClose(Run(model), Run(quantized), tolerance: 0.05);
    }

    [Fact]
    public void AModelWithoutADenseLayerIsRefused()
    {
        var model = Model(graph => graph.Node.Add(Node("Relu", ["x"], ["y"])));
        Assert.Throws<InvalidOperationException>(() => ModelQuantizer.Quantize(model));
    }

    static byte[] Model(Action<GraphProto> build)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Input.Add(ValueInfo("x", Rows, Inner));
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        build(graph);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }

    static ValueInfoProto ValueInfo(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(values); // float_data, not raw bytes: the quantiser must read both
        return tensor;
    }

    static float[] Weights(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    static float[] Run(byte[] model)
    {
        using var session = new InferenceSession(model);
        var x = new DenseTensor<float>(Weights(Rows, Inner, seed: 9), [Rows, Inner]);
        using var outputs = session.Run([NamedOnnxValue.CreateFromTensor("x", x)]);
        return outputs[0].AsEnumerable<float>().ToArray();
    }

    /// <summary>Within <paramref name="tolerance"/> of the largest magnitude: int8 is close, not equal.</summary>
    static void AssertClose(float[] expected, float[] actual, double tolerance = 0.02)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Max(Math.Abs);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance * scale, $"largest difference {worst} against values up to {scale}");
        Assert.NotEqual(expected, actual); // the integer path really ran
    }
}
