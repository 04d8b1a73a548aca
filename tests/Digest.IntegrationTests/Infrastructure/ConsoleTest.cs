using Digest.Data.Repositories;
using Digest.Host.OperatorConsole;
using Microsoft.Playwright;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// A test class of the operator console: its own database, the real web app on it, one operator account made as the
/// CLI makes it (a generated password, stored as its hash), and Chromium.
/// </summary>
public abstract class ConsoleTest : IAsyncLifetime
{
    protected DigestTestHost Host { get; private set; } = null!;
    protected RunningApp Web { get; private set; } = null!;
    protected Browsers Browsers { get; private set; } = null!;
    protected string OperatorName { get; } = "ada";
    protected string Password { get; } = OperatorPasswords.Generate();

    /// <summary>Settings of this class's app beyond the test defaults.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        Host = await DigestTestHost.StartAsync(extra: Settings);
        Web = await RunningApp.StartAsync(Host.Settings, Digest.Host.Startup.Role.Web);
        Assert.True(await Host.Get<OperatorRepository>().AddAsync(OperatorName, new OperatorPasswords().Hash(Password)));
        Browsers = await Browsers.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browsers.DisposeAsync();
        await Web.DisposeAsync();
        await Host.DisposeAsync();
    }

    protected async Task<IPage> NewPageAsync()
    {
        var context = await Browsers.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Web.Address.ToString() });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the form, as a person would, and lands on the overview.</summary>
    protected async Task<IPage> SignedInPageAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/admin");
        await SubmitSignInAsync(page, OperatorName, Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        return page;
    }

    protected static async Task SubmitSignInAsync(IPage page, string name, string password)
    {
        await page.GetByLabel("Operator name").FillAsync(name);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
