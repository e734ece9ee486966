using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paperboy.Harvest;
using Paperboy.Tests.Harvest;
using Paperboy.Tests.Infrastructure;
using Paperboy.Tests.Operations;
using Paperboy.Thumbnails;
using SkiaSharp;

namespace Paperboy.Tests.Thumbnails;

/// <summary>When pictures are fetched at all, from where, and what a site without them shows.</summary>
public sealed class ThumbnailSettingsTests
{
    static HarvestSettings Harvest(params (string Name, string? Value)[] values) => SettingsValues.Read(HarvestSettings.Read, values);

    static ThumbnailSettings Thumbnails(HarvestSettings harvest, params (string Name, string? Value)[] values) =>
        SettingsValues.Read(c => ThumbnailSettings.Read(c, harvest), values);

    [Fact]
    [Trait("Engine", "independent")]
    public void PicturesFollowTheHuggingFaceHarvestUnlessTheOperatorSaysOnOrOff()
    {
        var noHarvest = Harvest();
        var hfHarvest = Harvest(("PAPERBOY_HARVEST_SOURCES", "hf,arxiv"));
        var arxivOnly = Harvest(("PAPERBOY_HARVEST_SOURCES", "arxiv"));

        Assert.False(Thumbnails(noHarvest).Enabled);
        Assert.False(Thumbnails(arxivOnly).Enabled);
        var byDefault = Thumbnails(hfHarvest);
        Assert.True(byDefault.Enabled);
        Assert.Equal(["huggingface.co"], byDefault.Hosts);
        Assert.True(byDefault.AllowsHost("cdn-thumbnails.huggingface.co"));
        Assert.False(byDefault.AllowsHost("huggingface.co.evil.example"));
        Assert.False(byDefault.AllowsHost("example.org"));
        Assert.False(byDefault.AllowPrivate);

        Assert.False(Thumbnails(hfHarvest, ("PAPERBOY_THUMBNAILS", "off")).Enabled);
        var on = Thumbnails(noHarvest, ("PAPERBOY_THUMBNAILS", "on"), ("PAPERBOY_THUMBNAILS_HOSTS", "*.example.org, mirror.lab"));
        Assert.True(on.Enabled);
        Assert.Equal(["example.org", "mirror.lab"], on.Hosts);

        // A typo no longer turns pictures off quietly: it is an error naming the variable, and serve does not start.
        var typo = Assert.Throws<OptionsValidationException>(() => Thumbnails(hfHarvest, ("PAPERBOY_THUMBNAILS", "yes please")));
        Assert.Equal(["PAPERBOY_THUMBNAILS: \"yes please\" is not a boolean (use 1/0, true/false, on/off)"], typo.Failures);
    }

    [Fact]
    [Trait("Engine", "independent")]
    public async Task LoopbackAndHostsTheOperatorDidNotNameAreNeverAskedForAPicture()
    {
        await using var stub = await StubServer.StartAsync(context => context.Response.Body.WriteAsync(
            TestPictures.Make(100, 100, SKEncodedImageFormat.Png)).AsTask());
        var url = new Uri(stub.BaseUrl, "/picture.png").ToString();

        using (var guarded = new ThumbnailFetcher(new ThumbnailSettings { Enabled = true, Hosts = ["127.0.0.1"] }))
        {
            var refused = await guarded.GetAsync(url, CancellationToken.None);
            Assert.Null(refused.Bytes);
            Assert.False(refused.Transient);
            Assert.Contains("PAPERBOY_THUMBNAILS_ALLOW_PRIVATE=1", refused.Error);
        }
        using (var elsewhere = new ThumbnailFetcher(new ThumbnailSettings { Enabled = true, AllowPrivate = true }))
        {
            var refused = await elsewhere.GetAsync(url, CancellationToken.None);
            Assert.Contains("is not on PAPERBOY_THUMBNAILS_HOSTS", refused.Error);
            Assert.Equal("not an http(s) address", elsewhere.Refusal("file:///etc/passwd"));
        }
        Assert.Empty(stub.Requests);

        // The same address with the operator's permission is fetched: the refusals above were the guard, not the stub.
        using var allowed = new ThumbnailFetcher(new ThumbnailSettings { Enabled = true, Hosts = ["127.0.0.1"], AllowPrivate = true });
        Assert.NotNull((await allowed.GetAsync(url, CancellationToken.None)).Bytes);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task ASiteWithoutThumbnailsShowsCleanCardsWithoutAnyImage()
    {
        // No harvest configured: the default is off, and the recorded huggingface.co URLs are never fetched.
        await using var app = await TestInstance.StartAsync(SharedData.Path("hf-daily-papers", ThumbnailFixture.Day + ".json"));
        Assert.False(app.Services.GetRequiredService<ThumbnailSettings>().Enabled);
        var daily = await app.Client.GetStringAsync($"/papers/date/{ThumbnailFixture.Day}");
        var cards = Dom.Parse(daily).QuerySelectorAll("li.card");
        Assert.NotEmpty(cards);
        Assert.All(cards, card => Assert.False(card.Has("img, .card-thumb"), "a card with a thumbnail"));
        Assert.False(Dom.Parse(daily).Has("img, .card-thumb"), "an image on the list");
        var paper = cards[0].One(".card-title a").GetAttribute("href")!;
        Assert.False(Dom.Parse(await app.Client.GetStringAsync(paper)).Has("img"), "an image on the paper page");
    }
}
