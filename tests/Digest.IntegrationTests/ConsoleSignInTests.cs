using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Digest.IntegrationTests;

/// <summary>Signing in to the operator console: the right password, a wrong one, and the lock-out after repeated failures.</summary>
public sealed class ConsoleSignInTests : ConsoleTest
{
    [Fact]
    public async Task An_operator_signs_in_and_out_and_a_wrong_password_is_refused()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/admin/audit");
        Assert.EndsWith("/admin/sign-in?next=%2Fadmin%2Faudit", page.Url, StringComparison.Ordinal);

        await SubmitSignInAsync(page, OperatorName, Password + "x");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong name or password.");
        await SubmitSignInAsync(page, "nobody", Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong name or password.");

        await SubmitSignInAsync(page, OperatorName, Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
        var log = page.GetByRole(AriaRole.Table);
        await Assertions.Expect(log.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("signed in");
        await Assertions.Expect(log).ToContainTextAsync("wrong password");
        await Assertions.Expect(log).ToContainTextAsync("no such operator");
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Operator name")).ToBeVisibleAsync();
        await page.GotoAsync("/admin");
        Assert.Contains("/admin/sign-in", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_wrong_passwords_in_a_row_lock_the_account_against_the_right_one_too()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/admin/sign-in");
        for (var i = 0; i < 4; i++)
        {
            await SubmitSignInAsync(page, OperatorName, "wrong-" + i);
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong name or password.");
        }
        await SubmitSignInAsync(page, OperatorName, "wrong-4");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked after too many wrong passwords");

        await SubmitSignInAsync(page, OperatorName, Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");
        await page.GotoAsync("/admin");
        Assert.Contains("/admin/sign-in", page.Url, StringComparison.Ordinal);

        // The lock lasts 15 minutes by the database's clock: move it past, and the right password works again.
        await using (var db = new Npgsql.NpgsqlConnection(Host.ConnectionString))
        {
            await db.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT locked_until - now() FROM operators WHERE name = 'ada'", db);
            var left = (TimeSpan)(await cmd.ExecuteScalarAsync())!;
            Assert.InRange(left, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
            await using var expire = new Npgsql.NpgsqlCommand("UPDATE operators SET locked_until = now() - interval '1 second'", db);
            await expire.ExecuteNonQueryAsync();
        }
        await SubmitSignInAsync(page, OperatorName, Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task One_client_gets_twenty_sign_ins_a_minute_whatever_names_it_tries()
    {
        using var client = new FormClient(Web.Address);
        var statuses = new List<System.Net.HttpStatusCode>();
        for (var i = 0; i < 21; i++)
            statuses.Add((await client.SubmitAsync("/admin/sign-in", "/admin/sign-in", ("name", $"guess-{i}"), ("password", "x"))).Status);
        Assert.All(statuses.Take(20), s => Assert.Equal(System.Net.HttpStatusCode.Unauthorized, s));
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, statuses[20]);
        // The one refused was never checked: twenty refusals in the audit log, not twenty-one.
        var log = await Host.Get<Digest.Data.Repositories.AuditRepository>().PageAsync(null, 100);
        Assert.Equal(20, log.Count(e => e.Action == "sign-in refused"));
    }
}
