using System.Globalization;
using Paperboy.Config;

namespace Paperboy.Search;

/// <summary>
/// Ranking constants, each with its reason. Defaults are what docs/SEARCH.md measured on both
/// test collections; <c>PAPERBOY_SEARCH_TUNE="k1=1.2,b=0.75"</c> overrides them for experiments.
/// </summary>
public sealed record SearchSettings
{
    /// <summary>BM25 term-frequency saturation and length normalisation. Short texts (titles plus
    /// abstracts) favour the lower k1/b that Anserini uses for its MS MARCO and TREC baselines.</summary>
    public float K1 { get; init; } = 0.9f;
    public float B { get; init; } = 0.4f;

    /// <summary>A title match adds this fraction of an abstract match on top of it: titles name the subject.</summary>
    public float TitleBoost { get; init; } = 0.5f;
    public float AuthorBoost { get; init; } = 1.0f;

    /// <summary>LSA dimensions: 150–300 is the classic range (Landauer and Dumais); 192 keeps a 48k corpus at 37 MB.</summary>
    public int Dimensions { get; init; } = 192;

    /// <summary>Papers LSA learns from (a uniform sample beyond this): memory stays flat as the catalog grows.</summary>
    public int LsaSample { get; init; } = 50_000;

    /// <summary>RM3 pseudo-relevance feedback in hybrid mode (Anserini's defaults: 10 docs, 10 terms, 0.5).
    /// Off: measured, it helped Cranfield but hurt CACM in every setting tried (docs/SEARCH.md); dense feedback below did not.</summary>
    public bool Rm3 { get; init; }
    public int FeedbackDocs { get; init; } = 10;
    public int FeedbackTerms { get; init; } = 10;
    public float OriginalQueryWeight { get; init; } = 0.5f;

    /// <summary>Dense feedback: the query vector moves towards the mean of the top keyword hits (Rocchio's β).</summary>
    public int DenseFeedbackDocs { get; init; } = 10;
    public float DenseFeedbackWeight { get; init; } = 1.0f;

    /// <summary>Reciprocal rank fusion: k = 60 from Cormack, Clarke and Büttcher (2009); the dense list's weight relative to keyword.</summary>
    public float RrfK { get; init; } = 60f;
    public float DenseWeight { get; init; } = 1.0f;

    /// <summary>
    /// Linear fusion instead of RRF: (1−λ)·keyword + λ·dense, each min–max normalised over its
    /// candidates. On by default: RRF (any weight tried) lost to keyword alone on CACM, where the
    /// built-in dense list is much weaker than BM25 and equal rank credit lets it displace good hits;
    /// λ = 0.25 beat keyword on both collections, with 0.2–0.4 all within a point (a flat optimum, not a fit).
    /// </summary>
    public bool LinearFusion { get; init; } = true;
    public float LinearDenseWeight { get; init; } = 0.25f;

    /// <summary>
    /// The built-in neural model's share in hybrid fusion, and LSA's beside it (0: LSA is not used
    /// once papers have model vectors). Tuned on CACM and Cranfield together (docs/SEARCH.md).
    /// </summary>
    public float NeuralWeight { get; init; } = 0.45f;
    public float LsaWeight { get; init; } = 0.25f;

    /// <summary>
    /// Above this many papers, LSA re-scores the keyword and model lists' candidates instead of scanning every
    /// paper's vector (1M × 192 floats: ~55 ms a query); below, it ranks the whole catalog. docs/SEARCH.md has
    /// the MAP of both ways on CACM and Cranfield.
    /// </summary>
    public int LsaScanUpTo { get; init; } = NeuralIndex.DefaultGraphFromRows;

    /// <summary>
    /// Above this many papers, a query of several words first ranks the papers that have them all, and ranks
    /// every paper with any of them only when fewer than the list asked have them all (docs/SEARCH.md).
    /// </summary>
    public int ConjunctionFrom { get; init; } = NeuralIndex.DefaultGraphFromRows;

    /// <summary>
    /// The conjunction walks one list per word, the text field's (title and abstract), and adds title and author
    /// matches to the papers it finds; off (for measurement), each word's three fields at once: same top 100 on the
    /// 40 benchmark searches at 1M, ~20 % slower (docs/PERFORMANCE.md).
    /// </summary>
    public bool FlatConjunction { get; init; } = true;

    /// <summary>
    /// The relevance floor: a paper that no query word matches is shown only when the model's cosine
    /// (before feedback moves the query) reaches <see cref="SemanticFloor"/>, or LSA's reaches
    /// <see cref="LsaFloor"/>. Measured on CACM and Cranfield (docs/SEARCH.md, "Nothing found").
    /// </summary>
    public double SemanticFloor { get; init; } = 0.3;
    public double LsaFloor { get; init; } = 2;

    /// <summary>Rocchio feedback in the model's space: the query moves towards the top keyword hits' vectors.</summary>
    public int NeuralFeedbackDocs { get; init; } = 10;
    public float NeuralFeedbackWeight { get; init; }

    /// <summary>The model's neighbours' share when fused with more-like-this for similar papers.</summary>
    public float SimilarNeuralWeight { get; init; } = 0.5f;

    /// <summary>More-like-this for similar papers: the paper's most distinctive terms by tf·idf.</summary>
    public int SimilarTerms { get; init; } = 25;

    /// <summary>For measurement: 0 fuses both lists, 1 uses only the dense neighbours, 2 only more-like-this.</summary>
    public int SimilarSource { get; init; }

    /// <summary>For the commands and benchmarks without the web host: the same parser over the environment.</summary>
    public static SearchSettings FromEnvironment() => SettingsSetup.FromEnvironment(Read);

    /// <summary>
    /// <c>PAPERBOY_SEARCH_TUNE</c>: comma-separated <c>name=number</c> pairs; a pair that is not one, or a name
    /// that is not below, is an error rather than an experiment quietly run with the defaults.
    /// </summary>
    public static SearchSettings Read(SettingsReader config)
    {
        var settings = new SearchSettings();
        if (config.Text("PAPERBOY_SEARCH_TUNE") is not { } tune) return settings;
        foreach (var pair in tune.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !Tunables.TryGetValue(kv[0].ToLowerInvariant(), out var tuned))
                config.Fail("PAPERBOY_SEARCH_TUNE", pair, $"is not name=number (names: {string.Join(", ", Tunables.Keys)})");
            else
                settings = tuned(settings, v);
        }
        return settings;
    }

    static readonly Dictionary<string, Func<SearchSettings, double, SearchSettings>> Tunables = new()
    {
        ["k1"] = (s, v) => s with { K1 = (float)v },
        ["b"] = (s, v) => s with { B = (float)v },
        ["title"] = (s, v) => s with { TitleBoost = (float)v },
        ["author"] = (s, v) => s with { AuthorBoost = (float)v },
        ["lsasample"] = (s, v) => s with { LsaSample = (int)v },
        ["dims"] = (s, v) => s with { Dimensions = (int)v },
        ["rm3"] = (s, v) => s with { Rm3 = v != 0 },
        ["fbdocs"] = (s, v) => s with { FeedbackDocs = (int)v },
        ["fbterms"] = (s, v) => s with { FeedbackTerms = (int)v },
        ["origweight"] = (s, v) => s with { OriginalQueryWeight = (float)v },
        ["densefbdocs"] = (s, v) => s with { DenseFeedbackDocs = (int)v },
        ["densefb"] = (s, v) => s with { DenseFeedbackWeight = (float)v },
        ["rrfk"] = (s, v) => s with { RrfK = (float)v },
        ["dense"] = (s, v) => s with { DenseWeight = (float)v },
        ["linear"] = (s, v) => s with { LinearFusion = v != 0 },
        ["lambda"] = (s, v) => s with { LinearDenseWeight = (float)v },
        ["neural"] = (s, v) => s with { NeuralWeight = (float)v },
        ["lsa"] = (s, v) => s with { LsaWeight = (float)v },
        ["lsascan"] = (s, v) => s with { LsaScanUpTo = (int)v },
        ["conjunction"] = (s, v) => s with { ConjunctionFrom = (int)v },
        ["flat"] = (s, v) => s with { FlatConjunction = v != 0 },
        ["neuralfb"] = (s, v) => s with { NeuralFeedbackWeight = (float)v },
        ["neuralfbdocs"] = (s, v) => s with { NeuralFeedbackDocs = (int)v },
        ["semfloor"] = (s, v) => s with { SemanticFloor = v },
        ["lsafloor"] = (s, v) => s with { LsaFloor = v },
        ["simneural"] = (s, v) => s with { SimilarNeuralWeight = (float)v },
        ["simterms"] = (s, v) => s with { SimilarTerms = (int)v },
        ["simsource"] = (s, v) => s with { SimilarSource = (int)v },
    };
}
