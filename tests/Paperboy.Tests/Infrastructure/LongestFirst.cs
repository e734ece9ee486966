using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Paperboy.Tests.Infrastructure.LongestFirst", "Paperboy.Tests")]

namespace Paperboy.Tests.Infrastructure;

/// <summary>Roughly how long a test class takes in one pass of <c>.ci/run</c> on 2 cores, in seconds (see <see cref="LongestFirst"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsForAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}

/// <summary>
/// The order test classes start in. xunit runs a few at a time (two per core, xunit.runner.json) and starts the next
/// when one ends, so a long class that starts late runs alone at the end of the pass: the walk of every page in
/// Chromium (55 s) started 348 s into a 403 s pass, the other core done at 370 s. Classes marked
/// <see cref="RunsForAttribute"/> start first, longest first; the rest keep xunit's order.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    const string ImplicitPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((collection, index) => (collection, index))
            .OrderByDescending(c => Seconds(c.collection)).ThenBy(c => c.index)
            .Select(c => c.collection);

    static int Seconds(ITestCollection collection)
    {
        // A class without [Collection] is a collection of its own, named after the class.
        var type = collection.CollectionDefinition?.ToRuntimeType()
            ?? (collection.DisplayName.StartsWith(ImplicitPrefix, StringComparison.Ordinal)
                ? typeof(LongestFirst).Assembly.GetType(collection.DisplayName[ImplicitPrefix.Length..])
                : null);
        return type?.GetCustomAttributes(typeof(RunsForAttribute), false).OfType<RunsForAttribute>().FirstOrDefault()?.Seconds ?? 0;
    }
}
