using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Private;

/// <summary>What a member typed (or accepted from the PDF) for a private paper.</summary>
public sealed record PrivateDraft(string Title, string? Abstract, IReadOnlyList<string> Authors, string? Url, string? CodeUrl);

public sealed record PdfUpload(string FileName, byte[] Content, string? Text);

/// <summary>A private paper's row of private_papers, joined with its group's slug.</summary>
public sealed class PrivateInfo
{
    public string PaperId { get; set; } = "";
    public long? OwnerId { get; set; }
    public string? OwnerName { get; set; }
    public long? GroupId { get; set; }
    public string? GroupSlug { get; set; }
    public string? GroupName { get; set; }
    public string? LinkedTo { get; set; }
    public bool HasPdf { get; set; }
}

/// <summary>
/// Private papers: rows of <c>papers</c> kept <c>hidden = TRUE</c> (so every public query leaves
/// them out without knowing about them) plus a <c>private_papers</c> row saying who may see them.
/// Every read here takes the viewer and answers as if the paper did not exist for anyone else.
/// </summary>
public sealed class PrivatePaperStore(Database database, TimeProvider time)
{
    /// <summary>Local ids start with this; an arXiv id never does (they start with digits or an archive name and a slash).</summary>
    public const string IdPrefix = "local-";

    /// <summary>
    /// SQL: the ids of the private papers the member <c>@viewer</c> may see (0 = nobody signed in: none).
    /// Stores of votes, comments and the library use it next to <c>hidden = FALSE</c>.
    /// Only a member whose email address is confirmed (<see cref="User.EmailVerified"/>) and who is not
    /// blocked sees any: anyone can register with any address, so an account is not "one of us" until it
    /// has proved it reads mail there. Members-only papers are then every such member's; a group's, only
    /// those of its members. Read from <c>users</c> here, not from the caller's <see cref="User"/>, so a
    /// confirmation or a block counts at the next query (docs/SECURITY.md, "Private papers").
    /// </summary>
    public const string VisibleIds = """
        SELECT pp.paper_id FROM private_papers pp
        WHERE @viewer IN (SELECT vu.id FROM users vu WHERE vu.email_verified_at IS NOT NULL AND vu.blocked = FALSE)
          AND (pp.group_id IS NULL OR pp.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = @viewer))
        """;

    /// <summary>SQL condition on a papers row (alias given with its dot, or ""): public, or private and visible to <c>@viewer</c>.</summary>
    public static string Visible(string alias = "") => $"({alias}hidden = FALSE OR {alias}id IN ({VisibleIds}))";

    public static bool IsLocalId(string id) => id.StartsWith(IdPrefix, StringComparison.Ordinal);

    public async Task<Paper> CreateAsync(User owner, PrivateDraft draft, long? groupId, PdfUpload? pdf, CancellationToken ct = default)
    {
        var id = IdPrefix + NewCode();
        var now = StoredTime.Format(time.GetUtcNow());
        var paper = new Paper
        {
            Id = id,
            Title = draft.Title,
            Abstract = draft.Abstract,
            Authors = JsonSerializer.Serialize(draft.Authors),
            Published = StoredTime.FormatDay(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)),
            AbsUrl = draft.Url,
            CodeUrl = draft.CodeUrl,
            PdfUrl = pdf is null ? null : $"/papers/{id}/pdf",
            Hidden = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO papers (id, title, abstract, authors, published, abs_url, code_url, pdf_url, hidden, created_at, updated_at)
            VALUES (@Id, @Title, @Abstract, @Authors, @Published, @AbsUrl, @CodeUrl, @PdfUrl, TRUE, @CreatedAt, @UpdatedAt)
            """, paper, tx, cancellationToken: ct));
        var authors = draft.Authors.Select((name, i) => new { PaperId = id, Position = i, Name = name, Key = AuthorKey.Of(name) });
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO paper_authors (paper_id, position, name, name_key) VALUES (@PaperId, @Position, @Name, @Key)", authors, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO private_papers (paper_id, owner_id, group_id, full_text, created_at) VALUES (@id, @owner, @groupId, @text, @now)",
            new { id, owner = owner.Id, groupId, text = pdf?.Text, now }, tx, cancellationToken: ct));
        if (pdf is not null)
        {
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO private_pdfs (paper_id, file_name, size_bytes, sha256, content) VALUES (@id, @name, @size, @sha, @content)
                """, new { id, name = pdf.FileName, size = (long)pdf.Content.Length, sha = Convert.ToHexStringLower(SHA256.HashData(pdf.Content)), content = pdf.Content },
                tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return paper;
    }

    /// <summary>The private paper, when <paramref name="viewer"/> may see it; null otherwise (as for an unknown id).</summary>
    public async Task<(Paper Paper, PrivateInfo Info)?> GetAsync(string id, User? viewer, CancellationToken ct = default)
    {
        if (viewer is null || viewer.Blocked || !IsLocalId(id)) return null;
        await using var c = await database.OpenAsync(ct);
        var paper = await c.QuerySingleOrDefaultAsync<Paper>(new CommandDefinition(
            $"SELECT * FROM papers WHERE id = @id AND id IN ({VisibleIds})", new { id, viewer = viewer.Id }, cancellationToken: ct));
        if (paper is null) return null;
        var info = await c.QuerySingleAsync<PrivateInfo>(new CommandDefinition("""
            SELECT pp.paper_id, pp.owner_id, u.name AS owner_name, pp.group_id, g.slug AS group_slug, g.name AS group_name, pp.linked_to,
                   CASE WHEN f.paper_id IS NULL THEN FALSE ELSE TRUE END AS has_pdf
            FROM private_papers pp LEFT JOIN users u ON u.id = pp.owner_id LEFT JOIN groups g ON g.id = pp.group_id
            LEFT JOIN private_pdfs f ON f.paper_id = pp.paper_id
            WHERE pp.paper_id = @id
            """, new { id }, cancellationToken: ct));
        return (paper, info);
    }

    public async Task<(string FileName, byte[] Content)?> PdfAsync(string id, User? viewer, CancellationToken ct = default)
    {
        if (await GetAsync(id, viewer, ct) is null) return null;
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(string, byte[])>(new CommandDefinition(
            "SELECT file_name, content FROM private_pdfs WHERE paper_id = @id", new { id }, cancellationToken: ct));
        return row.Item2 is null ? null : row;
    }

    /// <summary>The private papers a member may see (not yet linked to arXiv), newest first; of one group when given.</summary>
    public async Task<IReadOnlyList<Paper>> VisibleAsync(User? viewer, long? groupId = null, CancellationToken ct = default)
    {
        if (viewer is null || viewer.Blocked) return [];
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Paper>(new CommandDefinition($"""
            SELECT p.* FROM papers p JOIN private_papers pp ON pp.paper_id = p.id
            WHERE p.id IN ({VisibleIds}) AND pp.linked_to IS NULL AND (@groupId IS NULL OR pp.group_id = @groupId)
            ORDER BY p.created_at DESC, p.id
            """, new { viewer = viewer.Id, groupId }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// The private papers the viewer may see whose title, abstract, authors or text hold every word of
    /// the query: a lab has tens or hundreds of them, so a scan is enough, and they never enter the
    /// shared search index, whose counts and neighbours every reader sees.
    /// </summary>
    public async Task<IReadOnlyList<Paper>> MatchAsync(User? viewer, IReadOnlyCollection<string> words, CancellationToken ct = default)
    {
        if (viewer is null || viewer.Blocked || words.Count == 0) return [];
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Paper, string, (Paper Paper, string? Text)>(new CommandDefinition($"""
            SELECT p.*, pp.full_text FROM papers p JOIN private_papers pp ON pp.paper_id = p.id
            WHERE p.id IN ({VisibleIds}) AND pp.linked_to IS NULL
            ORDER BY p.created_at DESC, p.id
            """, new { viewer = viewer.Id }, cancellationToken: ct), (p, text) => (p, text), splitOn: "full_text");
        return rows.Where(r => words.All(w => Holds(r.Paper.Title, w) || Holds(r.Paper.Abstract, w) || Holds(r.Paper.Authors, w) || Holds(r.Text, w)))
            .Select(r => r.Paper).ToList();
    }

    static bool Holds(string? text, string word) => text is not null && text.Contains(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// "Now arXiv:ID": the votes, comments, library and collection entries move to the arXiv paper, which
    /// from then on is the one paper; the private row stays (with its PDF) and its address leads there.
    /// </summary>
    public async Task<string?> LinkAsync(string id, string arxivId, User viewer, CancellationToken ct = default)
    {
        if (await GetAsync(id, viewer, ct) is not { } found) return "No such private paper.";
        if (found.Info.LinkedTo is not null) return $"This paper is already linked to arXiv:{found.Info.LinkedTo}.";
        if (ArxivId.Parse(arxivId) is not { } parsed) return "That is not an arXiv id (for example 2512.01234).";
        var target = parsed.Id;
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var exists = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM papers WHERE id = @target AND hidden = FALSE", new { target }, tx, cancellationToken: ct));
        if (exists == 0) return $"arXiv:{target} is not in the catalog yet: submit it first, then link.";
        var args = new { id, target, now = StoredTime.Format(time.GetUtcNow()) };
        var votes = await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO votes (user_id, paper_id, created_at) SELECT user_id, @target, created_at FROM votes WHERE paper_id = @id ON CONFLICT DO NOTHING",
            args, tx, cancellationToken: ct));
        var comments = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM comments WHERE paper_id = @id AND hidden = FALSE AND deleted = FALSE", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("UPDATE comments SET paper_id = @target WHERE paper_id = @id", args, tx, cancellationToken: ct));
        foreach (var table in new[] { "library_items", "not_interested" })
        {
            await c.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO {table} (user_id, paper_id, created_at) SELECT user_id, @target, created_at FROM {table} WHERE paper_id = @id ON CONFLICT DO NOTHING",
                args, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE paper_id = @id", args, tx, cancellationToken: ct));
        }
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO collection_items (collection_id, paper_id, created_at) SELECT collection_id, @target, created_at FROM collection_items WHERE paper_id = @id
            ON CONFLICT DO NOTHING
            """, args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM collection_items WHERE paper_id = @id", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM votes WHERE paper_id = @id", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE papers SET upvotes = upvotes + @votes, num_comments = num_comments + @comments, updated_at = @now WHERE id = @target",
            new { target, votes, comments, now = args.now }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE papers SET upvotes = source_upvotes, num_comments = source_comments, updated_at = @now WHERE id = @id", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("UPDATE private_papers SET linked_to = @target WHERE paper_id = @id", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (actor_id, actor_name, action, target, detail, created_at) VALUES (@actor, @name, 'link-private-paper', @id, @target, @now)
            """, new { actor = viewer.Id, name = viewer.Name, id, target, now = args.now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return null;
    }

    static string NewCode()
    {
        // 10 characters of base32 (a–z, 2–7): 50 bits, so guessing an id is hopeless, and it never looks like an arXiv id.
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[bytes[i] & 31];
        return new string(chars);
    }
}
