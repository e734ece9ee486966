namespace Paperboy;

/// <summary>Where the instance keeps its data. Filled from flags, then environment, then defaults.</summary>
public sealed class PaperboyOptions
{
    public string DataDir { get; init; } = "paperboy-data";

    /// <summary>A connection string for a database server; null means the embedded database under <see cref="DataDir"/>.</summary>
    public string? DatabaseUrl { get; init; }

    /// <summary>The built-in neural model embeds papers and queries (PAPERBOY_EMBEDDER=off: keyword + LSA only).</summary>
    public bool BuiltInEmbedder { get; init; } = Search.NeuralEmbedder.Enabled;

    public static PaperboyOptions Resolve(string? dataFlag, string? databaseFlag) => new()
    {
        DataDir = Path.GetFullPath(FirstSet(dataFlag, Environment.GetEnvironmentVariable("PAPERBOY_DATA")) ?? "paperboy-data"),
        DatabaseUrl = FirstSet(databaseFlag, Environment.GetEnvironmentVariable("PAPERBOY_DATABASE")),
    };

    static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
