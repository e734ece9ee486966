using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Paperboy.Config;
using Paperboy.Harvest;

namespace Paperboy.Thumbnails;

public static class ThumbnailSetup
{
    public static IServiceCollection AddThumbnails(this IServiceCollection services)
    {
        services.AddSettings((config, sp) => ThumbnailSettings.Read(config, HarvestOrDefault(sp)));
        services.AddSingleton<ThumbnailStore>();
        services.AddSingleton<ThumbnailIndex>();
        services.AddSingleton<PdfThumbnailSource>();
        services.AddHostedService<ThumbnailWorker>();
        return services;
    }

    /// <summary>A bad harvest value is reported by the harvest's own settings; it must not hide the thumbnails' own.</summary>
    static HarvestSettings HarvestOrDefault(IServiceProvider services)
    {
        try { return services.GetRequiredService<HarvestSettings>(); }
        catch (OptionsValidationException) { return new HarvestSettings(); }
    }

    /// <summary>
    /// <c>GET /media/thumbs/{id}.webp</c>: from our own origin, so the CSP keeps <c>img-src 'self'</c>. Its address
    /// carries the picture's hash (<c>?v=</c>), so browsers may keep it a year; the ETag answers revalidations with 304.
    /// </summary>
    public static IEndpointRouteBuilder MapThumbnails(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/thumbs/{file}", async (string file, HttpContext http, ThumbnailStore store, CancellationToken ct) =>
        {
            if (!file.EndsWith(".webp", StringComparison.Ordinal)) return Results.NotFound();
            if (await store.ContentAsync(file[..^".webp".Length], ct) is not { } found) return Results.NotFound();
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.File(found.Content, "image/webp", entityTag: new EntityTagHeaderValue($"\"{found.Etag}\""),
                lastModified: DateTimeOffset.Parse(found.FetchedAt, System.Globalization.CultureInfo.InvariantCulture));
        });
        return app;
    }
}
