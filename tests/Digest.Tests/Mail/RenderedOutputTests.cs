using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

/// <summary>
/// Guards the exact bytes of both parts while the renderer is made faster: the expected files under
/// Fixtures/rendered were written by the renderer before any speed work (Handlebars.Net 2.4.3, the
/// templates in templates/email); the move to Scriban changed only how the HTML part encodes characters
/// (HtmlEncoder: '=' and '`' as they are, '+' and line breaks as character references), not what it shows. Set DIGEST_WRITE_RENDERED to a folder to write the current output there.
/// </summary>
public class RenderedOutputTests
{
    private static readonly DigestRenderer Renderer = new(Path.Combine(AppContext.BaseDirectory, "templates", "email"));

    public static TheoryData<string> Cases => [.. RenderedCases.All.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Both_parts_stay_byte_identical(string name)
    {
        var email = Renderer.Render(RenderedCases.All[name]);
        var folder = Environment.GetEnvironmentVariable("DIGEST_WRITE_RENDERED");
        if (!string.IsNullOrEmpty(folder))
        {
            File.WriteAllText(Path.Combine(folder, name + ".html"), email.Html);
            File.WriteAllText(Path.Combine(folder, name + ".txt"), email.Text);
        }
        AssertExpected(name, email);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Items_seen_before_come_out_the_same(string name)
    {
        var renderer = new DigestRenderer(Path.Combine(AppContext.BaseDirectory, "templates", "email"));
        renderer.Render(RenderedCases.All[name]);

        AssertExpected(name, renderer.Render(RenderedCases.All[name] with { Items = [.. RenderedCases.All[name].Items.Select(i => i with { })] }));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Items_rendered_in_place_come_out_the_same(string name)
    {
        var renderer = new DigestRenderer(Path.Combine(AppContext.BaseDirectory, "templates", "email"), itemFragments: 0);

        AssertExpected(name, renderer.Render(RenderedCases.All[name]));
    }

    private static void AssertExpected(string name, RenderedEmail email)
    {
        Assert.Equal(Fixtures.Text(Path.Combine("rendered", name + ".html")), email.Html);
        Assert.Equal(Fixtures.Text(Path.Combine("rendered", name + ".txt")), email.Text);
    }
}
