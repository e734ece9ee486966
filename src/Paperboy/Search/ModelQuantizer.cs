using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Paperboy.Search;

/// <summary>
/// Dynamic int8 quantisation of an ONNX model's dense layers, done in memory when the model is loaded
/// (ONNX Runtime's own quantiser is Python-only). Every <c>MatMul</c> whose second input is a constant
/// 2-D float weight becomes ONNX Runtime's <c>DynamicQuantizeMatMul</c>: the weight is stored as int8
/// with one scale per output column (symmetric, zero point 0), and the activations are quantised to
/// uint8 per call. The model embeds about twice as fast as in float on this project's machine (int8
/// dot-product instructions, VNNI); docs/SEARCH.md has the speed and the quality measured.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>
    /// Weights use 7 bits (−63..63): x86 CPUs without VNNI multiply uint8 by int8 in pairs summed into
    /// 16 bits, which saturates with full-range weights; with 7 bits no sum can overflow, so every
    /// machine computes the same integers and stores the same vectors.
    /// </summary>
    public const int WeightLevels = 63;

    public static byte[] Quantize(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var weights = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var quantized = new Dictionary<string, (string Weight, string Scale, string Zero)>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || !string.IsNullOrEmpty(node.Domain) || node.Input.Count != 2) continue;
            if (!weights.TryGetValue(node.Input[1], out var weight) || weight.Dims.Count != 2 || weight.DataType != (int)TensorProto.Types.DataType.Float) continue;
            if (!quantized.TryGetValue(weight.Name, out var names))
            {
                names = Add(graph, weight);
                quantized[weight.Name] = names;
            }
            var replacement = new NodeProto { Name = node.Name + "_int8", OpType = "DynamicQuantizeMatMul", Domain = "com.microsoft" };
            replacement.Input.Add(node.Input[0]);
            replacement.Input.Add(names.Weight);
            replacement.Input.Add(names.Scale);
            replacement.Input.Add(names.Zero);
            // The layer's bias, added by the one node that reads the product, is added inside the product instead
            // (float Adds over every activation were 13 % of the int8 model's time, most of them these).
            if (BiasAdd(graph, weights, node.Output[0], weight.Dims[1]) is var (add, bias))
            {
                replacement.Input.Add(bias);
                replacement.Output.Add(add.Output);
                graph.Node.Remove(add);
            }
            else replacement.Output.Add(node.Output);
            graph.Node[graph.Node.IndexOf(node)] = replacement;
        }
        // A float weight nothing else reads is dropped, as a graph input too (older exports list initializers there).
        foreach (var name in quantized.Keys.Where(n => !graph.Node.Any(node => node.Input.Contains(n))))
        {
            graph.Initializer.Remove(weights[name]);
            if (graph.Input.FirstOrDefault(input => input.Name == name) is { } listed) graph.Input.Remove(listed);
        }
        if (quantized.Count == 0) throw new InvalidOperationException("the model has no dense layer to quantise");
        if (!model.OpsetImport.Any(o => o.Domain == "com.microsoft")) model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model.ToByteArray();
    }

    /// <summary>The <c>Add</c> of a constant vector of <paramref name="columns"/> floats that alone reads <paramref name="product"/>.</summary>
    static (NodeProto Add, string Bias)? BiasAdd(GraphProto graph, Dictionary<string, TensorProto> weights, string product, long columns)
    {
        var readers = graph.Node.Where(n => n.Input.Contains(product)).ToList();
        if (graph.Output.Any(o => o.Name == product) || readers is not [{ OpType: "Add", Domain: "" } add] || add.Input.Count != 2) return null;
        var other = add.Input[0] == product ? add.Input[1] : add.Input[0];
        return weights.TryGetValue(other, out var bias) && bias.DataType == (int)TensorProto.Types.DataType.Float
            && bias.Dims.Count == 1 && bias.Dims[0] == columns ? (add, other) : null;
    }

    /// <summary>The number of dense layers <see cref="Quantize"/> turned into integer ones (for tests and logs).</summary>
    public static int CountQuantized(byte[] onnx) =>
        ModelProto.Parser.ParseFrom(onnx).Graph.Node.Count(n => n.OpType == "DynamicQuantizeMatMul");

    static (string Weight, string Scale, string Zero) Add(GraphProto graph, TensorProto weight)
    {
        int rows = (int)weight.Dims[0], columns = (int)weight.Dims[1];
        var values = weight.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(weight.RawData.Span).ToArray() : weight.FloatData.ToArray();
        if (values.Length != rows * columns) throw new InvalidOperationException($"weight {weight.Name} holds {values.Length} values for {rows}×{columns}");
        var scales = new float[columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++) scales[c] = Math.Max(scales[c], Math.Abs(values[r * columns + c]));
        for (var c = 0; c < columns; c++) scales[c] = scales[c] > 0 ? scales[c] / WeightLevels : 1f;
        var codes = new byte[rows * columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                codes[r * columns + c] = unchecked((byte)(sbyte)Math.Clamp((int)MathF.Round(values[r * columns + c] / scales[c]), -WeightLevels, WeightLevels));

        var names = (Weight: weight.Name + "_int8", Scale: weight.Name + "_scale", Zero: weight.Name + "_zero");
        graph.Initializer.Add(Tensor(names.Weight, TensorProto.Types.DataType.Int8, codes, rows, columns));
        graph.Initializer.Add(Tensor(names.Scale, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()).ToArray(), columns));
        graph.Initializer.Add(Tensor(names.Zero, TensorProto.Types.DataType.Int8, new byte[columns], columns));
        return names;
    }

    static TensorProto Tensor(string name, TensorProto.Types.DataType type, byte[] data, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}
