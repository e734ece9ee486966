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

    public static List<SimulatedMember> Simulate(Snapshot s, IReadOnlyDictionary<string, IReadOnlyList<string>> categories, int members, int seed)
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
            var follows = Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => topics[rng.Next(topics.Count)]).Distinct().ToList();
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
    public static List<MethodScore> Run(Snapshot s, IReadOnlyList<SimulatedMember> members, bool compareAll = true)
    {
        // Popularity: how many members liked a paper (training likes only), the "trending" of this world.
        var likes = new int[s.Dense.Count];
        foreach (var m in members) foreach (var r in m.Train) likes[r]++;
        var all = Enumerable.Range(0, s.Dense.Count).ToList();
        var methods = new List<(string Name, Func<SimulatedMember, int, Func<int, double>> Scorer)>
        {
            ("popularity (likes by all simulated members)", (_, _) => r => likes[r]),
            ("Paperboy: LSA + TF-IDF, linear SVM", (m, seed) => Model(s, m, seed, FeatureSet.Both)),
        };
        if (compareAll)
        {
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
        foreach (var (name, scorer) in methods)
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

    static Func<int, double> Model(Snapshot s, SimulatedMember m, int seed, FeatureSet features)
    {
        var model = MemberModel.Train(s, m.Train, [], seed, features);
        return r => model.Score(s, r);
    }
}
