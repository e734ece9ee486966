using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dapper;
using Paperboy.Papers;
using Paperboy.Search;
using Paperboy.Storage;

namespace Paperboy.Recommendations;

/// <summary>One pick: the paper, the line that says why, and what that line was computed from.</summary>
public sealed record Recommendation(Paper Paper, string Why, IReadOnlyList<Paper> Near, IReadOnlyList<string> Terms, double Score, int Interest = 0);

/// <summary>One of a member's interests as /for-you names it: its words and how many of the member's papers form it.</summary>
public sealed record InterestSummary(IReadOnlyList<string> Label, int Papers);

/// <summary>
/// A member's picks. <see cref="Personal"/> is false on a cold start (no upvotes, library or
/// collections yet, or the index is still being built): the picks are then the community's.
/// </summary>
/// <see cref="Interests"/> is empty unless the member's papers form several separate interests
/// (<see cref="MemberInterests"/>); then each pick's <see cref="Recommendation.Interest"/> indexes it.
public sealed record Recommendations(IReadOnlyList<Recommendation> Picks, bool Personal, int PersonalPercent, int Signals, string? Notice,
    IReadOnlyList<InterestSummary>? Interests = null)
{
    public IReadOnlyList<InterestSummary> Interests { get; init; } = Interests ?? [];
}

/// <summary>
/// Personal recommendations: a linear model per member (<see cref="MemberModel"/>) scores the
/// recent papers; the score is blended with the community's trending score by the member's setting.
/// Models are derived state: cached in memory per member, keyed by the index snapshot and a hash of
/// the member's signals, so each instance retrains only when those change and never serves a stale model.
/// </summary>
public sealed class Recommender(SearchIndex index, RecommendationStore store, Database database, TimeProvider time)
{
    /// <summary>"Recent": papers published within this many days of the newest paper in the index.</summary>
    public const int CandidateDays = 30;
    /// <summary>How many of the best personal and of the best community papers are blended.</summary>
    const int Shortlist = 200;
    public const int MaxLimit = 100;
    sealed record CachedModel(DenseIndex Dense, string Key, MemberInterests? Model);
    readonly ConcurrentDictionary<long, CachedModel> _models = new();
    static readonly ConditionalWeakTable<DenseIndex, Recent> RecentRows = new();

    sealed record Recent(int[] Rows, DateTimeOffset Reference, string Since);

    public async Task<Recommendations> ForMemberAsync(long userId, int limit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var signals = await store.SignalsAsync(userId, ct);
        var settings = await store.SettingsAsync(userId, ct);
        var own = signals.Select(s => s.PaperId).ToHashSet(StringComparer.Ordinal);
        if (!await index.WaitReadyAsync(TimeSpan.FromSeconds(10), ct))
            return new([], false, settings.PersonalPercent, signals.Count, "The search index is still being built; recommendations appear once it is ready.");
        using var snapshot = index.Acquire();
        var model = ModelFor(userId, snapshot, signals, settings);
        var recent = RecentFor(snapshot.Dense);
        var candidates = recent.Rows.Where(r => !own.Contains(snapshot.Dense.Ids[r])).ToArray();
        var community = await CommunityScoresAsync(recent, ct);
        double Community(int row) => community.GetValueOrDefault(snapshot.Dense.Ids[row]);

        List<int> ranked;
        Dictionary<int, double> personal = [];
        var interestOf = new Dictionary<int, int>();
        if (model is null)
        {
            ranked = candidates.OrderByDescending(Community).ThenByDescending(r => snapshot.Dense.Facts[r].Day).ThenBy(r => snapshot.Dense.Ids[r], StringComparer.Ordinal).Take(limit).ToList();
        }
        else
        {
            // The personal list ranks by the member's interests together; its order is the personal score.
            var placed = model.Rank(snapshot, candidates, Shortlist);
            for (var i = 0; i < placed.Count; i++) { personal[placed[i].Row] = placed.Count - i; interestOf[placed[i].Row] = placed[i].Interest; }
            var byCommunity = candidates.Where(r => Community(r) > 0).OrderByDescending(Community).ThenBy(r => snapshot.Dense.Ids[r], StringComparer.Ordinal).Take(Shortlist).ToList();
            var shortlist = placed.Select(x => x.Row).Union(byCommunity).ToList();
            // Rank percentiles put two scores of different scales on one 0..1 footing before blending.
            var pRank = Percentiles(shortlist, r => personal.GetValueOrDefault(r));
            var cRank = Percentiles(shortlist, Community);
            var p = settings.PersonalPercent / 100.0;
            ranked = shortlist.OrderByDescending(r => p * pRank[r] + (1 - p) * cRank[r])
                .ThenByDescending(r => personal.GetValueOrDefault(r)).ThenBy(r => snapshot.Dense.Ids[r], StringComparer.Ordinal).Take(limit).ToList();
            foreach (var r in ranked.Where(r => !interestOf.ContainsKey(r))) interestOf[r] = model.Closest(snapshot, r);
        }

        var explained = model is null ? [] : ranked.ToDictionary(r => r, r => model.Interests[interestOf[r]].Model.Explain(snapshot, r));
        var labelled = model is { Interests.Count: > 1 } ? model.Interests.SelectMany(i => i.Positives.Take(30)) : [];
        var wanted = ranked.Select(r => snapshot.Dense.Ids[r])
            .Concat(explained.Values.SelectMany(e => e.Near.Select(n => snapshot.Dense.Ids[n.Row])))
            .Concat(labelled.Select(r => snapshot.Dense.Ids[r])).ToHashSet(StringComparer.Ordinal);
        var papers = await store.PapersAsync(wanted, ct);
        var kinds = Kinds(signals);
        var interests = model is { Interests.Count: > 1 } ? model.Interests.Select(i => new InterestSummary(
            Spell(i.Positives.Take(30).Select(r => papers.GetValueOrDefault(snapshot.Dense.Ids[r])).OfType<Paper>().ToList(), i.Label),
            i.Positives.Count)).ToList() : [];
        var picks = new List<Recommendation>(ranked.Count);
        foreach (var r in ranked)
        {
            if (!papers.TryGetValue(snapshot.Dense.Ids[r], out var paper)) continue;
            if (model is null)
            {
                picks.Add(new Recommendation(paper, CommunityWhy(paper), [], [], Community(r)));
                continue;
            }
            var evidence = explained[r];
            var near = evidence.Near.Select(n => papers.GetValueOrDefault(snapshot.Dense.Ids[n.Row])).OfType<Paper>().ToList();
            var words = Words(paper, evidence.Terms);
            var why = PersonalWhy(near, kinds, words, paper, settings.PersonalPercent);
            if (interests.Count > 1) why = $"For your interest in {string.Join(", ", interests[interestOf[r]].Label)}. " + why;
            picks.Add(new Recommendation(paper, why, near, words, personal.GetValueOrDefault(r), interests.Count > 1 ? interestOf[r] : 0));
        }
        var notice = model is not null ? null
            : signals.Count == 0 || signals.All(s => s.Kind == SignalKind.Dismissed)
                ? "Nothing to learn from yet: upvote or save a few papers and picks made for you appear here. Meanwhile, these are the community's."
                : "Nothing to learn from since you reset your recommendations: upvote or save a few papers. Meanwhile, these are the community's.";
        return new Recommendations(picks, model is not null, settings.PersonalPercent, signals.Count, notice, interests);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> of the given papers (a digest's period) that the member's model
    /// likes best, with why; empty when there is no model yet. Community ranking plays no part here:
    /// the digest has its own community section.
    /// </summary>
    public async Task<IReadOnlyList<Recommendation>> RankAsync(long userId, IReadOnlyList<Paper> papers, int limit, CancellationToken ct = default)
    {
        if (papers.Count == 0 || !await index.WaitReadyAsync(TimeSpan.FromSeconds(30), ct)) return [];
        var signals = await store.SignalsAsync(userId, ct);
        var settings = await store.SettingsAsync(userId, ct);
        using var snapshot = index.Acquire();
        if (ModelFor(userId, snapshot, signals, settings) is not { } interests) return [];
        var own = signals.Select(s => s.PaperId).ToHashSet(StringComparer.Ordinal);
        var byId = papers.Where(p => !own.Contains(p.Id) && snapshot.Dense.Rows.ContainsKey(p.Id)).ToDictionary(p => snapshot.Dense.Rows[p.Id]);
        var scored = interests.Rank(snapshot, byId.Keys.ToList(), limit)
            .Select(x => (Paper: byId[x.Row], x.Row, x.Score, x.Interest)).ToList();
        var evidence = scored.ToDictionary(x => x.Row, x => interests.Interests[x.Interest].Model.Explain(snapshot, x.Row));
        var near = await store.PapersAsync(evidence.Values.SelectMany(e => e.Near.Select(n => snapshot.Dense.Ids[n.Row])).ToHashSet(StringComparer.Ordinal), ct);
        var kinds = Kinds(signals);
        return scored.Select(x =>
        {
            var nearPapers = evidence[x.Row].Near.Select(n => near.GetValueOrDefault(snapshot.Dense.Ids[n.Row])).OfType<Paper>().ToList();
            var words = Words(x.Paper, evidence[x.Row].Terms);
            return new Recommendation(x.Paper, PersonalWhy(nearPapers, kinds, words, x.Paper, 100), nearPapers, words, x.Score);
        }).ToList();
    }

    /// <summary>The member's model for this snapshot, trained on a cache miss; null when nothing teaches it.</summary>
    MemberInterests? ModelFor(long userId, Snapshot snapshot, IReadOnlyList<Signal> signals, RecommendationSettings settings)
    {
        var dense = snapshot.Dense;
        var positives = signals.Where(s => s.Kind != SignalKind.Dismissed && (settings.ResetAt is null || string.CompareOrdinal(s.CreatedAt, settings.ResetAt) >= 0))
            .Select(s => dense.Rows.TryGetValue(s.PaperId, out var r) ? r : -1).Where(r => r >= 0).Distinct().Order().ToList();
        var dismissed = signals.Where(s => s.Kind == SignalKind.Dismissed)
            .Select(s => dense.Rows.TryGetValue(s.PaperId, out var r) ? r : -1).Where(r => r >= 0).Distinct().Order().ToList();
        var features = MemberModel.FeaturesFor(snapshot);
        // The features are in the key: once the neural vectors cover the index, the next request retrains on them.
        var key = features + "|" + string.Join(',', positives) + "|" + string.Join(',', dismissed);
        if (_models.TryGetValue(userId, out var cached) && ReferenceEquals(cached.Dense, dense) && cached.Key == key) return cached.Model;
        // A member's papers are split into the separate interests they form (MemberInterests): on six draws of
        // simulated members with 2-3 topics each, better than one model on P@10 and R@50 every time (docs/RECOMMENDATIONS.md).
        var model = positives.Count == 0 ? null : MemberInterests.Train(snapshot, positives, dismissed, seed: (int)(userId % int.MaxValue), features);
        if (_models.Count > 10_000) _models.Clear();
        _models[userId] = new CachedModel(dense, key, model);
        return model;
    }

    Recent RecentFor(DenseIndex dense) => RecentRows.GetValue(dense, d =>
    {
        var newest = d.Facts.Length == 0 ? 0 : d.Facts.Max(f => f.Day);
        var newestDay = newest == 0 ? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) : new DateOnly(newest / 10000, newest / 100 % 100, newest % 100);
        var since = newestDay.AddDays(-CandidateDays);
        var sinceNumber = since.Year * 10000 + since.Month * 100 + since.Day;
        var rows = Enumerable.Range(0, d.Count).Where(r => d.Facts[r].Day >= sinceNumber).ToArray();
        return new Recent(rows, Trending.ReferenceTime(newestDay, time.GetUtcNow()), StoredTime.FormatDay(since));
    });

    /// <summary>Trending scores of the recent papers with upvotes, from the database (the index's counts lag votes).</summary>
    async Task<Dictionary<string, double>> CommunityScoresAsync(Recent recent, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<(string Id, long Upvotes, string? Published)>(new CommandDefinition(
            "SELECT id, upvotes, published FROM papers WHERE upvotes > 0 AND hidden = FALSE AND published >= @since",
            new { since = recent.Since }, cancellationToken: ct));
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (id, upvotes, published) in rows)
        {
            var day = StoredTime.ParseDay(published);
            var age = day is null ? 0 : (recent.Reference - new DateTimeOffset(day.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).TotalHours;
            scores[id] = Trending.Score(upvotes, age);
        }
        return scores;
    }

    static Dictionary<int, double> Percentiles(List<int> rows, Func<int, double> score)
    {
        var ordered = rows.OrderBy(score).ToList();
        var result = new Dictionary<int, double>(rows.Count);
        for (var i = 0; i < ordered.Count; i++) result[ordered[i]] = ordered.Count == 1 ? 1 : (double)i / (ordered.Count - 1);
        return result;
    }

    static Dictionary<string, SignalKind> Kinds(IReadOnlyList<Signal> signals)
    {
        var kinds = new Dictionary<string, SignalKind>(StringComparer.Ordinal);
        // Saved outranks collected outranks upvoted when a paper is all three: the stronger statement.
        foreach (var s in signals.Where(s => s.Kind != SignalKind.Dismissed).OrderBy(s => s.Kind switch { SignalKind.Saved => 0, SignalKind.Collected => 1, _ => 2 }))
            kinds.TryAdd(s.PaperId, s.Kind);
        return kinds;
    }

    /// <summary>An interest's stems as its papers spell them.</summary>
    static List<string> Spell(IReadOnlyList<Paper> papers, IReadOnlyList<string> stems) =>
        stems.Select(stem => papers.Select(p => Words(p, [stem])[0]).FirstOrDefault(w => w != stem) ?? stem).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Stems back to a word as the paper spells it ("transform" → "transformers"), for people.</summary>
    static List<string> Words(Paper paper, IReadOnlyList<string> stems)
    {
        var text = paper.Title + "\n" + paper.Abstract;
        var tokens = TextAnalysis.Tokens(text);
        return stems.Select(stem => tokens.FirstOrDefault(t => t.Term == stem) is { End: > 0 } t
                ? text[t.Start..t.End].ToLowerInvariant() : stem)
            .Distinct(StringComparer.Ordinal).ToList();
    }

    static string PersonalWhy(IReadOnlyList<Paper> near, IReadOnlyDictionary<string, SignalKind> kinds, IReadOnlyList<string> words, Paper paper, int personalPercent)
    {
        var parts = new List<string>();
        if (near.Count > 0)
        {
            var verbs = near.Select(p => kinds.GetValueOrDefault(p.Id, SignalKind.Upvoted) switch
            {
                SignalKind.Saved => "saved",
                SignalKind.Collected => "collected",
                _ => "upvoted",
            }).Distinct().ToList();
            parts.Add($"Close to papers you {string.Join(" and ", verbs)}: {string.Join(", ", near.Select(p => "“" + Feed.Text.OneLine(p.Title) + "”"))}");
        }
        if (words.Count > 0) parts.Add("shared terms: " + string.Join(", ", words));
        if (personalPercent < 100 && paper.Upvotes > 0) parts.Add(paper.Upvotes == 1 ? "1 upvote" : $"{paper.Upvotes} upvotes");
        return parts.Count == 0 ? "Scored by your model" : string.Join("; ", parts) + ".";
    }

    static string CommunityWhy(Paper paper) =>
        paper.Upvotes > 0 ? $"Trending with the community: {(paper.Upvotes == 1 ? "1 upvote" : $"{paper.Upvotes} upvotes")}." : "New this month.";
}
