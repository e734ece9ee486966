using Paperboy.Members;

namespace Paperboy.Webhooks;

/// <summary>The member's webhooks in their data export, without their secrets: an export file travels further than the settings page.</summary>
public sealed class WebhookExportPart(WebhookStore hooks) : IExportPart
{
    public string Name => "webhooks";
    public int Order => 60;

    public async Task<ExportedPart> ExportAsync(User member, Uri site, CancellationToken ct) =>
        new((await hooks.ListAsync(member.Id, ct)).Select(h => new { h.Url, Events = h.EventList, Group = h.GroupSlug, h.CreatedAt, Paused = h.Paused, h.PausedAt, h.PauseReason }).ToList());
}
