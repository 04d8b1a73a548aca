namespace Digest.Benchmarks;

/// <summary>
/// One measured run of a stage of the pipeline on this machine. Benchmarks print their figures (and a
/// ratio against a naive baseline measured in the same run); they never pass or fail on time.
/// </summary>
public interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task RunAsync(BenchmarkContext context, CancellationToken ct);
}

/// <summary>What a benchmark gets: a fresh database of its own, a scratch folder, and a way to report.</summary>
public sealed record BenchmarkContext(string ConnectionString, string ServerConnectionString, string Folder, IReadOnlyList<string> Args)
{
    public void Report(string figure, string value) => Console.WriteLine($"  {figure,-48} {value}");

    /// <summary>A whole-number option given after the benchmark's name ("--subscribers 50000"), or the fallback.</summary>
    public int Option(string name, int fallback)
    {
        var i = Args.ToList().IndexOf(name);
        return i >= 0 && i + 1 < Args.Count ? int.Parse(Args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
