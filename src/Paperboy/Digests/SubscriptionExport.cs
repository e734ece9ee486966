using Paperboy.Members;

namespace Paperboy.Digests;

/// <summary>The member's digest subscription in their data export (null without one).</summary>
public sealed class SubscriptionExportPart(Subscriptions subscriptions) : IExportPart
{
    public string Name => "subscription";
    public int Order => 50;

    public async Task<ExportedPart> ExportAsync(User member, Uri site, CancellationToken ct) =>
        new(await subscriptions.OfMemberAsync(member.Id, ct) is { } sub ? new { sub.Email, sub.Frequency, sub.Status, sub.ConfirmedAt } : null);
}
