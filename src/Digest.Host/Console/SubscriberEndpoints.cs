using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Host.OperatorConsole.Pages;
using Digest.Host.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>
/// People: search by address or topic, one person's page, and what an operator may do to them. Every change is a
/// POST with the form's antiforgery token, written to the audit log, then a redirect back to the person's page
/// (GET shows, POST changes).
/// </summary>
public static class SubscriberEndpoints
{
    public const int PageSize = 50;

    public static void MapSubscriberPages(this RouteGroupBuilder console)
    {
        console.MapGet("/subscribers", SearchAsync);
        console.MapGet("/subscribers/{id:long}", PersonAsync);
        console.MapGet("/subscribers/{id:long}/delete", async (long id, int? mismatch, SubscriberRepository subscribers, CancellationToken ct) =>
            await subscribers.GetAsync(id, ct) is { } person
                ? (IResult)new RazorComponentResult<DeletePersonPage>(new { Person = person, Mismatch = mismatch == 1 })
                : NotFound(id));
        console.MapPost("/subscribers/{id:long}/pause", (long id, HttpContext c, SubscriptionRepository s) =>
            ActAsync(c, id, PersonActions.Paused, (p, _) => s.PauseAsync(p.Id, c.RequestAborted))).DisableAntiforgery();
        console.MapPost("/subscribers/{id:long}/resume", (long id, HttpContext c, SubscriptionRepository s) =>
            ActAsync(c, id, PersonActions.Resumed, (p, _) => s.ResumeAsync(p.Id, c.RequestAborted))).DisableAntiforgery();
        console.MapPost("/subscribers/{id:long}/suppress", (long id, HttpContext c, SubscriberRepository s) =>
            ActAsync(c, id, PersonActions.Suppressed, async (p, form) =>
            {
                await s.SuppressAsync(p.Email, Reason(form), c.RequestAborted);
                return true;
            })).DisableAntiforgery();
        console.MapPost("/subscribers/{id:long}/unsuppress", (long id, HttpContext c, SubscriberRepository s) =>
            ActAsync(c, id, PersonActions.Unsuppressed, (p, _) => s.UnsuppressAsync(p.Email, c.RequestAborted))).DisableAntiforgery();
        console.MapPost("/subscribers/{id:long}/digests/{digestId:long}/resend", (long id, long digestId, HttpContext c, SubscriberRepository s, DigestRepository d) =>
            ActAsync(c, id, PersonActions.Resent, async (p, _) =>
                (await s.DigestsAsync(p.Id, PersonPage.ShownDigests, c.RequestAborted)).Any(x => x.Id == digestId) && await d.ResendAsync(digestId, c.RequestAborted),
                $"digest {digestId}")).DisableAntiforgery();
        console.MapPost("/subscribers/{id:long}/delete", DeleteAsync).DisableAntiforgery();
        console.MapGet("/subscribers/{id:long}/edit", EditPageAsync);
        console.MapPost("/subscribers/{id:long}/edit", EditAsync).DisableAntiforgery();
    }

    private static async Task<IResult> SearchAsync(SubscriberRepository subscribers, string? q, string? by, string? after, int? deleted, CancellationToken ct)
    {
        var byTopic = by == "topic";
        var text = (q ?? "").Trim();
        IReadOnlyList<SubscriberHit> hits = byTopic
            ? text.Length == 0 ? [] : await subscribers.SearchByTopicAsync(text, long.TryParse(after, out var id) ? id : 0, PageSize, ct)
            : await subscribers.SearchByAddressAsync(text, after, PageSize, ct);
        var next = hits.Count < PageSize ? null : byTopic ? hits[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : hits[^1].EmailKey;
        return new RazorComponentResult<SubscribersPage>(new { Query = text, ByTopic = byTopic, Hits = hits, Next = next, First = after is null, Deleted = deleted == 1 });
    }

    private static async Task<IResult> PersonAsync(long id, string? done, SubscriberRepository subscribers, RecommendationRepository recommendations, CancellationToken ct)
    {
        if (await subscribers.GetAsync(id, ct) is not { } person) return NotFound(id);
        var view = new PersonView(
            person,
            await subscribers.GetTopicsAsync(id, ct),
            await subscribers.SuppressionAsync(person.Email, ct),
            await subscribers.DigestsAsync(id, PersonPage.ShownDigests, ct),
            await recommendations.ProfileAsync(id, ct),
            await recommendations.SignalsAsync(id, PersonPage.ShownSignals, ct));
        return new RazorComponentResult<PersonPage>(new { View = view, Done = PersonActions.Message(done) });
    }

    private static async Task<IResult> DeleteAsync(long id, HttpContext context, SubscriberRepository subscribers, SubscriptionRepository subscriptions, AuditRepository audit)
    {
        if (await Forms.ReadAsync(context) is not { } form) return ConsolePages.Expired();
        if (await subscribers.GetAsync(id, context.RequestAborted) is not { } person) return NotFound(id);
        if (form["confirm"] != person.Email)
            return Results.Redirect($"/admin/subscribers/{id}/delete?mismatch=1");
        if (await subscriptions.DeleteAsync(id, context.RequestAborted))
            await audit.WriteAsync(ConsoleGate.OperatorName(context.User), "deleted", person.Email, "the person, their topics, digests and what was learned", context.RequestAborted);
        return Results.Redirect("/admin/subscribers?deleted=1");
    }

    private static async Task<IResult> EditPageAsync(long id, SubscriberRepository subscribers, CancellationToken ct)
    {
        if (await subscribers.GetAsync(id, ct) is not { } person) return NotFound(id);
        var topics = (await subscribers.GetTopicsAsync(id, ct)).Select(t => t.Label);
        return new RazorComponentResult<EditPersonPage>(new { Person = person, Values = ChoiceValues.From(person, topics) });
    }

    /// <summary>Saves what the operator chose by the preferences page's rules, and writes what changed, in its words, to the audit log.</summary>
    private static async Task<IResult> EditAsync(long id, HttpContext context, SubscriberRepository subscribers, SubscriptionRepository subscriptions, AuditRepository audit)
    {
        if (await Forms.ReadAsync(context) is not { } form) return ConsolePages.Expired();
        var ct = context.RequestAborted;
        if (await subscribers.GetAsync(id, ct) is not { } person) return NotFound(id);
        var values = ChoiceValues.From(form);
        var (choices, errors) = values.Parse();
        if (errors.Count > 0)
            return new RazorComponentResult<EditPersonPage>(new { Person = person, Values = values, Errors = errors }) { StatusCode = StatusCodes.Status400BadRequest };
        var before = (await subscribers.GetTopicsAsync(id, ct)).Select(t => t.Label).ToList();
        var changes = PreferenceChanges.Between(person, before, choices!);
        if (changes.Count == 0) return Results.Redirect($"/admin/subscribers/{id}?done={PersonActions.Unchanged}");
        await subscriptions.UpdateChoicesAsync(id, choices!, ct);
        await audit.WriteAsync(ConsoleGate.OperatorName(context.User), PersonActions.Edited, person.Email, string.Join("; ", changes), ct);
        return Results.Redirect($"/admin/subscribers/{id}?done={PersonActions.Edited}");
    }

    /// <summary>One action on one person: the token checked, the change made, written to the audit log, back to their page.</summary>
    private static async Task<IResult> ActAsync(HttpContext context, long id, string action, Func<Subscriber, IFormCollection, Task<bool>> change, string? detail = null)
    {
        if (await Forms.ReadAsync(context) is not { } form) return ConsolePages.Expired();
        var subscribers = context.RequestServices.GetRequiredService<SubscriberRepository>();
        if (await subscribers.GetAsync(id, context.RequestAborted) is not { } person) return NotFound(id);
        var changed = await change(person, form);
        if (changed)
        {
            var why = action == PersonActions.Suppressed ? Reason(form) : detail;
            await context.RequestServices.GetRequiredService<AuditRepository>()
                .WriteAsync(ConsoleGate.OperatorName(context.User), action, person.Email, why, context.RequestAborted);
        }
        return Results.Redirect($"/admin/subscribers/{id}?done={(changed ? action : PersonActions.Unchanged)}");
    }

    private static string Reason(IFormCollection form) =>
        form["reason"].ToString().Trim() is { Length: > 0 } reason ? reason[..Math.Min(reason.Length, 500)] : "operator";

    private static RazorComponentResult<MessagePage> NotFound(long id) => ConsolePages.NotFound($"There is no subscriber {id}: deleted, or never there.", "/admin/subscribers");
}

/// <summary>What the console did to a person, in the audit log's words, and what the person's page says after it.</summary>
public static class PersonActions
{
    public const string Paused = "paused";
    public const string Resumed = "resumed";
    public const string Suppressed = "suppressed";
    public const string Unsuppressed = "unsuppressed";
    public const string Resent = "digest resent";
    public const string Edited = "edited";
    public const string Unchanged = "unchanged";

    public static string? Message(string? done) => done switch
    {
        Paused => "Paused: no digest goes to them until they or an operator resume.",
        Resumed => "Resumed: their digests go again at their hour.",
        Suppressed => "Suppressed: no mail of any kind goes to this address.",
        Unsuppressed => "No longer suppressed: mail may go to this address again.",
        Resent => "The digest is back in the outbox and goes with the next send.",
        Edited => "Saved: their topics and schedule are as shown below; the audit log says what changed.",
        Unchanged => "Nothing changed: the person was not in a state this applies to.",
        _ => null,
    };
}

/// <summary>Everything a person's page shows.</summary>
public sealed record PersonView(
    Subscriber Person, IReadOnlyList<SubscriberTopic> Topics, Suppression? Suppression, IReadOnlyList<PersonDigest> Digests,
    Digest.Core.Recommendations.ReaderProfile? Profile, IReadOnlyList<RecordedSignal> Signals);
