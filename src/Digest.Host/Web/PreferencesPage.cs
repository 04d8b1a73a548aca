using System.Globalization;
using System.Text;
using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using static Digest.Host.Web.Page;

namespace Digest.Host.Web;

/// <summary>The preferences page's HTML: status, what a save changed, the choices form, pause, last digests, your data.</summary>
public static class PreferencesPage
{
    public static string Body(string token, Subscriber subscriber, ChoiceValues values, IReadOnlyList<SubscriptionChoices.Error> errors,
        IReadOnlyList<string>? saved, IReadOnlyList<RecentDigest> digests, string antiforgery, string unsubscribePath, LearningView learning)
    {
        var path = "/preferences/" + E(token);
        var sb = new StringBuilder();
        sb.Append($"<h1>Your digest</h1><p class=\"lead\">For <strong>{E(subscriber.Email)}</strong>. {StatusLine(subscriber.Status)}</p>");
        if (saved is { Count: > 0 })
            sb.Append($"<div class=\"saved\" role=\"status\"><h2>Saved</h2><ul>{string.Concat(saved.Select(c => $"<li>{E(c)}</li>"))}</ul></div>");
        sb.Append(ChoicesForm.ErrorSummary(errors.Where(e => e.Field != "confirm").ToList()));
        sb.Append($"<form method=\"post\" action=\"{path}\" novalidate>{antiforgery}{ChoicesForm.Fields(values, errors, zoneFromBrowser: false)}<button type=\"submit\">Save changes</button></form>");
        sb.Append(PauseSection(path, subscriber.Status, antiforgery, unsubscribePath));
        sb.Append(DigestsSection(digests));
        sb.Append(LearningSection.Html(path, learning, antiforgery));
        sb.Append(DataSection(path, antiforgery, errors.FirstOrDefault(e => e.Field == "confirm")));
        sb.Append("<script src=\"/site.js\" defer></script>");
        return sb.ToString();
    }

    private static string StatusLine(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Active => "Your digest is running.",
        SubscriberStatus.Paused => "Your digest is <strong>paused</strong>: nothing is sent until you resume.",
        SubscriberStatus.Unsubscribed => "You are <strong>unsubscribed</strong>: nothing is sent. Resume below to get digests again.",
        _ => "Your subscription is <strong>not confirmed</strong> yet: use the link in the confirmation email.",
    };

    private static string PauseSection(string path, SubscriberStatus status, string antiforgery, string unsubscribePath)
    {
        var action = status switch
        {
            SubscriberStatus.Active => $"<form method=\"post\" action=\"{path}/pause\" class=\"inline\">{antiforgery}<button type=\"submit\" class=\"secondary\">Pause my digest</button></form>" +
                                       $" <a href=\"{E(unsubscribePath)}\">Unsubscribe</a>",
            SubscriberStatus.Paused or SubscriberStatus.Unsubscribed =>
                $"<form method=\"post\" action=\"{path}/resume\" class=\"inline\">{antiforgery}<button type=\"submit\">Resume my digest</button></form>",
            _ => "<p>Confirm your subscription first.</p>",
        };
        return $"<section aria-labelledby=\"pause-h\"><h2 id=\"pause-h\">Pause or stop</h2>{action}</section>";
    }

    private static string DigestsSection(IReadOnlyList<RecentDigest> digests)
    {
        if (digests.Count == 0)
            return "<section aria-labelledby=\"last-h\"><h2 id=\"last-h\">Your last digests</h2><p>None yet.</p></section>";
        var rows = string.Concat(digests.Select(d =>
            $"<tr><td>{d.Period.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}</td><td>{E(Describe(d))}</td>" +
            $"<td>{string.Join("<br>", d.TopTitles.Select(E))}</td></tr>"));
        return $"""
            <section aria-labelledby="last-h"><h2 id="last-h">Your last digests</h2>
            <div class="scroll"><table class="digests"><thead><tr><th scope="col">Day</th><th scope="col">What happened</th><th scope="col">Top listings</th></tr></thead>
            <tbody>{rows}</tbody></table></div></section>
            """;
    }

    private static string Describe(RecentDigest d) => d.Status switch
    {
        "sent" => $"sent, {d.ItemCount} listing{(d.ItemCount == 1 ? "" : "s")}",
        "empty" => "nothing new for your topics",
        "cancelled" => "not sent (paused or unsubscribed)",
        "failed" => "could not be delivered",
        _ => "on its way",
    };

    private static string DataSection(string path, string antiforgery, SubscriptionChoices.Error? confirmError)
    {
        var error = confirmError is null ? "" : $"<p class=\"error\" id=\"confirm-error\" role=\"alert\">{E(ChoicesForm.Sentence(confirmError.Message))}</p>";
        var aria = confirmError is null ? "" : " aria-describedby=\"confirm-error\" aria-invalid=\"true\"";
        return $"""
            <section aria-labelledby="data-h"><h2 id="data-h">Your data</h2>
            <p><a href="{path}/export" download>Download everything we store about you</a> (JSON).</p>
            <form method="post" action="{path}/delete" class="danger-zone">{antiforgery}
            {error}<label class="check"><input type="checkbox" name="confirm" value="yes"{aria}> Delete my subscription, my topics, my digests and what was learned for good</label>
            <button type="submit" class="danger">Delete me</button></form>
            </section>
            """;
    }
}
