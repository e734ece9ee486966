using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Ingestion;

public enum WriteOutcome { Unchanged, New, Updated }

/// <summary>
/// Writes imported papers into the catalog, merging with what is there. The rule: a field a
/// source states replaces what we had; a field it leaves out keeps what another source said;
/// counts reported by sources only grow (a later, smaller snapshot does not erase votes).
/// Writing the same record twice changes nothing, which makes every import idempotent, also when
/// two sources disagree: a record applied once is remembered by its fingerprint and skipped after.
/// </summary>
public static class CatalogWriter
{
    /// <summary>
    /// Writes a batch in one transaction, with the outcome of each record in order. Papers the catalog
    /// has never seen (the bulk of a first import) go in with bulk inserts (<see cref="BulkInsert"/>) for the whole
    /// batch: on a database server that replaces ~6 round trips per paper. Records applied before are
    /// skipped with one query for the batch. Everything else (changed papers, an id twice in the batch)
    /// merges one record at a time through <see cref="UpsertAsync"/>, so the outcome is the same as
    /// writing the records one by one.
    /// </summary>
    public static async Task<IReadOnlyList<WriteOutcome>> UpsertBatchAsync(DbConnection connection, DbTransaction tx, ISqlDialect dialect, IReadOnlyList<ImportedPaper> batch, string source, DateTimeOffset writtenAt)
    {
        var outcomes = new WriteOutcome[batch.Count];
        var settled = new bool[batch.Count];
        var args = new { ids = dialect.List(batch.Select(p => p.Id).Distinct()) };
        var known = (await connection.QueryAsync<string>($"SELECT id FROM papers WHERE id {dialect.In("ids")}", args, tx)).ToHashSet();
        // Records applied before are skipped here for the whole batch, as UpsertAsync would one by one (a re-import).
        var seen = (await connection.QueryAsync<(string Id, string Fingerprint)>(
            $"SELECT paper_id, fingerprint FROM import_fingerprints WHERE paper_id {dialect.In("ids")}", args, tx)).ToHashSet();
        var prints = batch.Select(Fingerprint).ToArray();
        for (var i = 0; i < batch.Count; i++) settled[i] = seen.Contains((batch[i].Id, prints[i]));
        var once = batch.GroupBy(p => p.Id).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet();

        var now = StoredTime.Format(writtenAt);
        List<object?[]> papers = [], authors = [], daily = [], fingerprints = [], media = [];
        for (var i = 0; i < batch.Count; i++)
        {
            var incoming = batch[i];
            if (known.Contains(incoming.Id) || !once.Contains(incoming.Id)) continue;
            // A paper not in the catalog has no fingerprints either (they cascade with it).
            var p = Merge(null, incoming, now);
            papers.Add([p.Id, p.Title, p.Abstract, p.Authors, p.Published, p.Updated, p.Categories, p.AbsUrl, p.PdfUrl, p.CodeUrl, p.ProjectUrl,
                p.GithubStars, p.AiSummary, p.AiKeywords, p.Comments, p.Doi, p.JournalRef, p.License, p.Version, p.Withdrawn,
                p.SourceUpvotes, p.SourceComments, p.Upvotes, p.NumComments, p.Hidden, p.CreatedAt, p.UpdatedAt]);
            var position = 0;
            foreach (var name in p.AuthorList) authors.Add([p.Id, position++, name, AuthorKey.Of(name)]);
            if (incoming.Daily is { } d)
                daily.Add([StoredTime.FormatDay(d.Day), p.Id, source, d.SubmittedByUser, d.SubmittedByName, d.FeaturedAt is { } at ? StoredTime.Format(at) : null, now]);
            fingerprints.Add([p.Id, prints[i]]);
            if (incoming.Media is { } m) media.Add(MediaWriter.Row(p.Id, m));
            outcomes[i] = WriteOutcome.New;
            settled[i] = true;
        }
        await BulkInsert.InsertAsync(connection, tx, "papers", ColumnList, papers);
        await BulkInsert.InsertAsync(connection, tx, "paper_authors", ["paper_id", "position", "name", "name_key"], authors);
        await BulkInsert.InsertAsync(connection, tx, "daily_entries",
            ["day", "paper_id", "source", "submitted_by_user", "submitted_by_name", "featured_at", "created_at"], daily);
        await BulkInsert.InsertAsync(connection, tx, "import_fingerprints", ["paper_id", "fingerprint"], fingerprints);
        await BulkInsert.InsertAsync(connection, tx, "paper_media", MediaWriter.Columns, media);

        for (var i = 0; i < batch.Count; i++)
        {
            if (!settled[i]) outcomes[i] = await UpsertAsync(connection, tx, batch[i], source, writtenAt);
        }
        return outcomes;
    }

    public static async Task<WriteOutcome> UpsertAsync(DbConnection connection, DbTransaction tx, ImportedPaper incoming, string source, DateTimeOffset writtenAt)
    {
        var id = incoming.Id;
        // A record applied before is skipped: two sources that disagree on a field would otherwise
        // take turns overwriting it on every re-import of both (see import_fingerprints).
        var fingerprint = Fingerprint(incoming);
        var seen = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM import_fingerprints WHERE paper_id = @id AND fingerprint = @fingerprint", new { id, fingerprint }, tx);
        if (seen > 0) return WriteOutcome.Unchanged;

        var existing = await connection.QuerySingleOrDefaultAsync<Paper>(
            "SELECT * FROM papers WHERE id = @id", new { id }, tx);
        var now = StoredTime.Format(writtenAt);
        var merged = Merge(existing, incoming, now);
        WriteOutcome outcome;
        if (existing is null)
        {
            await connection.ExecuteAsync(InsertSql, merged, tx);
            await WriteAuthorsAsync(connection, tx, merged);
            outcome = WriteOutcome.New;
        }
        else if (!SameContent(existing, merged))
        {
            merged.UpdatedAt = now;
            await connection.ExecuteAsync(UpdateSql, merged, tx);
            if (existing.Authors != merged.Authors)
            {
                await connection.ExecuteAsync("DELETE FROM paper_authors WHERE paper_id = @Id", merged, tx);
                await WriteAuthorsAsync(connection, tx, merged);
            }
            outcome = WriteOutcome.Updated;
        }
        else
        {
            outcome = WriteOutcome.Unchanged;
        }

        if (incoming.Daily is { } daily && await UpsertDailyAsync(connection, tx, id, daily, source, now) && outcome == WriteOutcome.Unchanged)
        {
            outcome = WriteOutcome.Updated;
        }
        if (incoming.Media is { } media && await MediaWriter.UpsertAsync(connection, tx, id, media) && outcome == WriteOutcome.Unchanged)
        {
            outcome = WriteOutcome.Updated;
        }
        await connection.ExecuteAsync(
            "INSERT INTO import_fingerprints (paper_id, fingerprint) VALUES (@id, @fingerprint) ON CONFLICT DO NOTHING", new { id, fingerprint }, tx);
        return outcome;
    }

    /// <summary>The record exactly as the reader produced it, hashed: any change in what a source says makes a new one.</summary>
    static string Fingerprint(ImportedPaper paper) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(paper)));

    static async Task<bool> UpsertDailyAsync(DbConnection connection, DbTransaction tx, string paperId, DailyFeature daily, string source, string now)
    {
        // Only rows that actually change are touched, so re-imports report "0 updated".
        var changed = await connection.ExecuteAsync("""
            INSERT INTO daily_entries (day, paper_id, source, submitted_by_user, submitted_by_name, featured_at, created_at)
            VALUES (@Day, @PaperId, @Source, @User, @Name, @FeaturedAt, @Now)
            ON CONFLICT (day, paper_id) DO UPDATE SET
                submitted_by_user = COALESCE(excluded.submitted_by_user, daily_entries.submitted_by_user),
                submitted_by_name = COALESCE(excluded.submitted_by_name, daily_entries.submitted_by_name),
                featured_at = COALESCE(excluded.featured_at, daily_entries.featured_at)
            WHERE (excluded.submitted_by_user IS NOT NULL AND excluded.submitted_by_user IS DISTINCT FROM daily_entries.submitted_by_user)
               OR (excluded.submitted_by_name IS NOT NULL AND excluded.submitted_by_name IS DISTINCT FROM daily_entries.submitted_by_name)
               OR (excluded.featured_at IS NOT NULL AND excluded.featured_at IS DISTINCT FROM daily_entries.featured_at)
            """,
            new
            {
                Day = StoredTime.FormatDay(daily.Day),
                PaperId = paperId,
                Source = source,
                User = daily.SubmittedByUser,
                Name = daily.SubmittedByName,
                FeaturedAt = daily.FeaturedAt is { } at ? StoredTime.Format(at) : null,
                Now = now,
            }, tx);
        return changed > 0;
    }

    static Paper Merge(Paper? old, ImportedPaper p, string now)
    {
        static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        static string? List(IReadOnlyList<string>? list) =>
            list is null || list.Count == 0 ? null : JsonSerializer.Serialize(list);

        var sourceUpvotes = Math.Max(old?.SourceUpvotes ?? 0, p.Upvotes ?? 0);
        var sourceComments = Math.Max(old?.SourceComments ?? 0, p.NumComments ?? 0);
        return new Paper
        {
            Id = p.Id,
            Title = Text(p.Title) ?? old?.Title ?? "",
            Abstract = Text(p.Abstract) ?? old?.Abstract,
            Authors = List(p.Authors) ?? old?.Authors ?? "[]",
            // A record without a date gets the month of its arXiv id (SPEC §4), but never over a real date.
            Published = p.Published is { } pub ? StoredTime.FormatDay(pub) : old?.Published ?? (ArxivId.MonthOf(p.Id) is { } month ? StoredTime.FormatDay(month) : null),
            Updated = p.Updated is { } upd ? StoredTime.FormatDay(upd) : old?.Updated,
            Categories = p.Categories is { Count: > 0 } c ? string.Join(' ', c) : old?.Categories,
            AbsUrl = Text(p.AbsUrl) ?? old?.AbsUrl,
            PdfUrl = Text(p.PdfUrl) ?? old?.PdfUrl,
            CodeUrl = Text(p.CodeUrl) ?? old?.CodeUrl,
            ProjectUrl = Text(p.ProjectUrl) ?? old?.ProjectUrl,
            GithubStars = p.GithubStars ?? old?.GithubStars,
            AiSummary = Text(p.AiSummary) ?? old?.AiSummary,
            AiKeywords = List(p.AiKeywords) ?? old?.AiKeywords,
            Comments = Text(p.Comments) ?? old?.Comments,
            Doi = Text(p.Doi) ?? old?.Doi,
            JournalRef = Text(p.JournalRef) ?? old?.JournalRef,
            License = Text(p.License) ?? old?.License,
            // A newer version replaces an older one; an older record never downgrades it.
            Version = Max(p.Version, old?.Version),
            Withdrawn = p.Withdrawn ?? old?.Withdrawn ?? false,
            SourceUpvotes = sourceUpvotes,
            SourceComments = sourceComments,
            // Member votes and comments live on top of what the source reported.
            Upvotes = sourceUpvotes + ((old?.Upvotes ?? 0) - (old?.SourceUpvotes ?? 0)),
            NumComments = sourceComments + ((old?.NumComments ?? 0) - (old?.SourceComments ?? 0)),
            Hidden = old?.Hidden ?? false,
            CreatedAt = old?.CreatedAt ?? now,
            UpdatedAt = old?.UpdatedAt ?? now,
        };
    }

    static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    static bool SameContent(Paper a, Paper b) =>
        a.Title == b.Title && a.Abstract == b.Abstract && a.Authors == b.Authors && a.Published == b.Published
        && a.Updated == b.Updated && a.Categories == b.Categories && a.AbsUrl == b.AbsUrl && a.PdfUrl == b.PdfUrl
        && a.CodeUrl == b.CodeUrl && a.ProjectUrl == b.ProjectUrl && a.GithubStars == b.GithubStars
        && a.AiSummary == b.AiSummary && a.AiKeywords == b.AiKeywords && a.Comments == b.Comments && a.Doi == b.Doi
        && a.JournalRef == b.JournalRef && a.License == b.License && a.Version == b.Version && a.Withdrawn == b.Withdrawn
        && a.SourceUpvotes == b.SourceUpvotes && a.SourceComments == b.SourceComments;

    static async Task WriteAuthorsAsync(DbConnection connection, DbTransaction tx, Paper paper)
    {
        var rows = paper.AuthorList.Select((name, i) => new { PaperId = paper.Id, Position = i, Name = name, Key = AuthorKey.Of(name) });
        await connection.ExecuteAsync(
            "INSERT INTO paper_authors (paper_id, position, name, name_key) VALUES (@PaperId, @Position, @Name, @Key)", rows, tx);
    }

    const string Columns = """
        id, title, abstract, authors, published, updated, categories, abs_url, pdf_url, code_url, project_url,
        github_stars, ai_summary, ai_keywords, comments, doi, journal_ref, license, version, withdrawn,
        source_upvotes, source_comments, upvotes, num_comments, hidden, created_at, updated_at
        """;

    static readonly string[] ColumnList = Columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    const string InsertSql = "INSERT INTO papers (" + Columns + """
        ) VALUES (@Id, @Title, @Abstract, @Authors, @Published, @Updated, @Categories, @AbsUrl, @PdfUrl, @CodeUrl, @ProjectUrl,
        @GithubStars, @AiSummary, @AiKeywords, @Comments, @Doi, @JournalRef, @License, @Version, @Withdrawn,
        @SourceUpvotes, @SourceComments, @Upvotes, @NumComments, @Hidden, @CreatedAt, @UpdatedAt)
        """;

    const string UpdateSql = """
        UPDATE papers SET title = @Title, abstract = @Abstract, authors = @Authors, published = @Published, updated = @Updated,
            categories = @Categories, abs_url = @AbsUrl, pdf_url = @PdfUrl, code_url = @CodeUrl, project_url = @ProjectUrl,
            github_stars = @GithubStars, ai_summary = @AiSummary, ai_keywords = @AiKeywords, comments = @Comments, doi = @Doi,
            journal_ref = @JournalRef, license = @License, version = @Version, withdrawn = @Withdrawn,
            source_upvotes = @SourceUpvotes, source_comments = @SourceComments,
            upvotes = @SourceUpvotes + (upvotes - source_upvotes), num_comments = @SourceComments + (num_comments - source_comments),
            updated_at = @UpdatedAt
        WHERE id = @Id
        """;
}
