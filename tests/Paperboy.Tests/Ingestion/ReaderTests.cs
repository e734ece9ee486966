using Paperboy.Ingestion;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Ingestion;

/// <summary>Each reader over the real files of ../shared/data, with values checked by reading the files.</summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class ReaderTests
{
    static List<ReadResult> ReadAll(string format, string path)
    {
        using var stream = FormatDetector.Open(path);
        return Importer.Readers[format]().Read(stream, path).ToList();
    }

    static ImportedPaper Paper(List<ReadResult> results, string id) =>
        Assert.Single(results, r => r.Paper?.Id == id).Paper!;

    [Theory]
    [InlineData("hf-daily", "hf-daily-papers/2024-06-05.json", 8)]
    [InlineData("hf-daily", "hf-daily-papers/2024-06-13.json", 21)]
    [InlineData("hf-daily", "hf-daily-papers/2025-09-01.json", 13)]
    [InlineData("hf-daily", "hf-daily-papers/2025-11-20.json", 8)]
    [InlineData("arxiv-kaggle", "arxiv/kaggle-snapshot/arxiv-metadata-oai-snapshot.head200.jsonl", 200)]
    [InlineData("arxiv-atom", "arxiv/atom-api-2016/id_list_1111.2011v2.xml", 1)]
    [InlineData("arxiv-atom", "arxiv/atom-api-2016/au_del_maestro.xml", 10)]
    [InlineData("arxiv-atom", "arxiv/atom-api-2016/au_del_maestro_AND_ti_quantum_criticality.xml", 2)]
    [InlineData("arxiv-atom", "arxiv/atom-api-2026/q_testing_s0_m100_cfe7536492ca.body.xml", 100)]
    [InlineData("arxiv-atom", "arxiv/atom-api-2026/q_testing_s5_m15_bbcf6b23085b.body.xml", 15)]
    [InlineData("arxiv-atom", "arxiv/atom-api-2026/id_1605.08386_s0_m100_199195aa31ad.body.xml", 1)]
    [InlineData("arxiv-atom", "arxiv/atom-api-2026/id_0000.0000_s0_m100_8b51d9633a68.body.xml", 0)]
    [InlineData("arxiv-oai", "arxiv/oai-pmh/arxiv-physics-hep-th.xml", 3)]
    [InlineData("arxiv-oai", "arxiv/oai-pmh/arxiv-physics-hep-ex.xml", 3)]
    [InlineData("arxiv-oai", "arxiv/oai-pmh/arxiv-single.xml", 1)]
    [InlineData("arxiv-oai", "arxiv/oai-pmh/sample_arxiv_record.xml", 12)]
    [InlineData("arxiv-oai", "arxiv/oai-pmh/sample_arxiv_record4.xml", 1)]
    public void RealFilesAreDetectedAndReadWithoutRejections(string format, string relativePath, int records)
    {
        var path = SharedData.Path(relativePath.Split('/'));
        Assert.Equal((format, (string?)null), FormatDetector.Detect(path));
        var results = ReadAll(format, path);
        Assert.Empty(results.Where(r => r.Error is not null).Select(r => $"{r.Position}: {r.Error}"));
        Assert.Equal(records, results.Count);
        Assert.Equal(Enumerable.Range(1, records).Select(i => (long)i), results.Select(r => r.Position));
    }

    [Fact]
    public void HfItemsOfThe2025SchemaAreFeaturedOnTheDayTheyWereSubmittedNotTheDayOfTheItemsPublishedAt()
    {
        var results = ReadAll("hf-daily", SharedData.Path("hf-daily-papers", "2025-11-20.json"));
        // Item publishedAt 2025-11-18T22:18:29Z (the arXiv time); paper.submittedOnDailyAt 2025-11-20T00:24:18.639Z.
        var p = Paper(results, "2511.15065");
        Assert.Equal(1, results.FindIndex(r => r.Paper == p) + 1);
        Assert.Equal("Reasoning via Video: The First Evaluation of Video Models' Reasoning Abilities through Maze-Solving Tasks", p.Title);
        Assert.Equal(new DateOnly(2025, 11, 20), p.Daily!.Day);
        Assert.Equal(new DateTimeOffset(2025, 11, 20, 0, 24, 18, 639, TimeSpan.Zero), p.Daily.FeaturedAt);
        Assert.Equal("taesiri", p.Daily.SubmittedByUser);
        Assert.Equal("taesiri", p.Daily.SubmittedByName);
        Assert.Equal(new DateOnly(2025, 11, 19), p.Published);
        Assert.Equal(57, p.Upvotes);
        Assert.Equal(2, p.NumComments);
        Assert.Equal(11, p.Authors!.Count);
        Assert.Equal("Cheng Yang", p.Authors[0]);
        Assert.Equal("https://github.com/ImYangC7/VR-Bench", p.CodeUrl);
        Assert.Equal(2, p.GithubStars);
        Assert.Equal("https://imyangc7.github.io/VRBench_Web/", p.ProjectUrl);
        Assert.Equal(13, p.AiKeywords!.Count);
        Assert.Equal("video models", p.AiKeywords[0]);
        Assert.StartsWith("VR-Bench evaluates video models' spatial reasoning", p.AiSummary, StringComparison.Ordinal);
        Assert.StartsWith("Video Models have achieved remarkable success", p.Abstract, StringComparison.Ordinal);
        Assert.Equal("https://arxiv.org/abs/2511.15065", p.AbsUrl);
        Assert.True(results.All(r => r.Paper!.Daily!.Day == new DateOnly(2025, 11, 20)));
    }

    [Fact]
    public void HfItemsOfThe2024SchemaAreFeaturedOnTheDayOfTheItemsPublishedAtAndNamedByTheirSubmitter()
    {
        var results = ReadAll("hf-daily", SharedData.Path("hf-daily-papers", "2024-06-13.json"));
        var p = Paper(results, "2406.06523");
        Assert.Equal(new DateOnly(2024, 6, 13), p.Daily!.Day);
        Assert.Equal(new DateTimeOffset(2024, 6, 13, 1, 59, 44, 496, TimeSpan.Zero), p.Daily.FeaturedAt);
        Assert.Equal("yulunliu", p.Daily.SubmittedByUser);
        Assert.Equal("Yu-Lun Liu", p.Daily.SubmittedByName);
        Assert.Equal(32, p.Upvotes);
        Assert.Equal(1, p.NumComments);
        Assert.Equal(6, p.Authors!.Count);
        Assert.Null(p.CodeUrl);
        Assert.True(results.All(r => r.Paper!.Daily!.Day == new DateOnly(2024, 6, 13)));

        // An item without submittedBy is still featured, by nobody in particular.
        var seed = Paper(ReadAll("hf-daily", SharedData.Path("hf-daily-papers", "2024-06-05.json")), "2406.02430");
        Assert.Equal("Seed-TTS: A Family of High-Quality Versatile Speech Generation Models", seed.Title);
        Assert.Equal(new DateOnly(2024, 6, 5), seed.Daily!.Day);
        Assert.Null(seed.Daily.SubmittedByUser);
        Assert.Equal(46, seed.Authors!.Count);
        Assert.Equal(13, seed.Upvotes);
        Assert.Equal(new DateOnly(2024, 6, 4), seed.Published);
    }

    [Fact]
    public void KaggleRecordsTakeAuthorsFromAuthorsParsedAndDatesFromTheirVersions()
    {
        var results = ReadAll("arxiv-kaggle", SharedData.Path("arxiv", "kaggle-snapshot", "arxiv-metadata-oai-snapshot.head200.jsonl"));
        var p = Paper(results, "0704.0001");
        Assert.Equal("Calculation of prompt diphoton production cross sections at Tevatron and LHC energies", p.Title);
        Assert.Equal(["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"], p.Authors);
        Assert.Equal(new DateOnly(2007, 4, 2), p.Published);   // "Mon, 2 Apr 2007 19:18:42 GMT"
        Assert.Equal(new DateOnly(2007, 7, 24), p.Updated);    // "Tue, 24 Jul 2007 20:10:27 GMT"
        Assert.Equal(2, p.Version);
        Assert.Equal(["hep-ph"], p.Categories);
        Assert.Equal("10.1103/PhysRevD.76.013009", p.Doi);
        Assert.Equal("Phys.Rev.D76:013009,2007", p.JournalRef);
        Assert.Equal("37 pages, 15 figures; published version", p.Comments);
        Assert.StartsWith("A fully differential calculation in perturbative quantum chromodynamics is presented for", p.Abstract, StringComparison.Ordinal);

        Assert.Equal(["math.CO", "cs.CG"], Paper(results, "0704.0002").Categories);
        Assert.Equal("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", Paper(results, "0704.0002").License);
        Assert.Contains("Neal J. Evans II", Paper(results, "0704.0009").Authors!); // [last, first, suffix]
    }

    [Fact]
    public void AtomEntriesGiveAnUnversionedIdWithTheVersionAndThePrimaryCategoryFirst()
    {
        var old = Paper(ReadAll("arxiv-atom", SharedData.Path("arxiv", "atom-api-2016", "id_list_1111.2011v2.xml")), "1111.2011");
        Assert.Equal(2, old.Version);
        Assert.Equal("Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit", old.Title);
        Assert.Equal(["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"], old.Authors);
        Assert.Equal(new DateOnly(2011, 11, 8), old.Published);
        Assert.Equal(new DateOnly(2012, 4, 2), old.Updated);
        Assert.Equal(["cond-mat.str-el", "cond-mat.stat-mech"], old.Categories);
        Assert.Equal("10.1103/PhysRevB.85.115117", old.Doi);
        Assert.Equal("Phys. Rev. B 85, 115117 (2012)", old.JournalRef);
        Assert.Equal("8 pages, 3 figures. Published version", old.Comments);
        Assert.Equal("https://arxiv.org/pdf/1111.2011", old.PdfUrl);

        var current = Paper(ReadAll("arxiv-atom", SharedData.Path("arxiv", "atom-api-2026", "id_1605.08386_s0_m100_199195aa31ad.body.xml")), "1605.08386");
        Assert.Equal(1, current.Version);
        Assert.Equal("Heat-bath random walks with Markov bases", current.Title);
        Assert.Equal(["Caprice Stanley", "Tobias Windisch"], current.Authors);
        Assert.Equal(["math.CO", "math.ST"], current.Categories);
        Assert.Equal("20 pages, 3 figures", current.Comments);
        Assert.Equal(new DateOnly(2016, 5, 26), current.Published);

        var oldStyle = Paper(ReadAll("arxiv-atom", SharedData.Path("arxiv", "atom-api-2026", "id_astro-ph_0601001_s0_m100_3150dca9dc76.body.xml")), "astro-ph/0601001");
        Assert.Equal(4, oldStyle.Authors!.Count);
    }

    [Fact]
    public void TheArxivApiErrorEntryIsReportedAsTheErrorItCarries()
    {
        var result = Assert.Single(ReadAll("arxiv-atom", SharedData.Path("arxiv", "atom-api-2026", "id_abc_s0_m100_b79c8dcf6bc3.body.xml")));
        Assert.Equal(ReadResult.Bad(1, "arXiv API error: incorrect id format for abc"), result);
    }

    [Fact]
    public void OaiRecordsJoinAuthorNamePartsAndKeepTheirMetadata()
    {
        var p = Paper(ReadAll("arxiv-oai", SharedData.Path("arxiv", "oai-pmh", "arxiv-physics-hep-th.xml")), "1412.8323");
        Assert.Equal("Toolbox for reconstructing quantum theory from rules on information acquisition", p.Title);
        Assert.Equal(["Philipp A Hoehn"], p.Authors);
        Assert.Equal(new DateOnly(2014, 12, 29), p.Published);
        Assert.Equal(new DateOnly(2017, 12, 13), p.Updated);
        Assert.Equal(["quant-ph", "gr-qc", "hep-th", "math-ph", "math.MP", "physics.hist-ph"], p.Categories);
        Assert.Equal("http://creativecommons.org/licenses/by/4.0/", p.License);
        Assert.StartsWith("78 pages, many figures", p.Comments, StringComparison.Ordinal);
        Assert.StartsWith("We develop an operational approach", p.Abstract, StringComparison.Ordinal);
        Assert.Null(p.Withdrawn);

        var vector = Paper(ReadAll("arxiv-oai", SharedData.Path("arxiv", "oai-pmh", "arxiv-physics-hep-th.xml")), "1507.07790");
        Assert.Equal("J. Phys. A: Math. Theor. 51 (2018) 035201", vector.JournalRef);
        Assert.Equal("10.1088/1751-8121/aa9c53", vector.Doi);

        var bicep = Paper(ReadAll("arxiv-oai", SharedData.Path("arxiv", "oai-pmh", "sample_arxiv_record4.xml")), "1603.05976");
        Assert.Equal(66, bicep.Authors!.Count);
        Assert.Contains("R. W. IV", bicep.Authors); // keyname W., forenames R., suffix IV

        // Records whose <arXiv> inherits the OAI-PMH namespace (hand-assembled file) read the same.
        var planck = Paper(ReadAll("arxiv-oai", SharedData.Path("arxiv", "oai-pmh", "sample_arxiv_record.xml")), "1601.03238");
        Assert.Equal("Planck Collaboration", planck.Authors![0]);
        Assert.Equal(new DateOnly(2016, 1, 13), planck.Published);
    }
}
