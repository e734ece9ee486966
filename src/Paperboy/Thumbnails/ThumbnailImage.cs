using System.Security.Cryptography;
using SkiaSharp;

namespace Paperboy.Thumbnails;

/// <summary>A picture made small for cards: WebP bytes, its size, and a hash for ETag and cache-busting.</summary>
public sealed record Thumbnail(byte[] Content, int Width, int Height, string Etag);

/// <summary>
/// Turns downloaded bytes into a <see cref="Thumbnail"/> with SkiaSharp, or says why not. The header is
/// read first and its size checked before a single pixel is decoded, so a 50000x50000 "decompression bomb"
/// costs nothing; a truncated file or anything that is not a picture is refused, never half stored.
/// </summary>
public static class ThumbnailImage
{
    /// <summary>Taller than this many widths is cropped from the top (a first page, a poster) rather than shown whole.</summary>
    const double MaxAspect = 1.5;
    const int Quality = 80;

    public static (Thumbnail? Thumbnail, string? Error) Make(byte[] bytes, ThumbnailSettings settings)
    {
        using var codec = SKCodec.Create(new MemoryStream(bytes, writable: false), out var opened);
        if (codec is null) return (null, $"not an image ({bytes.Length:N0} bytes, {opened})");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || width > settings.MaxSide || height > settings.MaxSide || (long)width * height > settings.MaxPixels)
            return (null, $"{width}x{height} pixels, beyond the {settings.MaxSide} px and {settings.MaxPixels / 1_000_000} megapixel limit");

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var source = new SKBitmap(info);
        var decoded = codec.GetPixels(info, source.GetPixels());
        if (decoded != SKCodecResult.Success)
            return (null, decoded == SKCodecResult.IncompleteInput ? "truncated image" : $"cannot decode the image ({decoded})");

        var cropHeight = Math.Min(height, (int)Math.Ceiling(width * MaxAspect));
        using var cropped = new SKBitmap();
        if (!source.ExtractSubset(cropped, new SKRectI(0, 0, width, cropHeight))) return (null, "cannot crop the image");
        var targetWidth = Math.Min(settings.Width, width);
        var targetHeight = Math.Max(1, (int)Math.Round(cropHeight * (double)targetWidth / width));
        using var small = cropped.Resize(new SKImageInfo(targetWidth, targetHeight, SKColorType.Rgba8888, SKAlphaType.Premul),
            new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (small is null) return (null, "cannot resize the image");
        using var image = SKImage.FromBitmap(small);
        using var webp = image.Encode(SKEncodedImageFormat.Webp, Quality);
        if (webp is null) return (null, "cannot encode the thumbnail");
        var content = webp.ToArray();
        var etag = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
        return (new Thumbnail(content, targetWidth, targetHeight, etag), null);
    }
}
