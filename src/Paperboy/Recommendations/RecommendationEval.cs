using System.Diagnostics;
using Paperboy.Search;

namespace Paperboy.Recommendations;

/// <summary>One method's averages over the simulated members.</summary>
public sealed record MethodScore(string Method, double PrecisionAt10, double RecallAt50, double MeanReciprocalRank, double MillisecondsPerMember);

/// <summary>A simulated member: the topics they follow, the likes the model sees, and the likes held out.</summary>
public sealed record SimulatedMember(IReadOnlyList<string> Topics, IReadOnlyList<int> Train, IReadOnlyList<int> HeldOut);

/// <summary>
/// Offline measurement of recommendation quality (docs/RECOMMENDATIONS.md). Members are simulated
/// from arXiv categories: a topic is a pair of categories that papers carry together (cs.CV with
/// cs.RO: robot vision), narrow enough (30–400 papers) to be one person's interest. A member follows
/// 1–3 topics and likes up to 60 of their papers; half the likes train the model, the other half are
/// held out, and each method ranks every paper but the training likes. Precision@10 and recall@50
/// count held-out likes only, so they understate real quality (other papers of the topic are good
/// picks too) the same way for every method.
/// </summary>
public static class RecommendationEval
{
    public const int LikesPerMember = 60;

    /// <summary>Every visible paper's categories, for <see cref="Simulate"/>.</summary>
    public static async Task<Dictionary<string, IReadOnlyList<string>>> CategoriesAsync(Storage.Database database, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await Dapper.SqlMapper.QueryAsync<Papers.Paper>(c, new Dapper.CommandDefinition(
            "SELECT id, categories FROM papers WHERE hidden = FALSE", cancellationToken: ct));
        return rows.ToDictionary(p => p.Id, p => p.CategoryList, StringComparer.Ordinal);
    }

    /// <param name="minTopics">Each member follows between this many and 3 topics (2 for the several-interests measure).</param>
    public static List<SimulatedMember> Simulate(Snapshot s, IReadOnlyDictionary<string, IReadOnlyList<string>> categories, int members, int seed, int minTopics = 1)
    {
        var byTopic = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var r = 0; r < s.Dense.Count; r++)
        {
            if (!categories.TryGetValue(s.Dense.Ids[r], out var cats)) continue;
            var distinct = cats.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            for (var i = 0; i < distinct.Count; i++)
                for (var j = i + 1; j < distinct.Count; j++)
                {
                    var topic = distinct[i] + " + " + distinct[j];
                    if (!byTopic.TryGetValue(topic, out var rows)) byTopic[topic] = rows = [];
                    rows.Add(r);
                }
        }
        var topics = byTopic.Where(kv => kv.Value.Count is >= 30 and <= 400).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        var rng = new Random(seed);
        var result = new List<SimulatedMember>(members);
        if (topics.Count == 0) return result;
        for (var m = 0; m < members; m++)
        {
            List<string> follows;
            if (minTopics <= 1)
            {
                // 1–3 draws, a repeated topic dropped: the members every published figure was measured on.
                follows = Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => topics[rng.Next(topics.Count)]).Distinct().ToList();
            }
            else
            {
                // At least minTopics distinct topics: a repeated draw is drawn again.
                var count = minTopics + rng.Next(Math.Max(1, 4 - minTopics));
                follows = [];
                for (var tries = 0; follows.Count < Math.Min(count, topics.Count) && tries < 100; tries++)
                {
                    var t = topics[rng.Next(topics.Count)];
                    if (!follows.Contains(t)) follows.Add(t);
                }
            }
            var pool = follows.SelectMany(t => byTopic[t]).Distinct().ToArray();
            rng.Shuffle(pool);
            var likes = pool.Take(LikesPerMember).ToArray();
            var half = likes.Length / 2;
            result.Add(new SimulatedMember(follows, likes[..half], likes[half..]));
        }
        return result;
    }

    /// <summary>
    /// Scores of popularity and of the site's model (LSA + TF-IDF); with <paramref name="compareAll"/>
    /// also of each feature set alone and of arxiv-sanity's recipe.
    /// </summary>
    /// <param name="only">When given, only the methods whose names it accepts run (the benchmark's filter).</param>
    public static List<MethodScore> Run(Snapshot s, IReadOnlyList<SimulatedMember> members, bool compareAll = true, Func<string, bool>? only = null)
    {
        // Popularity: how many members liked a paper (training likes only), the "trending" of this world.
        var likes = new int[s.Dense.Count];
        foreach (var m in members) foreach (var r in m.Train) likes[r]++;
        var all = Enumerable.Range(0, s.Dense.Count).ToList();
        var methods = new List<(string Name, Func<SimulatedMember, int, Func<int, double>> Scorer)>
        {
            ("popularity (likes by all simulated members)", (_, _) => r => likes[r]),
            ($"Paperboy: {Describe(MemberModel.FeaturesFor(s))}, linear SVM", (m, seed) => Model(s, m, seed, MemberModel.FeaturesFor(s))),
        };
        if (compareAll)
        {
            methods.Add(($"several interests: {Describe(MemberModel.FeaturesFor(s))} per interest", (m, seed) => Interests(s, m, seed, MemberModel.FeaturesFor(s))));
            if (s.Neural is { Count: > 0 })
            {
                methods.Add(("MiniLM vectors only, linear SVM", (m, seed) => Model(s, m, seed, FeatureSet.Neural)));
                methods.Add(("MiniLM + TF-IDF, linear SVM", (m, seed) => Model(s, m, seed, FeatureSet.NeuralTerms)));
                methods.Add(("MiniLM + LSA + TF-IDF, linear SVM", (m, seed) => Model(s, m, seed, FeatureSet.All)));
                methods.Add(("LSA + TF-IDF, linear SVM (before MiniLM)", (m, seed) => Model(s, m, seed, FeatureSet.Both)));
            }
            methods.Add(("LSA vectors only, linear SVM", (m, seed) => Model(s, m, seed, FeatureSet.Dense)));
            methods.Add(("TF-IDF only, linear SVM, sampled negatives", (m, seed) => Model(s, m, seed, FeatureSet.Terms)));
            methods.Add(("arxiv-sanity: TF-IDF, linear SVM, C=0.01, every other paper negative", (m, seed) =>
            {
                var model = MemberModel.Train(s, m.Train, [], seed, FeatureSet.Terms, negatives: all, c: 0.01);
                return r => model.Score(s, r);
            }
            ));
        }
        var scores = new List<MethodScore>();
        foreach (var (name, scorer) in methods.Where(m => only is null || only(m.Name)))
        {
            double p10 = 0, r50 = 0, mrr = 0;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < members.Count; i++)
            {
                var m = members[i];
                var score = scorer(m, i + 1);
                var train = m.Train.ToHashSet();
                var held = m.HeldOut.ToHashSet();
                // Ties (popularity has many) are broken by a fixed pseudo-random order, not by row order.
                var top = all.Where(r => !train.Contains(r))
                    .Select(r => (Row: r, Score: score(r), Tie: (uint)(r * 2654435761u)))
                    .OrderByDescending(x => x.Score).ThenBy(x => x.Tie).Take(50).Select(x => x.Row).ToList();
                p10 += top.Take(10).Count(held.Contains) / 10.0;
                r50 += held.Count == 0 ? 0 : (double)top.Count(held.Contains) / held.Count;
                var first = top.FindIndex(held.Contains);
                mrr += first < 0 ? 0 : 1.0 / (first + 1);
            }
            var n = Math.Max(1, members.Count);
            scores.Add(new MethodScore(name, p10 / n, r50 / n, mrr / n, clock.Elapsed.TotalMilliseconds / n));
        }
        return scores;
    }

    static string Describe(FeatureSet f) => string.Join(" + ",
        new[] { (FeatureSet.Neural, "MiniLM"), (FeatureSet.Dense, "LSA"), (FeatureSet.Terms, "TF-IDF") }.Where(x => f.HasFlag(x.Item1)).Select(x => x.Item2));

    /// <summary>The interleaved ranking as a score: earlier in the list, higher.</summary>
    static Func<int, double> Interests(Snapshot s, SimulatedMember m, int seed, FeatureSet features)
    {
        var interests = MemberInterests.Train(s, m.Train, [], seed, features);
        var train = m.Train.ToHashSet();
        var ranked = interests.Rank(s, Enumerable.Range(0, s.Dense.Count).Where(r => !train.Contains(r)).ToList(), 50);
        var position = new Dictionary<int, double>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++) position[ranked[i].Row] = ranked.Count - i;
        return r => position.GetValueOrDefault(r);
    }

    static Func<int, double> Model(Snapshot s, SimulatedMember m, int seed, FeatureSet features)
    {
        var model = MemberModel.Train(s, m.Train, [], seed, features);
        return r => model.Score(s, r);
    }
}
