using System.Reflection;

namespace Paperboy.Storage;

/// <summary>Migration scripts are embedded resources named <c>{engine}.{NNNN}_{name}.sql</c>.</summary>
static class MigrationScripts
{
    public static IReadOnlyList<Migration> Load(string engine)
    {
        var assembly = typeof(MigrationScripts).Assembly;
        var prefix = $"Paperboy.Storage.Migrations.{engine}.";
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                var version = int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture);
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new Migration(version, file[5..], reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
        // Two branches may each add the "next" migration; applying one and silently skipping the other would be worse than not starting.
        if (migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidOperationException($"two {engine} migrations share version {twice.Key:D4}: {string.Join(", ", twice.Select(m => m.Name))}");
        return migrations;
    }
}
