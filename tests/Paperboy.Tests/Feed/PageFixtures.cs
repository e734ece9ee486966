using System.Text.Json;
using Paperboy.Ingestion;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>
/// Real papers for page tests: Hugging Face daily files from ../shared/data turned into the
/// importer's <see cref="ImportedPaper"/> and written with the real <see cref="CatalogWriter"/>, so
/// pages see real titles, abstracts, authors, submitters, keywords and votes. (The hf-daily
/// reader lands on another branch; this keeps page tests independent of it.)
/// </summary>
public static class PageFixtures
{
    public static string HfDay(string day) => SharedData.Path("hf-daily-papers", day + ".json");

    /// <summary>The items of one HF daily file (both schemas), featured on the file's day.</summary>
    public static IReadOnlyList<ImportedPaper> ReadHf(string path)
    {
        var day = DateOnly.ParseExact(System.IO.Path.GetFileNameWithoutExtension(path), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var papers = new List<ImportedPaper>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var p = item.GetProperty("paper");
            var submitter = p.TryGetProperty("submittedOnDailyBy", out var by) ? by
                : item.TryGetProperty("submittedBy", out var by2) ? by2 : default;
            papers.Add(new ImportedPaper
            {
                Id = Str(p, "id")!,
                Title = Str(p, "title") ?? "",
                Abstract = Str(p, "summary"),
                Authors = p.TryGetProperty("authors", out var authors)
                    ? authors.EnumerateArray().Select(a => Str(a, "name")).OfType<string>().ToList()
                    : null,
                Published = Str(p, "publishedAt") is { } published ? DateOnly.FromDateTime(DateTime.Parse(published, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)) : null,
                CodeUrl = Str(p, "githubRepo"),
                ProjectUrl = Str(p, "projectPage"),
                GithubStars = p.TryGetProperty("githubStars", out var stars) && stars.ValueKind == JsonValueKind.Number ? stars.GetInt32() : null,
                AiSummary = Str(p, "ai_summary"),
                AiKeywords = p.TryGetProperty("ai_keywords", out var keywords) && keywords.ValueKind == JsonValueKind.Array
                    ? keywords.EnumerateArray().Select(k => k.GetString()).OfType<string>().ToList()
                    : null,
                Upvotes = p.TryGetProperty("upvotes", out var up) ? up.GetInt32() : null,
                NumComments = item.TryGetProperty("numComments", out var nc) ? nc.GetInt32() : null,
                Daily = new DailyFeature(day,
                    submitter.ValueKind == JsonValueKind.Object ? Str(submitter, "user") : null,
                    submitter.ValueKind == JsonValueKind.Object ? Str(submitter, "fullname") : null),
            });
        }
        return papers;
    }

    /// <summary>Writes papers through the importer's writer, in one transaction.</summary>
    public static async Task WriteAsync(Database database, IEnumerable<ImportedPaper> papers)
    {
        await using var connection = await database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        foreach (var paper in papers) await CatalogWriter.UpsertAsync(connection, tx, paper, "import", TimeProvider.System.GetUtcNow());
        await tx.CommitAsync();
    }

    /// <summary>A running site with the given real HF days imported.</summary>
    public static async Task<TestInstance> StartWithDaysAsync(params string[] days)
    {
        var app = await TestInstance.StartAsync();
        foreach (var day in days) await WriteAsync(app.Database, ReadHf(HfDay(day)));
        return app;
    }

    /// <summary>Writes <c>paperboy</c> JSON Lines (the import format) for hand-made records.</summary>
    public static string WriteJsonl(TempDir dir, string name, params object[] records) =>
        dir.Write(name, string.Join('\n', records.Select(r => JsonSerializer.Serialize(r))) + "\n");

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
