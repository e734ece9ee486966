using Microsoft.AspNetCore.Components;

namespace Paperboy.Web;

/// <summary>
/// A part of one feature's page that another feature owns (the webhooks on /settings, the comments under a paper).
/// The owning feature registers it in its own AddX; the page's handler loads every section before rendering, so
/// components only take parameters and never reach for stores or the request themselves. <typeparamref name="TPage"/>
/// is the page's context record (e.g. <see cref="Members.SettingsPageContext"/>), which names its slots.
/// </summary>
public interface IPageSection<in TPage>
{
    /// <summary>Where on the page the section goes: one of the slot names the page's context record defines.</summary>
    string Slot { get; }

    /// <summary>Position within the slot, lowest first.</summary>
    int Order { get; }

    /// <summary>The section for this request, or null when it has nothing to show (e.g. to a reader who is not signed in).</summary>
    Task<SectionView?> LoadAsync(TPage page, HttpContext http, CancellationToken ct);
}

/// <summary>A loaded section: the component to render and its parameters.</summary>
public sealed record SectionView(Type Component, IReadOnlyDictionary<string, object?> Parameters)
{
    public static SectionView Of<TComponent>(IReadOnlyDictionary<string, object?> parameters) where TComponent : IComponent =>
        new(typeof(TComponent), parameters);

    public RenderFragment Render => builder =>
    {
        builder.OpenComponent(0, Component);
        foreach (var (name, value) in Parameters) builder.AddComponentParameter(1, name, value);
        builder.CloseComponent();
    };
}

/// <summary>The sections a handler loaded for one page, by slot (passed to the page as a parameter).</summary>
public sealed class PageSections
{
    public static readonly PageSections None = new([]);

    readonly IReadOnlyList<(string Slot, SectionView View)> _views;

    PageSections(IReadOnlyList<(string Slot, SectionView View)> views) => _views = views;

    public IEnumerable<SectionView> In(string slot) => _views.Where(v => v.Slot == slot).Select(v => v.View);

    /// <summary>
    /// Every registered section of the page, in order. One after the other, not in parallel: each takes a
    /// connection, and a page should not hold several of the pool's at once.
    /// </summary>
    public static async Task<PageSections> LoadAsync<TPage>(TPage page, HttpContext http)
    {
        var views = new List<(string, SectionView)>();
        foreach (var section in http.RequestServices.GetServices<IPageSection<TPage>>().OrderBy(s => s.Order))
        {
            if (await section.LoadAsync(page, http, http.RequestAborted) is { } view) views.Add((section.Slot, view));
        }
        return new PageSections(views);
    }
}
