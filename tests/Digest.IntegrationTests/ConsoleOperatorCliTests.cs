using System.Net;
using System.Text.RegularExpressions;
using Digest.Data.Repositories;
using Digest.IntegrationTests.Infrastructure;

namespace Digest.IntegrationTests;

/// <summary>`digest operator add|reset-password`: a generated password printed once, clear errors for bad input, every change in the audit log.</summary>
public sealed partial class ConsoleOperatorCliTests : PagesTest
{
    [Fact]
    public async Task Operator_add_prints_a_password_that_signs_in_and_reset_password_replaces_it()
    {
        var added = await Cli.RunAsync(Host.Settings, "operator", "add", "grace");
        Assert.Equal(0, added.ExitCode);
        var password = PasswordLine().Match(added.Output).Groups[1].Value;
        Assert.Equal(20, password.Length);
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync("grace", password));
        using var session = new FormClient(Web.Address);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SubmitAsync("/admin/sign-in", "/admin/sign-in", ("name", "grace"), ("password", password))).Status);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/admin/audit")).StatusCode);

        var reset = await Cli.RunAsync(Host.Settings, "operator", "reset-password", "grace");
        Assert.Equal(0, reset.ExitCode);
        var second = PasswordLine().Match(reset.Output).Groups[1].Value;
        Assert.NotEqual(password, second);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("grace", password));
        // A reset ends the sessions opened with the old password.
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Http.GetAsync("/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync("grace", second));

        var log = await Host.Get<AuditRepository>().PageAsync(null, 100);
        Assert.Contains(log, e => e is { Actor: "cli", Action: "operator added", Target: "grace" });
        Assert.Contains(log, e => e is { Actor: "cli", Action: "password reset", Target: "grace" });
        Assert.DoesNotContain(log, e => (e.Detail ?? "").Contains(second, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Operator_verbs_refuse_bad_names_a_taken_name_and_an_unknown_one_with_a_clear_error_and_change_nothing()
    {
        Assert.Equal(0, (await Cli.RunAsync(Host.Settings, "operator", "add", "grace")).ExitCode);
        var hash = (await Host.Get<OperatorRepository>().FindAsync("grace"))!.PasswordHash;

        var bad = await Cli.RunAsync(Host.Settings, "operator", "add", "grace hopper<script>");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("An operator name is 1-64 letters, digits", bad.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await Cli.RunAsync(Host.Settings, "operator", "add", new string('a', 65))).ExitCode);

        var taken = await Cli.RunAsync(Host.Settings, "operator", "add", "grace");
        Assert.Equal(2, taken.ExitCode);
        Assert.Contains("An operator named 'grace' exists already; nothing was changed", taken.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", taken.Output, StringComparison.Ordinal);

        var unknown = await Cli.RunAsync(Host.Settings, "operator", "reset-password", "nobody");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No operator named 'nobody'", unknown.Error, StringComparison.Ordinal);

        Assert.Equal(hash, (await Host.Get<OperatorRepository>().FindAsync("grace"))!.PasswordHash);
        Assert.Single(await Host.Get<OperatorRepository>().ListAsync());
    }

    private async Task<HttpStatusCode> SignInAsync(string name, string password)
    {
        using var client = new FormClient(Web.Address);
        return (await client.SubmitAsync("/admin/sign-in", "/admin/sign-in", ("name", name), ("password", password))).Status;
    }

    [GeneratedRegex(@"Password \(shown once[^)]*\): (\S+)")]
    private static partial Regex PasswordLine();
}
