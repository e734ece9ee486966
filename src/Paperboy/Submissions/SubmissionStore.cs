using Dapper;
using Paperboy.Harvest;
using Paperboy.Ingestion;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Submissions;

public enum SubmitOutcome { Ok, NotArxiv, NotFound, Duplicate, TooOld, OverCap, Unavailable }

public sealed record SubmitResult(SubmitOutcome Outcome, string Message, string? PaperId = null, string? Day = null);

/// <summary>
/// A member puts a paper on today's list (UTC). The rules, each with its own message: an arXiv id or URL;
/// not already on today's list; first published within the window; at most N submissions a day per member.
/// Metadata comes from the catalog, else from arXiv; the paper, the day's entry and the submission are
/// written in one transaction after every check, so a failure anywhere leaves nothing half-made.
/// </summary>
public sealed class SubmissionStore(Database database, Harvesters harvesters, CommunityOptions options, TimeProvider time)
{
    public async Task<SubmitResult> SubmitAsync(User user, string? input, CancellationToken ct = default)
    {
        var parsed = ArxivId.Parse(input);
        if (parsed is null)
            return new(SubmitOutcome.NotArxiv, "Give an arXiv id (like 2405.21060 or hep-th/9901001) or an arXiv URL (https://arxiv.org/abs/…).");
        var id = parsed.Value.Id;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var day = StoredTime.FormatDay(today);

        // The cheap checks come first, so a doomed submission never costs a request to arXiv.
        Paper? existing;
        await using (var c = await database.OpenAsync(ct))
        {
            if (await RuleBrokenAsync(c, null, user, id, day, ct) is { } broken) return broken;
            existing = await c.QuerySingleOrDefaultAsync<Paper>(new CommandDefinition(
                "SELECT * FROM papers WHERE id = @id", new { id }, cancellationToken: ct));
        }
        if (existing?.Hidden == true) return new(SubmitOutcome.NotFound, "This paper was removed by the moderators and cannot be submitted.", id);

        ImportedPaper? fetched = null;
        var published = existing?.PublishedDate;
        if (existing is null)
        {
            // The member waits for the answer: at most ArxivTimeoutSeconds, whatever the harvest's retries would allow.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.ArxivTimeoutSeconds));
            try { fetched = await harvesters.Arxiv.FindAsync(id, timeout.Token); }
            catch (Exception ex) when (ex is FetchException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                var why = (ex as FetchException)?.Kind switch
                {
                    FetchFailure.Malformed => "arXiv sent a response we could not read.",
                    FetchFailure.Status => $"arXiv answered {((FetchException)ex).Status}.",
                    _ => "arXiv could not be reached.",
                };
                return new(SubmitOutcome.Unavailable, $"We could not look this paper up: {why} Nothing was saved; please try again in a few minutes.", id);
            }
            if (fetched is null) return new(SubmitOutcome.NotFound, $"arXiv has no paper with id {id}.", id);
            published = fetched.Published;
        }
        if (published is null || published.Value < today.AddDays(-options.SubmissionWindowDays))
        {
            return new(SubmitOutcome.TooOld,
                $"Only papers first published on arXiv in the last {options.SubmissionWindowDays} days can be submitted; " +
                $"this one was published {(published is null ? "on an unknown date" : StoredTime.FormatDay(published.Value))}.", id);
        }

        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Checked again inside the transaction: another submission may have landed while arXiv answered.
        if (await RuleBrokenAsync(connection, tx, user, id, day, ct) is { } late) return late;
        var now = time.GetUtcNow();
        if (fetched is not null)
        {
            await CatalogWriter.UpsertAsync(connection, tx, fetched with { Daily = new DailyFeature(today, user.Name, user.Name, now) }, "member", now);
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO daily_entries (day, paper_id, source, submitted_by_user, submitted_by_name, featured_at, created_at)
                VALUES (@day, @id, 'member', @Name, @Name, @now, @now)
                """, new { day, id, user.Name, now = StoredTime.Format(now) }, tx, cancellationToken: ct));
        }
        // The (day, paper_id) key is the last word on duplicates when two members race.
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO submissions (day, paper_id, user_id, created_at) VALUES (@day, @id, @UserId, @now) ON CONFLICT DO NOTHING
            """, new { day, id, UserId = user.Id, now = StoredTime.Format(now) }, tx, cancellationToken: ct));
        if (inserted == 0) return Duplicate(id);
        await tx.CommitAsync(ct);
        return new(SubmitOutcome.Ok, "Submitted to today's papers.", id, day);
    }

    async Task<SubmitResult?> RuleBrokenAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, User user, string id, string day, CancellationToken ct)
    {
        var listed = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM daily_entries WHERE day = @day AND paper_id = @id", new { day, id }, tx, cancellationToken: ct));
        if (listed > 0) return Duplicate(id);
        var mine = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM submissions WHERE user_id = @UserId AND day = @day", new { UserId = user.Id, day }, tx, cancellationToken: ct));
        if (mine >= options.SubmissionsPerDay)
            return new(SubmitOutcome.OverCap, $"You have submitted {mine} papers today, the most a member can submit in a day. Try again tomorrow (UTC).", id);
        return null;
    }

    static SubmitResult Duplicate(string id) => new(SubmitOutcome.Duplicate, $"{id} is already on today's list.", id);
}
