using System.Diagnostics;
using Digest.Benchmarks;
using Digest.Data;
using Digest.Host.Local;
using Digest.Host.Startup;
using Npgsql;

// Usage: dotnet run -c Release --project tests/Digest.Benchmarks -- [NAME ...] [--option value ...]
// With no name, lists the benchmarks. Each runs on its own database in a private PostgreSQL cluster
// (or on the server in DIGEST_BENCH_DATABASE), so figures do not depend on an earlier run.
IBenchmark[] all = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToArray();

var names = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
var options = args.Skip(names.Count).ToList();
if (names.Count == 0)
{
    Console.WriteLine("Benchmarks:");
    foreach (var b in all) Console.WriteLine($"  {b.Name,-12} {b.Description}");
    return 0;
}

var server = Environment.GetEnvironmentVariable("DIGEST_BENCH_DATABASE");
LocalPostgres? cluster = null;
// Not CreateTempSubdirectory: its folder is private, and as root the cluster's 'postgres' user must reach it.
var scratch = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "digest-bench-" + Guid.NewGuid().ToString("N")[..8])).FullName;
try
{
    if (string.IsNullOrWhiteSpace(server))
    {
        cluster = new LocalPostgres(Path.Combine(scratch, "postgres"));
        server = await cluster.EnsureStartedAsync(durable: false);
    }
    foreach (var name in names)
    {
        var benchmark = all.FirstOrDefault(b => b.Name == name);
        if (benchmark is null)
        {
            Console.Error.WriteLine($"No benchmark named '{name}'. Run without arguments for the list.");
            return 2;
        }
        var database = "bench_" + name.Replace('-', '_') + "_" + Guid.NewGuid().ToString("N")[..6];
        await DatabaseBootstrap.EnsureDatabaseAsync(server, database, CancellationToken.None);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        await using (var source = DataSourceFactory.Create(connectionString))
            await new Migrator(source).MigrateAsync();
        Console.WriteLine($"{benchmark.Name}: {benchmark.Description}");
        Console.WriteLine($"  machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, " +
                          $"parallel speed-up of a pure compute loop now: {CpuScaling():0.00}× (2.00 on an idle 2-core machine)");
        var watch = Stopwatch.StartNew();
        await benchmark.RunAsync(new BenchmarkContext(connectionString, server, Path.Combine(scratch, name), options), CancellationToken.None);
        Console.WriteLine($"  (whole run {watch.Elapsed.TotalSeconds:0.0} s)");
    }
    return 0;
}
finally
{
    if (cluster is not null) await cluster.StopAsync();
    Directory.Delete(scratch, recursive: true);
}

// How many cores this process really gets right now: a shared machine makes every figure smaller.
static double CpuScaling()
{
    static long Work(int n)
    {
        long x = 0;
        for (var i = 0; i < n; i++) x += (i * 31) ^ (x >> 3);
        return x;
    }
    var watch = Stopwatch.StartNew();
    for (var k = 0; k < 100; k++) Work(1_000_000);
    var one = watch.Elapsed.TotalMilliseconds;
    watch.Restart();
    Parallel.For(0, 100, _ => Work(1_000_000));
    return one / watch.Elapsed.TotalMilliseconds;
}
