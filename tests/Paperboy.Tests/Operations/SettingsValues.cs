using Microsoft.Extensions.Configuration;
using Paperboy.Config;

namespace Paperboy.Tests.Operations;

/// <summary>Runs a settings class's one parser over the given variables, as <c>serve</c> does over its configuration.</summary>
public static class SettingsValues
{
    /// <summary>The settings, or an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming every bad value.</summary>
    public static T Read<T>(Func<SettingsReader, T> read, params (string Name, string? Value)[] values) where T : class =>
        SettingsSetup.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)))
            .Build(), read);
}
