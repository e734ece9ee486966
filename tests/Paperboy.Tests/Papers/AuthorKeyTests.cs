using Paperboy.Papers;

namespace Paperboy.Tests.Papers;

[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class AuthorKeyTests
{
    [Theory]
    [InlineData("Roman Rädle", "roman radle")]
    [InlineData("Zoë  Smith", "zoe smith")]
    [InlineData("José-María García", "jose maria garcia")]
    [InlineData("Perlis, A. J.", "perlis a j")]
    [InlineData("Łukasz Kaiser", "lukasz kaiser")]
    public void AuthorNamesFoldToOneKey(string name, string key) => Assert.Equal(key, AuthorKey.Of(name));
}
