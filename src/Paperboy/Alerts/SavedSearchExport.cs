using Paperboy.Members;

namespace Paperboy.Alerts;

/// <summary>The member's saved searches in their data export, each with the address that runs it.</summary>
public sealed class SavedSearchExportPart(SavedSearches searches) : IExportPart
{
    public string Name => "saved_searches";
    public int Order => 40;

    public async Task<ExportedPart> ExportAsync(User member, Uri site, CancellationToken ct) =>
        new((await searches.ListAsync(member.Id, ct)).Select(s => new
        {
            s.Name,
            s.Query,
            s.Mode,
            s.Sort,
            From = s.DateFrom,
            To = s.DateTo,
            s.Category,
            s.Author,
            s.Delivery,
            s.CreatedAt,
            Url = new Uri(site, s.AsView().Href().TrimStart('/')).AbsoluteUri,
        }).ToList());
}
