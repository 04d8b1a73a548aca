using System.Text.Encodings.Web;

namespace Digest.Host.Web;

/// <summary>
/// The HTML layout of every page. Bodies are built with <see cref="E"/> around anything a person typed
/// or a scraper sent; there is no inline script or style, so a strict CSP holds.
/// </summary>
public static class Page
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static IResult Html(string siteName, string title, string body, bool noindex = false, int status = 200)
    {
        var robots = noindex ? "<meta name=\"robots\" content=\"noindex, nofollow\">\n" : "";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            {robots}<title>{E(title)} · {E(siteName)}</title>
            <link rel="icon" href="/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/site.css">
            </head>
            <body>
            <header class="top"><a class="brand" href="/">{E(siteName)}</a></header>
            <main>
            {body}
            </main>
            <footer class="bottom">{E(siteName)} sends one email a day with the newest listings for your topics.</footer>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
