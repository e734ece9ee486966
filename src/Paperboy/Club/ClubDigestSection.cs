using System.Globalization;
using Paperboy.Digests;
using Paperboy.Papers;

namespace Paperboy.Club;

/// <summary>The next journal club session at the top of a member's digest: the paper to read, who presents, when and where.</summary>
public sealed class ClubDigestSection(ClubStore club, PaperStore papers, DigestSettings settings) : IPersonalDigestSection
{
    public async Task<DigestSection?> ComposeAsync(long userId, DigestKind kind, Period period, CancellationToken ct)
    {
        if (await club.NextAsync(ct) is not { } next || await papers.GetAsync(next.PaperId, ct) is not { } paper) return null;
        var local = TimeZoneInfo.ConvertTime(next.Start, settings.TimeZone);
        var when = local.ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " " + ZoneName(settings.TimeZone);
        var why = $"Presented by {next.Presenter}" + (next.Location is { } where ? $" · {where}" : "");
        return new DigestSection($"Next journal club: {when}", [new DigestPick(paper, why)]);
    }

    static string ZoneName(TimeZoneInfo zone) => zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;
}
