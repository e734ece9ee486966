using System.Globalization;
using System.Threading.RateLimiting;

namespace Paperboy.Web;

/// <summary>
/// The site's request throttles, one named policy per kind of write. The limiter middleware runs once for
/// the whole site (<see cref="SiteAuth.UseSiteAuth"/>) with one 429 answer; a feature with a policy of its own
/// (the subscribe form) adds it in its own AddX.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Register = "register";
    public const string Votes = "votes";
    public const string Comments = "comments";
    public const string Submissions = "submissions";
    public const string Library = "library";

    public static IServiceCollection AddSiteRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: "You are doing that too often. Wait a little and try again.").ExecuteAsync(context.HttpContext);
            };
            o.AddPolicy(RateLimits.SignIn, http => Limit(http, byAddress: true, c => c.SignInsPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimits.Register, http => Limit(http, byAddress: true, c => c.RegistrationsPerHour, TimeSpan.FromHours(1)));
            o.AddPolicy(RateLimits.Votes, http => Limit(http, byAddress: false, c => c.VotesPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimits.Comments, http => Limit(http, byAddress: false, c => c.CommentsPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimits.Library, http => Limit(http, byAddress: false, c => c.VotesPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimits.Submissions, http => Limit(http, byAddress: false, c => c.SubmissionsPerHour, TimeSpan.FromHours(1)));
        });
        return services;
    }

    // Reads are never limited here; writes are counted per member, or per address before sign-in.
    static RateLimitPartition<string> Limit(HttpContext http, bool byAddress, Func<CommunityOptions, int> permits, TimeSpan window)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            return RateLimitPartition.GetNoLimiter("read");
        var options = http.RequestServices.GetRequiredService<CommunityOptions>();
        var member = http.User.MemberId();
        var key = !byAddress && member is not null ? $"m{member}" : $"a{http.Connection.RemoteIpAddress}";
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits(options)),
            Window = window,
            QueueLimit = 0,
        });
    }
}
