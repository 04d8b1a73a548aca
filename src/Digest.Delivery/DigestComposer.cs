using System.Globalization;
using Digest.Core.Bounces;
using Digest.Core.Listings;
using Digest.Core.Ranking;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Mail.Rendering;
using Digest.Mail.Transport;
using NodaTime;

namespace Digest.Delivery;

/// <summary>Builds the email for one digest: its items, the person's links (signed), the rendered parts, the MIME message.</summary>
public sealed class DigestComposer(
    DigestRenderer renderer,
    LinkTokens tokens,
    SenderIdentity sender,
    SiteSettings site,
    ReturnPath returnPath,
    RecommendationSettings recommendations,
    IClock clock)
{
    /// <summary>The email of one digest of a batch whose entries and topic labels were read together.</summary>
    public EmailMessage Compose(ClaimedDigest digest, Subscriber subscriber, IReadOnlyList<DigestEntry> entries, IReadOnlyList<string> topics)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var email = BuildModel(entries, digest.Period, subscriber, topics, digest.Id);
        var rendered = renderer.Render(email);
        if (email.Learning)
        {
            var expires = clock.GetCurrentInstant() + site.LinkLifetime;
            var links = new Dictionary<long, string>();
            string TokenFor(long listingId) => links.TryGetValue(listingId, out var t) ? t : links[listingId] = tokens.CreateItem(subscriber.Id, digest.Id, listingId, expires);
            rendered = rendered with { Html = ItemLinkMarks.Fill(rendered.Html, TokenFor), Text = ItemLinkMarks.Fill(rendered.Text, TokenFor) };
        }
        // One Message-ID per digest, whatever the attempt: a resend after a crash is the same message.
        var messageId = $"<digest-{digest.Id}-{digest.Period:yyyyMMdd}@{sender.MessageIdDomain}>";
        var now = clock.GetCurrentInstant();
        return OutgoingMessage.Build(rendered, subscriber.Email, messageId, now.ToDateTimeOffset(),
            email.UnsubscribeUrl, sender, returnPath.ForDigest(digest.Id, now));
    }

    /// <summary>
    /// The email of a digest planned for an operator's preview and not stored (see <see cref="DigestPreviewer"/>): built as
    /// <see cref="Compose"/> builds it, except that its links go straight to the listings and record nothing.
    /// </summary>
    public RenderedEmail Preview(DateOnly period, Subscriber subscriber, IReadOnlyList<DigestEntry> entries, IReadOnlyList<string> topics) =>
        renderer.Render(BuildModel(entries, period, subscriber, topics, digestId: null));

    /// <param name="digestId">The digest the links record clicks for; null for a preview (links go straight to the listings).</param>
    private DigestEmail BuildModel(IReadOnlyList<DigestEntry> entries, DateOnly period, Subscriber subscriber, IReadOnlyList<string> topics, long? digestId)
    {
        var expires = clock.GetCurrentInstant() + site.LinkLifetime;
        var learning = recommendations.Tracking && subscriber.Learning;
        // A preview (no digest yet) links straight to the listings: nobody's click is recorded from it.
        var items = entries.Select(e => Item(e, learning && digestId is not null ? ItemLinkMarks.For(e.ListingId) : null)).ToList();
        var main = items.Where((_, i) => !entries[i].AlsoLike).ToList();
        return new DigestEmail
        {
            SiteName = site.Name,
            SiteUrl = site.BaseUrl,
            RecipientEmail = subscriber.Email,
            Subject = DigestSubject.For(main),
            PeriodLabel = period.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture),
            Items = main,
            AlsoLike = items.Where((_, i) => entries[i].AlsoLike).ToList(),
            Learning = learning,
            Topics = topics.Select(TopicLabel.Of).ToList(),
            FrequencyLabel = subscriber.Schedule.FrequencyWord,
            ManageUrl = $"{site.BaseUrl}/preferences/{tokens.Create(TokenPurpose.Preferences, subscriber.Id, expires)}",
            UnsubscribeUrl = $"{site.BaseUrl}/unsubscribe/{tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, expires)}",
        };
    }

    /// <param name="itemToken">Where the person's signed link for this listing goes (a mark, see <see cref="ItemLinkMarks"/>); null: links go straight to the listing and record nothing.</param>
    private DigestEmailItem Item(DigestEntry e, string? itemToken) => new()
    {
        Rank = e.Rank,
        Title = e.Title,
        Url = itemToken is null ? ListingLinks.For(e.ListingId, e.Url, site.BaseUrl) : $"{site.BaseUrl}/r/{itemToken}",
        Authors = Authors(e.Authors),
        Published = e.PublishedAt?.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
        Snippet = Snippets.Split(e.Snippet, e.Summary),
        MatchedTopics = e.MatchedTopics.Select(TopicLabel.Of).ToList(),
        MatchedSimilarities = e.MatchedTopics.Select((_, i) => i < e.MatchedSimilarities.Length && e.MatchedSimilarities[i] is { } s
            ? s.ToString("0.00", CultureInfo.InvariantCulture) : null).ToList(),
        MoreUrl = itemToken is null ? null : $"{site.BaseUrl}/feedback/{itemToken}/more",
        FewerUrl = itemToken is null ? null : $"{site.BaseUrl}/feedback/{itemToken}/fewer",
        BecauseOf = e.BecauseTitle,
    };

    private static string? Authors(string[] authors) => authors.Length switch
    {
        0 => null,
        <= 3 => string.Join(", ", authors),
        _ => $"{authors[0]}, {authors[1]}, {authors[2]} et al.",
    };
}
