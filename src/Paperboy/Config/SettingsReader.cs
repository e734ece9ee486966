using System.Globalization;
using Paperboy.Feed;

namespace Paperboy.Config;

/// <summary>
/// Reads <c>PAPERBOY_*</c> values from configuration in the spellings README's configuration table documents,
/// and notes one line per bad value (<c>PAPERBOY_THUMBNAILS: "yse" is not a boolean (use 1/0, true/false, on/off)</c>)
/// instead of throwing at the first: the operator sees every mistake at once, and a typo never quietly turns a
/// feature off. Each method returns null when the key is unset, blank or bad, so a settings class keeps its default.
/// Keys are the variables' names: ASP.NET Core puts environment variables into configuration under their own names.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration)
{
    readonly List<string> _errors = [];

    /// <summary>One line per bad value, naming the variable, the value and what is allowed.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The process environment, for the commands that run without the web host's configuration.</summary>
    public static SettingsReader FromEnvironment() => new(SettingsSetup.Environment());

    /// <summary>Trimmed; null when unset or blank.</summary>
    public string? Text(string key) => configuration[key] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    /// <summary>As given, spaces included (a password may begin or end with one); null when unset or empty.</summary>
    public string? Raw(string key) => configuration[key] is { Length: > 0 } v ? v : null;

    /// <summary>The configuration itself, for the sections tests and appsettings bind over the variables (<c>Community:...</c>).</summary>
    public IConfiguration Configuration => configuration;

    public void Fail(string key, string value, string what) => _errors.Add($"{key}: \"{value}\" {what}");

    /// <summary>A line that is not about one value (two variables that only work together); it names them itself.</summary>
    public void Fail(string line) => _errors.Add(line);

    /// <summary>1/0, true/false, on/off, yes/no, in any case.</summary>
    public bool? Switch(string key) => Text(key) is not { } s ? null : s.ToLowerInvariant() switch
    {
        "1" or "true" or "on" or "yes" => true,
        "0" or "false" or "off" or "no" => false,
        _ => Bad<bool?>(key, s, "is not a boolean (use 1/0, true/false, on/off)"),
    };

    /// <summary>A number of seconds, 0 or more, fractions allowed (0.05).</summary>
    public TimeSpan? Seconds(string key) => Text(key) is not { } s ? null
        : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0 && v <= TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(v)
            : Bad<TimeSpan?>(key, s, "is not a number of seconds, 0 or more");

    /// <summary>A whole number (digits, with a sign when <paramref name="min"/> is negative) from min to max.</summary>
    public int? Int(string key, int min = 0, int max = int.MaxValue)
    {
        if (Text(key) is not { } s) return null;
        var styles = min < 0 ? NumberStyles.AllowLeadingSign : NumberStyles.None;
        if (!int.TryParse(s, styles, CultureInfo.InvariantCulture, out var v)) return Bad<int?>(key, s, "is not a whole number");
        return v >= min && v <= max ? v : Bad<int?>(key, s, max == int.MaxValue ? $"is less than {min}" : $"is not between {min} and {max}");
    }

    /// <summary>A time of day, HH:mm (24-hour).</summary>
    public TimeOnly? TimeOfDay(string key) => Text(key) is not { } s ? null
        : TimeOnly.TryParseExact(s, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t
        : Bad<TimeOnly?>(key, s, "is not a time of day HH:mm (e.g. 06:30)");

    /// <summary>An absolute http(s) URL with a host.</summary>
    public Uri? HttpUrl(string key) => Text(key) is not { } s ? null
        : SafeUrl.Http(s) is { } url ? new Uri(url)
        : Bad<Uri?>(key, s, "is not an absolute http(s) URL");

    /// <summary>Names separated by commas or spaces.</summary>
    public IReadOnlyList<string>? List(string key) =>
        Text(key)?.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>One of <paramref name="allowed"/>, in any case; returned in lower case.</summary>
    public string? OneOf(string key, params string[] allowed) => Text(key) is not { } s ? null
        : allowed.Contains(s.ToLowerInvariant()) ? s.ToLowerInvariant()
        : Bad<string?>(key, s, $"is not one of {string.Join(", ", allowed)}");

    public TimeZoneInfo? TimeZone(string key)
    {
        if (Text(key) is not { } s) return null;
        try { return TimeZoneInfo.FindSystemTimeZoneById(s); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return Bad<TimeZoneInfo?>(key, s, "is not a known time zone (use an IANA name such as Europe/Paris)");
        }
    }

    T Bad<T>(string key, string value, string what)
    {
        Fail(key, value, what);
        return default!;
    }
}
