using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;

namespace Paperboy.Feed;

/// <summary>
/// The stylesheet and script URLs pages link to. Static files are cached for an hour, so each URL
/// carries a hash of the file's content: a new build's CSS is seen at once, not an hour later.
/// KaTeX is linked only when the build bundled it (npm present), so pages never reference a 404.
/// </summary>
public static class FeedAssets
{
    public static string SiteCss { get; private set; } = "/css/site.css";
    public static string AppJs { get; private set; } = "/js/app.js";
    public static bool HasKatex { get; private set; }

    public static void Load(IFileProvider webRoot)
    {
        SiteCss = Versioned(webRoot, "/css/site.css");
        AppJs = Versioned(webRoot, "/js/app.js");
        HasKatex = webRoot.GetFileInfo("/lib/katex/katex.min.js").Exists
            && webRoot.GetFileInfo("/lib/katex/contrib/auto-render.min.js").Exists;
    }

    static string Versioned(IFileProvider webRoot, string path)
    {
        var file = webRoot.GetFileInfo(path);
        if (!file.Exists) return path;
        using var stream = file.CreateReadStream();
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
        return $"{path}?v={hash}";
    }
}
