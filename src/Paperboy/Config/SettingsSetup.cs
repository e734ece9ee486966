using Microsoft.Extensions.Options;

namespace Paperboy.Config;

/// <summary>
/// One way to configure every feature: each settings class has one <c>Read(SettingsReader)</c> parser, which the
/// web host runs over its <see cref="IConfiguration"/> (environment variables, plus what tests add) as an options
/// factory validated at start, and which the commands without a host run over the environment. A bad value is an
/// <see cref="OptionsValidationException"/> naming the variable; <c>paperboy</c> prints it as one line and exits 2.
/// </summary>
public static class SettingsSetup
{
    /// <summary>
    /// Registers <typeparamref name="T"/> as options read by <paramref name="read"/> and checked when the host starts
    /// (<c>ValidateOnStart</c>), and <typeparamref name="T"/> itself as their value, so consumers take the settings
    /// class directly and tests may still register their own instance after this.
    /// </summary>
    /// <remarks>
    /// A parser, not <c>Bind</c>: the documented spellings (seconds as <c>0.05</c>, <c>HH:mm</c>, <c>on</c>/<c>off</c>,
    /// comma lists) are not the binder's, and its errors would name properties, not variables.
    /// </remarks>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, Func<SettingsReader, IServiceProvider, T> read)
        where T : class
    {
        services.AddSingleton<IOptionsFactory<T>>(sp => new SettingsFactory<T>(sp, read));
        services.AddOptions<T>().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    public static IServiceCollection AddSettings<T>(this IServiceCollection services, Func<SettingsReader, T> read) where T : class =>
        services.AddSettings((reader, _) => read(reader));

    /// <summary>
    /// Reads every settings class registered with <see cref="AddSettings{T}(IServiceCollection, Func{SettingsReader, T})"/>
    /// now, so a bad value stops the start before anything else happens; the host would check them again when it starts.
    /// </summary>
    public static void ValidateSettings(this IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>Environment variables under their own names, as the web host's configuration holds them.</summary>
    public static IConfiguration Environment() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    /// <summary>Reads settings from <paramref name="configuration"/>, or throws naming every bad value.</summary>
    public static T Read<T>(IConfiguration configuration, Func<SettingsReader, T> read) where T : class => Checked(new SettingsReader(configuration), read);

    /// <summary>For the commands that run without the web host: the same parser over the process environment.</summary>
    public static T FromEnvironment<T>(Func<SettingsReader, T> read) where T : class => Checked(SettingsReader.FromEnvironment(), read);

    static T Checked<T>(SettingsReader reader, Func<SettingsReader, T> read, string? name = null) where T : class
    {
        var value = read(reader);
        return reader.Errors.Count == 0 ? value : throw new OptionsValidationException(name ?? Options.DefaultName, typeof(T), reader.Errors);
    }

    /// <summary>
    /// The lines to print when <paramref name="exception"/> is bad configuration (one settings class's, or several
    /// reported together at start), each once; null for any other failure.
    /// </summary>
    public static IReadOnlyList<string>? ErrorLines(Exception exception) => exception switch
    {
        OptionsValidationException invalid => invalid.Failures.Distinct().ToList(),
        AggregateException all when all.InnerExceptions.Count > 0 && all.InnerExceptions.All(e => e is OptionsValidationException) =>
            all.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures).Distinct().ToList(),
        _ => null,
    };

    sealed class SettingsFactory<T>(IServiceProvider services, Func<SettingsReader, IServiceProvider, T> read) : IOptionsFactory<T>
        where T : class
    {
        public T Create(string name) =>
            Checked(new SettingsReader(services.GetRequiredService<IConfiguration>()), reader => read(reader, services), name);
    }
}
