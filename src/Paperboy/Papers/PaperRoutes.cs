using Microsoft.AspNetCore.Http.HttpResults;

namespace Paperboy.Papers;

/// <summary>
/// Paper routes of every feature. Old-style arXiv ids carry a slash (<c>hep-th/9901001</c>), so every
/// paper route exists twice: <c>{id}</c> and <c>{archive}/{number}</c>.
/// </summary>
public static class PaperRoutes
{
    /// <summary>The paper id of the request, from either form of the route.</summary>
    public static string Id(HttpContext http) =>
        http.GetRouteValue("id") as string ?? $"{http.GetRouteValue("archive")}/{http.GetRouteValue("number")}";

    public static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Paper not found",
            detail: $"No paper with id '{(id.Length <= 80 ? id : id[..80] + "…")}'.");
}
