using System.Globalization;

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

    public static SearchSettings FromEnvironment()
    {
        var settings = new SearchSettings();
        var tune = Environment.GetEnvironmentVariable("PAPERBOY_SEARCH_TUNE");
        if (string.IsNullOrWhiteSpace(tune)) return settings;
        foreach (var pair in tune.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) continue;
            settings = kv[0].ToLowerInvariant() switch
            {
                "k1" => settings with { K1 = (float)v },
                "b" => settings with { B = (float)v },
                "title" => settings with { TitleBoost = (float)v },
                "author" => settings with { AuthorBoost = (float)v },
                "lsasample" => settings with { LsaSample = (int)v },
                "dims" => settings with { Dimensions = (int)v },
                "rm3" => settings with { Rm3 = v != 0 },
                "fbdocs" => settings with { FeedbackDocs = (int)v },
                "fbterms" => settings with { FeedbackTerms = (int)v },
                "origweight" => settings with { OriginalQueryWeight = (float)v },
                "densefbdocs" => settings with { DenseFeedbackDocs = (int)v },
                "densefb" => settings with { DenseFeedbackWeight = (float)v },
                "rrfk" => settings with { RrfK = (float)v },
                "dense" => settings with { DenseWeight = (float)v },
                "linear" => settings with { LinearFusion = v != 0 },
                "lambda" => settings with { LinearDenseWeight = (float)v },
                "neural" => settings with { NeuralWeight = (float)v },
                "lsa" => settings with { LsaWeight = (float)v },
                "neuralfb" => settings with { NeuralFeedbackWeight = (float)v },
                "neuralfbdocs" => settings with { NeuralFeedbackDocs = (int)v },
                "semfloor" => settings with { SemanticFloor = v },
                "lsafloor" => settings with { LsaFloor = v },
                "simneural" => settings with { SimilarNeuralWeight = (float)v },
                "simterms" => settings with { SimilarTerms = (int)v },
                "simsource" => settings with { SimilarSource = (int)v },
                _ => settings,
            };
        }
        return settings;
    }
}
