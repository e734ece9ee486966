using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

public sealed class ExternalEmbeddingsTests
{
    /// <summary>
    /// A stand-in for Ollama/TEI/vLLM on 127.0.0.1: the OpenAI /v1/embeddings shape with deterministic
    /// vectors, one axis per topic, so which paper a query lands on is known in advance.
    /// </summary>
    sealed class FakeEmbeddingServer : IDisposable
    {
        readonly HttpListener _listener = new();
        readonly CancellationTokenSource _stop = new();
        public int Requests;
        public string Url { get; }

        public FakeEmbeddingServer()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/v1";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        static float[] Vector(string text)
        {
            var t = text.ToLowerInvariant();
            var v = new float[8];
            if (t.Contains("molecul", StringComparison.Ordinal) || t.Contains("zorbl", StringComparison.Ordinal)) v[0] = 1;
            if (t.Contains("quantum", StringComparison.Ordinal)) v[1] = 1;
            if (t.Contains("bread", StringComparison.Ordinal)) v[2] = 1;
            if (v.All(x => x == 0)) v[7] = 1;
            return v;
        }

        async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                Interlocked.Increment(ref Requests);
                using var request = await JsonDocument.ParseAsync(context.Request.InputStream);
                var input = request.RootElement.GetProperty("input");
                var texts = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [input.GetString() ?? ""];
                var body = JsonSerializer.Serialize(new
                {
                    @object = "list",
                    data = texts.Select((t, i) => new { @object = "embedding", index = i, embedding = Vector(t) }),
                    model = request.RootElement.GetProperty("model").GetString(),
                    usage = new { prompt_tokens = 1, total_tokens = 1 },
                });
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
        }
    }

    static string Paper(string id, string title, string text) =>
        JsonSerializer.Serialize(new { id, title, @abstract = text, authors = new[] { "A. Person" }, published = "2025-03-20" });

    [Fact]
    public async Task AConfiguredEndpointDrivesSemanticSearchAndSearchStillAnswersWhenItIsDown()
    {
        using var dir = new TempDir();
        var options = TestEngine.Options(dir.File("data"));
        var file = dir.Write("papers.jsonl", string.Join('\n',
            Paper("2503.00001", "Quantum annealing for scheduling", "Annealing schedules on quantum hardware."),
            Paper("2503.00002", "Graph neural networks for molecules", "Message passing over molecular graphs."),
            Paper("2503.00003", "Sourdough bread fermentation", "Yeast and bacteria in bread dough.")));
        await new Paperboy.Ingestion.Importer(Paperboy.Storage.Database.FromOptions(options)).ImportAsync([file], null, TextWriter.Null);

        var server = new FakeEmbeddingServer();
        var logs = new List<string>();
        var app = await Paperboy.Web.WebApp.BuildAsync(options, "http://127.0.0.1:0", builder =>
        {
            builder.Services.AddSingleton(new EmbeddingEndpoint(server.Url, "fake-model", "secret"));
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new ListLoggerProvider(logs));
        });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };

            // "zorbl" is no word of any paper: only the external model can place it (next to the molecules paper).
            var first = await Eventually.ReturnsAsync(async () =>
            {
                using var json = JsonDocument.Parse(await client.GetStringAsync("/api/papers/search?q=zorbl&mode=semantic"));
                return json.RootElement.GetArrayLength() > 0 ? json.RootElement[0].GetProperty("paper").GetProperty("id").GetString() : null;
            }, id => id is not null);
            Assert.Equal("2503.00002", first);
            Assert.True(server.Requests >= 2, "papers and the query were embedded by the endpoint");

            server.Dispose();
            for (var i = 0; i < 3; i++)
            {
                foreach (var mode in new[] { "semantic", "hybrid" })
                {
                    var down = await client.GetAsync($"/api/papers/search?q=zorbl&mode={mode}");
                    Assert.Equal(HttpStatusCode.OK, down.StatusCode);
                }
                using var keyword = JsonDocument.Parse(await client.GetStringAsync("/api/papers/search?q=quantum%20annealing"));
                Assert.Equal("2503.00001", keyword.RootElement[0].GetProperty("paper").GetProperty("id").GetString());
            }
            lock (logs) Assert.Single(logs, l => l.Contains("Embeddings endpoint", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        }
        finally
        {
            server.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);
        public void Dispose() { }

        sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines) lines.Add(formatter(state, exception));
            }
        }
    }
}
