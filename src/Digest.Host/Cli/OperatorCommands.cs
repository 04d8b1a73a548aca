using System.CommandLine;
using Digest.Data.Repositories;
using Digest.Host.OperatorConsole;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

/// <summary>
/// `digest operator add|reset-password NAME`: the console's accounts. The password is generated and printed once;
/// only its hash is stored. Both are written to the audit log (actor "cli").
/// </summary>
internal static class OperatorCommands
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides) =>
        new("operator", "Operator accounts of the console at /admin.") { Add(overrides), ResetPassword(overrides) };

    private static Command Add(IReadOnlyDictionary<string, string?>? overrides)
    {
        var name = new Argument<string>("NAME") { Description = "1-64 letters, digits, '.', '_', '-' or '@'." };
        var command = new Command("add", "Create an operator account; prints its generated password once.") { name };
        command.SetAction((parse, ct) => RunAsync(overrides, parse.GetValue(name), adding: true, ct));
        return command;
    }

    private static Command ResetPassword(IReadOnlyDictionary<string, string?>? overrides)
    {
        var name = new Argument<string>("NAME");
        var command = new Command("reset-password", "Give an operator a new generated password (printed once), lift a lock-out and end their sessions.") { name };
        command.SetAction((parse, ct) => RunAsync(overrides, parse.GetValue(name), adding: false, ct));
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyDictionary<string, string?>? overrides, string? name, bool adding, CancellationToken ct)
    {
        if (OperatorNames.Check(name) is { } error)
        {
            Console.Error.WriteLine(error);
            return 2;
        }
        using var host = await DigestHost.BuildCliAsync(overrides, ct);
        var operators = host.Services.GetRequiredService<OperatorRepository>();
        var password = OperatorPasswords.Generate();
        var hash = new OperatorPasswords().Hash(password);
        var done = adding ? await operators.AddAsync(name!, hash, ct) : await operators.SetPasswordAsync(name!, hash, ct);
        if (!done)
        {
            Console.Error.WriteLine(adding
                ? $"An operator named '{name}' exists already; nothing was changed. Give them a new password with: digest operator reset-password {name}"
                : $"No operator named '{name}'; nothing was changed. Create one with: digest operator add {name}");
            return 2;
        }
        await host.Services.GetRequiredService<AuditRepository>().WriteAsync(AuditRepository.Cli, adding ? "operator added" : "password reset", name, null, ct);
        Console.WriteLine(adding ? $"Operator '{name}' added." : $"Operator '{name}' has a new password; their sessions have ended.");
        Console.WriteLine($"Password (shown once, only its hash is stored): {password}");
        return 0;
    }
}
