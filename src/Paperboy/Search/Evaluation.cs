using System.Globalization;

namespace Paperboy.Search;

/// <summary>
/// Relevance evaluation as in trec_eval: MAP, nDCG@10 (graded gain, log2 discount), P@10, R@100 and
/// MRR, averaged over queries that have at least one relevant document (grade > 0).
/// </summary>
public sealed class Evaluation
{
    readonly Dictionary<string, Dictionary<string, int>> _qrels;

    public Evaluation(Dictionary<string, Dictionary<string, int>> qrels) => _qrels = qrels;

    public static Dictionary<string, Dictionary<string, int>> ReadQrels(string path)
    {
        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 4) continue;
            if (!int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var grade)) continue;
            if (!qrels.TryGetValue(parts[0], out var judged)) qrels[parts[0]] = judged = new(StringComparer.Ordinal);
            judged[parts[2]] = Math.Max(grade, judged.GetValueOrDefault(parts[2], int.MinValue));
        }
        return qrels;
    }

    public static List<(string Id, string Text)> ReadQueries(string path)
    {
        var queries = new List<(string, string)>();
        foreach (var line in File.ReadLines(path))
        {
            var tab = line.IndexOf('\t');
            if (tab <= 0) continue;
            queries.Add((line[..tab].Trim(), line[(tab + 1)..]));
        }
        return queries;
    }

    public sealed record Scores(double Map, double Ndcg10, double P10, double R100, double Mrr, int Queries)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"map={Map:0.0000} ndcg@10={Ndcg10:0.0000} p@10={P10:0.0000} r@100={R100:0.0000} mrr={Mrr:0.0000} queries={Queries}");
    }

    /// <summary>Per-query scores, or null when the query has no relevant document and is not scored.</summary>
    public Scores? Score(string qid, IReadOnlyList<string> ranking)
    {
        if (!_qrels.TryGetValue(qid, out var judged)) return null;
        var relevant = judged.Count(kv => kv.Value > 0);
        if (relevant == 0) return null;
        double hits = 0, sumPrecision = 0, dcg = 0, rr = 0;
        int hits10 = 0, hits100 = 0;
        for (var i = 0; i < ranking.Count; i++)
        {
            var grade = judged.GetValueOrDefault(ranking[i]);
            if (grade <= 0) continue;
            hits++;
            sumPrecision += hits / (i + 1);
            if (rr == 0) rr = 1.0 / (i + 1);
            if (i < 10) { hits10++; dcg += grade / Math.Log2(i + 2); }
            if (i < 100) hits100++;
        }
        var ideal = judged.Values.Where(g => g > 0).OrderByDescending(g => g).Take(10).Select((g, i) => g / Math.Log2(i + 2)).Sum();
        return new Scores(sumPrecision / relevant, ideal > 0 ? dcg / ideal : 0, hits10 / 10.0, (double)hits100 / relevant, rr, 1);
    }

    public static Scores Mean(IReadOnlyList<Scores> scores) => scores.Count == 0
        ? new Scores(0, 0, 0, 0, 0, 0)
        : new Scores(scores.Average(s => s.Map), scores.Average(s => s.Ndcg10), scores.Average(s => s.P10),
            scores.Average(s => s.R100), scores.Average(s => s.Mrr), scores.Count);
}
