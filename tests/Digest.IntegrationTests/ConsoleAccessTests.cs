using System.Net;
using System.Net.Http.Headers;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Digest.IntegrationTests;

/// <summary>Who gets what under /admin: nothing for anyone but a signed-in operator, the jobs dashboard included; forms only with their token.</summary>
public sealed class ConsoleAccessTests : ConsoleTest
{
    private static readonly string[] Paths = ["/admin", "/admin/", "/admin/audit", "/admin/subscribers", "/admin/jobs", "/admin/jobs/jobs/failed", "/admin/no-such-page"];

    [Fact]
    public async Task A_non_operator_gets_a_sign_in_redirect_for_pages_and_401_for_anything_else_and_never_data()
    {
        var forged = "digest-operator=" + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        foreach (var cookie in new[] { null, forged })
        {
            foreach (var path in Paths)
            {
                using var page = new HttpRequestMessage(HttpMethod.Get, path);
                page.Headers.Accept.ParseAdd("text/html");
                if (cookie is not null) page.Headers.Add("Cookie", cookie);
                var answer = await Web.Http.SendAsync(page);
                Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
                Assert.Equal("/admin/sign-in?next=" + Uri.EscapeDataString(path), answer.Headers.Location!.OriginalString);
                Assert.Empty(await answer.Content.ReadAsStringAsync());

                using var other = new HttpRequestMessage(HttpMethod.Get, path);
                other.Headers.Accept.ParseAdd("application/json");
                if (cookie is not null) other.Headers.Add("Cookie", cookie);
                var refused = await Web.Http.SendAsync(other);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Empty(await refused.Content.ReadAsStringAsync());

                var post = await Web.Http.PostAsync(path, new FormUrlEncodedContent([new("x", "y")]));
                Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
            }
        }
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/admin/jobs");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("ada:"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(Password)).ToArray()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Web.Http.SendAsync(basic)).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_operator_opens_the_jobs_dashboard_without_another_password()
    {
        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Digest jobs"));
        Assert.EndsWith("/admin/jobs", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_console_form_posted_without_its_token_is_refused_and_changes_nothing()
    {
        using var client = new FormClient(Web.Address);
        var (status, _) = await client.SubmitAsync("/admin/sign-in", "/admin/sign-in", ("name", OperatorName), ("password", Password), ("next", "/admin"));
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/admin/audit")).StatusCode);

        // Signed in, but the sign-out form comes without its token (as from another site): refused, still signed in.
        var forged = await client.Http.PostAsync("/admin/sign-out", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("Nothing was changed", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/admin/audit")).StatusCode);
        var wrongToken = await client.Http.PostAsync("/admin/sign-out", new FormUrlEncodedContent([new("_af", "not-a-token")]));
        Assert.Equal(HttpStatusCode.BadRequest, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/admin/audit")).StatusCode);

        // A sign-in form without its token signs nobody in.
        using var stranger = new FormClient(Web.Address);
        var noToken = await stranger.Http.PostAsync("/admin/sign-in", new FormUrlEncodedContent([new("name", OperatorName), new("password", Password)]));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Http.GetAsync("/admin/audit")).StatusCode);
    }
}
