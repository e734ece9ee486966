using AngleSharp.Dom;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Recommendations.RecommendationInstance;

namespace Paperboy.Tests.Recommendations;

public sealed partial class ForYouTests
{
    /// <summary>2024 speech and audio papers (none about video): a second interest beside <see cref="VideoPapers"/>.</summary>
    static readonly string[] SpeechPapers = ["2406.02430", "2406.02897", "2406.05370", "2406.12209", "2406.11768", "2406.03344", "2406.18120"];

    static bool IsSpeech(string text) =>
        new[] { "speech", "audio", "voice", "sound", "music", "tts", "spoken", "acoustic" }.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task AMemberWithTwoSeparateInterestsGetsASectionForEachNamedByItsWords()
    {
        var (_, api, browser) = await fixture.SignedInAsync();
        await SaveAsync(api, [.. VideoPapers, .. SpeechPapers]);
        var (html, _) = await browser.PageAsync("/for-you");
        var page = Dom.Parse(html);

        Assert.Contains("Your papers form 2 separate interests", page.QuerySelector("p.interests")?.TextContent ?? "", StringComparison.Ordinal);
        var sections = page.QuerySelectorAll("section.interest").ToList();
        Assert.Equal(2, sections.Count);
        string Heading(IElement s) => s.QuerySelector("h2")!.TextContent;
        var headings = string.Join(" | ", sections.Select(Heading));
        // An audio paper may join the video papers ("video, audio, diffusion"); the other interest is speech's.
        var video = sections.Where(s => Heading(s).Contains("video", StringComparison.OrdinalIgnoreCase)).ToList();
        var speech = sections.Except(video).ToList();
        Assert.True(video.Count == 1 && speech.Count == 1 && IsSpeech(Heading(speech[0])), "interests: " + headings);
        Assert.Contains("of your papers", Heading(video[0]), StringComparison.Ordinal);

        // Each section's picks are that interest's, and each says so in its why.
        var videoTitles = video[0].QuerySelectorAll(".card-title").Select(h => h.TextContent).ToList();
        var speechTitles = speech[0].QuerySelectorAll(".card-title").Select(h => h.TextContent).ToList();
        Assert.NotEmpty(videoTitles);
        Assert.NotEmpty(speechTitles);
        // Few of the month's papers are about speech, so the test is relative: each section holds more of
        // its own topic than the other section does.
        static double Share(List<string> titles, Func<string, bool> topic) => (double)titles.Count(topic) / titles.Count;
        static bool IsVideo(string t) => t.Contains("video", StringComparison.OrdinalIgnoreCase);
        var described = $"speech section: {string.Join(" | ", speechTitles)}\nvideo section: {string.Join(" | ", videoTitles)}";
        Assert.True(Share(speechTitles, IsSpeech) > Share(videoTitles, IsSpeech), described);
        Assert.True(Share(videoTitles, IsVideo) > Share(speechTitles, IsVideo), described);
        Assert.All(speech[0].QuerySelectorAll(".why"), why =>
            Assert.StartsWith("For your interest in " + Heading(speech[0]).Split(" (")[0].Trim() + ".", why.TextContent.Trim(), StringComparison.Ordinal));

        // The API gives the same picks with the same reasons.
        var picks = await RecommendationsAsync(api);
        Assert.Contains(picks, p => p.GetProperty("reason").GetString()!.StartsWith("For your interest in ", StringComparison.Ordinal));

        // Another member who saves the same papers, in another order, finds the same two interests.
        var (_, otherApi, other) = await fixture.SignedInAsync();
        await SaveAsync(otherApi, [.. SpeechPapers.Reverse(), .. VideoPapers]);
        var otherPage = Dom.Parse((await other.PageAsync("/for-you")).Html);
        Assert.Equal(sections.Select(Heading).Order(StringComparer.Ordinal), otherPage.QuerySelectorAll("section.interest").Select(Heading).Order(StringComparer.Ordinal));
    }
}
