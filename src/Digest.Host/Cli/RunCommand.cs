using System.CommandLine;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

internal static class RunCommand
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        var role = new Option<Role>("--role") { Description = "web (pages and API), worker (scheduled jobs) or all.", DefaultValueFactory = _ => Role.All };
        var urls = new Option<string>("--urls") { Description = "Where the web role listens.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var command = new Command("run", "Run the service: web pages and API, and the worker that ingests, plans and sends.") { role, urls };
        command.SetAction(async (parse, ct) =>
        {
            var app = await DigestHost.BuildAsync(["--urls", parse.GetValue(urls)!], parse.GetValue(role), overrides, ct);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
