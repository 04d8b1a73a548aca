using Digest.Mail.Rendering;
using Scriban.Syntax;

namespace Digest.Tests.Mail;

/// <summary>An operator's own templates folder: mistakes in it fail loudly, with the file and where in it.</summary>
public sealed class OperatorTemplateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("digest-templates-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly DigestEmail Email = new()
    {
        SiteName = "Digest", SiteUrl = "https://d.test", RecipientEmail = "a@d.test", Subject = "s", PeriodLabel = "p",
        Topics = [], ManageUrl = "https://d.test/m", UnsubscribeUrl = "https://d.test/u",
        Items = [new DigestEmailItem { Rank = 1, Title = "A", MatchedTopics = ["t"] }, new DigestEmailItem { Rank = 2, Title = "B", MatchedTopics = ["t"] }],
    };

    private string Write(string digest, string item = "{{ item.title }};")
    {
        Directory.CreateDirectory(Path.Combine(_folder, "partials"));
        foreach (var part in new[] { "html", "txt" })
        {
            File.WriteAllText(Path.Combine(_folder, $"digest.{part}.sbn"), digest);
            File.WriteAllText(Path.Combine(_folder, "partials", $"item.{part}.sbn"), item);
        }
        return Path.Combine(_folder, "digest.html.sbn");
    }

    [Fact]
    public void A_misspelled_name_fails_with_the_file_and_line_instead_of_rendering_empty()
    {
        var file = Write("{{ site_name }}\n{{ period_labl }}\n");
        var renderer = new DigestRenderer(_folder);

        var e = Assert.Throws<ScriptRuntimeException>(() => renderer.Render(Email));

        Assert.Contains(file + "(2,4)", e.Message, StringComparison.Ordinal);
        Assert.Contains("period_labl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelled_member_of_an_item_fails_too()
    {
        Write("{{ for item in items }}{{ include 'item' }}{{ end }}", item: "{{ item.titel }}");
        var renderer = new DigestRenderer(_folder);

        var e = Assert.Throws<ScriptRuntimeException>(() => renderer.Render(Email));

        Assert.Contains(Path.Combine(_folder, "partials", "item.html.sbn") + "(1,", e.Message, StringComparison.Ordinal);
        Assert.Contains("titel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_that_does_not_parse_stops_the_renderer_from_being_made_with_file_line_and_column()
    {
        var file = Write("{{ site_name }}\n  {{ if item_count }}no end\n");

        var e = Assert.Throws<InvalidOperationException>(() => new DigestRenderer(_folder));

        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Matches(@"digest\.html\.sbn\(2,\d+\)", e.Message);
    }

    [Fact]
    public void A_partial_that_does_not_parse_is_found_at_start_too()
    {
        Write("{{ for item in items }}{{ include 'item' }}{{ end }}", item: "{{ if item.title }}no end");

        var e = Assert.Throws<InvalidOperationException>(() => new DigestRenderer(_folder));

        Assert.Contains(Path.Combine("partials", "item.html.sbn") + "(1,", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(DigestRenderer.DefaultItemFragments)]
    public void The_item_partial_sees_only_its_item_kept_or_not(int fragments)
    {
        Write("{{ for item in items }}{{ include 'item' }}{{ end }}", item: "{{ item.title }}/{{ site_name }};");
        var renderer = new DigestRenderer(_folder, fragments);

        var e = Assert.Throws<ScriptRuntimeException>(() => renderer.Render(Email));

        Assert.Contains("site_name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_renderer_that_failed_once_renders_the_next_digest_cleanly()
    {
        Write("{{ for item in items }}{{ include 'item' }}{{ if item.rank == 9 }}{{ nope }}{{ end }}{{ end }}", item: "{{ item.rank }}. {{ item.title }};");
        var renderer = new DigestRenderer(_folder);
        Assert.Throws<ScriptRuntimeException>(() => renderer.Render(Email with { Items = [Email.Items[0] with { Rank = 9 }] }));

        var email = renderer.Render(Email);

        Assert.Equal("1. A;2. B;", email.Html);
    }
}
