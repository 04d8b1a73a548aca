using Digest.Host.Options;

namespace Digest.Benchmarks.Delivery;

/// <summary>
/// The render figures of the deliver benchmark without its SMTP sink or seeded outbox: the same digests,
/// rendered (HTML + text) on one core and on all cores. Options: --renders N (default 100000).
/// </summary>
public sealed class RenderBenchmark : IBenchmark
{
    public string Name => "render";

    public string Description => "render the deliver benchmark's digests, one core and all cores (target: 20,000 renders/s)";

    public Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        RenderRate.Measure(context, new TemplateOptions().Resolve(), context.Option("--renders", 100_000), oneCore: true);
        return Task.CompletedTask;
    }
}
