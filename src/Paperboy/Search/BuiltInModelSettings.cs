using Paperboy.Config;

namespace Paperboy.Search;

/// <summary>
/// The built-in neural model: <c>PAPERBOY_EMBEDDER</c> (<c>off</c> turns it off), <c>PAPERBOY_EMBED_TOKENS</c>
/// (truncation, clamped to 8..256), <c>PAPERBOY_EMBED_THREADS</c> (batch threads; 0 or less: every core) and
/// <c>PAPERBOY_EMBED_PRECISION</c> (<c>int8</c>, the default, or <c>float</c>: the model as the package ships it).
/// </summary>
public sealed record BuiltInModelSettings(bool Enabled = true, int Tokens = NeuralEmbedder.ModelMaxTokens, int Threads = 0, bool Quantized = true)
{
    /// <summary>
    /// The process environment, for the static names vectors are stored under (<see cref="NeuralEmbedder.ConfiguredModelName"/>).
    /// A bad value reads as the default here; <c>serve</c> and the commands stop on it before using these.
    /// </summary>
    public static BuiltInModelSettings Current => Read(SettingsReader.FromEnvironment());

    public static BuiltInModelSettings Read(SettingsReader config) => new(
        // "builtin" is how a CLI test asks for the model by name; every other word but off's spellings is a typo.
        Enabled: config.Text("PAPERBOY_EMBEDDER")?.ToLowerInvariant() is "builtin" || (config.Switch("PAPERBOY_EMBEDDER") ?? true),
        // Any whole number was accepted before, and is still: the model clamps it.
        Tokens: config.Int("PAPERBOY_EMBED_TOKENS", min: int.MinValue) ?? NeuralEmbedder.ModelMaxTokens,
        Threads: config.Int("PAPERBOY_EMBED_THREADS", min: int.MinValue) ?? 0,
        Quantized: config.OneOf("PAPERBOY_EMBED_PRECISION", "int8", "float") != "float");

    public NeuralEmbedder Create() => new(Tokens, Threads, Quantized);
}
