using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Paperboy.Tests.Thumbnails;

/// <summary>What a skipped picture (a source's or a PDF's first page) must leave behind.</summary>
static class SkippedPicture
{
    /// <summary>The paper's row says <c>bad</c> and why, holds no picture, and the log has exactly one warning about it, with the reason.</summary>
    public static async Task AssertAsync(DbConnection c, ListLoggerProvider log, string paper, string reason)
    {
        var row = await c.QuerySingleAsync<(string Status, string Error, long Stored)>(
            "SELECT status, error, CASE WHEN content IS NULL THEN 0 ELSE 1 END FROM paper_thumbnails WHERE paper_id = @paper", new { paper });
        Assert.Equal("bad", row.Status);
        Assert.Contains(reason, row.Error);
        Assert.Equal(0, row.Stored);
        var lines = log.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.Contains(paper, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"{paper}: expected one warning, got {lines.Count}: {string.Join(" | ", lines.Select(l => l.Message))}");
        Assert.Contains(reason, lines[0].Message);
    }
}
