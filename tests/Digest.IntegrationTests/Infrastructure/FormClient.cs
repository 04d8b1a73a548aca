using System.Net;
using System.Text.RegularExpressions;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// What a browser does with our forms, without a browser: keeps cookies, reads the antiforgery field from the
/// page, posts the fields back. For the many bad-input cases; the browser journey covers the real thing.
/// </summary>
public sealed partial class FormClient : IDisposable
{
    private readonly HttpClient _http;

    public FormClient(Uri address) =>
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };

    public HttpClient Http => _http;

    /// <summary>GETs <paramref name="page"/>, then POSTs <paramref name="fields"/> with the page's antiforgery token to <paramref name="action"/>.</summary>
    public async Task<(HttpStatusCode Status, string Html)> SubmitAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var html = await _http.GetStringAsync(page);
        var token = Antiforgery().Match(html).Groups[1].Value;
        var body = new List<KeyValuePair<string, string>> { new("_af", WebUtility.HtmlDecode(token)) };
        body.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        var response = await _http.PostAsync(action, new FormUrlEncodedContent(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static (string, string)[] Choices(string topics, string hour = "8", string zone = "UTC", string items = "10", string frequency = "daily", string weekday = "monday") =>
        [("topics", topics), ("hour", hour), ("zone", zone), ("max_items", items), ("frequency", frequency), ("weekday", weekday)];

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"_af\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
