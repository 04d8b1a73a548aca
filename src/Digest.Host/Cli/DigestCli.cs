using System.CommandLine;
using Digest.Host.Options;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

/// <summary>
/// The command line. Every verb builds the same services the server uses, so a CLI run and a worker
/// run behave alike. Exit codes: 0 done, 1 failed, 2 bad input (some items refused or a bad argument).
/// </summary>
public static class DigestCli
{
    public static RootCommand Build(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var root = new RootCommand("Digest: one good email a day with the newest listings for each person's topics.");
        root.Subcommands.Add(RunCommand.Create(overrides));
        root.Subcommands.Add(MigrateCommand.Create(overrides));
        root.Subcommands.Add(IngestCommand.Create(overrides));
        root.Subcommands.Add(SubscriberCommands.Create(overrides));
        root.Subcommands.Add(SendNowCommand.Create(overrides));
        root.Subcommands.Add(DigestsCommands.Create(overrides));
        root.Subcommands.Add(SourcesCommands.Create(overrides));
        root.Subcommands.Add(StatsCommand.Create(overrides));
        root.Subcommands.Add(ListingsCommands.Create(overrides));
        root.Subcommands.Add(OperatorCommands.Create(overrides));
        root.Subcommands.Add(LocalDbCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        return root;
    }
}

internal static class MigrateCommand
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        var command = new Command("migrate", "Create or upgrade the database schema (safe to run again; also runs at every start).");
        command.SetAction(async (_, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            Console.WriteLine("Schema is current.");
            return 0;
        });
        return command;
    }
}

internal static class LocalDbCommand
{
    public static Command Create()
    {
        var stop = new Command("stop", "Stop the private PostgreSQL cluster started for local runs.");
        stop.SetAction(async (_, ct) =>
        {
            var configuration = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables("DIGEST_").Build();
            var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                Console.Error.WriteLine("A connection string is configured: there is no private cluster to stop.");
                return 1;
            }
            await DatabaseBootstrap.StopLocalAsync(options, ct);
            Console.WriteLine("Private PostgreSQL cluster stopped.");
            return 0;
        });
        return new Command("localdb", "Manage the private PostgreSQL cluster of local runs.") { stop };
    }
}
