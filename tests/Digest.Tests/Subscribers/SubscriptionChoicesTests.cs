using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using NodaTime;

namespace Digest.Tests.Subscribers;

/// <summary>The one rule set for a person's choices, used by the form, the preferences page and the CSV import.</summary>
public class SubscriptionChoicesTests
{
    private static (SubscriptionChoices? Choices, IReadOnlyList<SubscriptionChoices.Error> Errors) Parse(
        string topics = "grokking", string? frequency = null, string? hour = null, string? zone = null, string? weekday = null, string? items = null) =>
        SubscriptionChoices.Parse(new SubscriptionChoices.Input(topics.Split('\n'), frequency, hour, zone, weekday, items));

    [Fact]
    public void Blank_fields_take_the_defaults()
    {
        var (choices, errors) = Parse();
        Assert.Empty(errors);
        Assert.Equal(new DeliverySchedule(DigestFrequency.Daily, 8, "UTC", IsoDayOfWeek.Monday), choices!.Schedule);
        Assert.Equal(Subscriber.DefaultMaxItems, choices.MaxItems);
    }

    [Fact]
    public void Good_fields_become_a_schedule_and_topics_keep_their_order_and_labels()
    {
        var (choices, errors) = Parse(" grokking \n\n\"length generalization\" -survey", "Weekly", "23", "Asia/Kolkata", "Sunday", "50");
        Assert.Empty(errors);
        Assert.Equal(new DeliverySchedule(DigestFrequency.Weekly, 23, "Asia/Kolkata", IsoDayOfWeek.Sunday), choices!.Schedule);
        Assert.Equal(50, choices.MaxItems);
        Assert.Equal(["grokking", "\"length generalization\" -survey"], choices.Topics.Select(t => t.Label));
    }

    [Theory]
    [InlineData("grokking", "hourly", null, null, null, null, "frequency", "frequency 'hourly' is not daily or weekly")]
    [InlineData("grokking", null, "24", null, null, null, "hour", "hour '24' is not 0-23")]
    [InlineData("grokking", null, "-1", null, null, null, "hour", "hour '-1' is not 0-23")]
    [InlineData("grokking", null, "8pm", null, null, null, "hour", "hour '8pm' is not 0-23")]
    [InlineData("grokking", null, null, "Europe/Atlantis", null, null, "zone", "zone 'Europe/Atlantis' is not an IANA time zone")]
    [InlineData("grokking", null, null, null, "3", null, "weekday", "weekday '3' is not monday-sunday")]
    [InlineData("grokking", null, null, null, "someday", null, "weekday", "weekday 'someday' is not monday-sunday")]
    [InlineData("grokking", null, null, null, null, "0", "max_items", "max_items '0' is not 1-50")]
    [InlineData("grokking", null, null, null, null, "51", "max_items", "max_items '51' is not 1-50")]
    [InlineData("", null, null, null, null, null, "topics", "no topics")]
    [InlineData("\"open", null, null, null, null, null, "topics", "topic \"\"open\": The quote at position 1 is never closed.")]
    public void Each_bad_field_is_named_with_a_message(string topics, string? frequency, string? hour, string? zone, string? weekday, string? items, string field, string message)
    {
        var (choices, errors) = Parse(topics, frequency, hour, zone, weekday, items);
        Assert.Null(choices);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once_and_long_topics_are_shortened_in_the_message()
    {
        var (_, errors) = Parse(new string('x', 10_000), "never", "99", "Nowhere", "x", "x");
        Assert.Equal(["topics", "frequency", "hour", "zone", "weekday", "max_items"], errors.Select(e => e.Field));
        Assert.True(errors[0].Message.Length < 200, errors[0].Message);
    }

    [Fact]
    public void More_than_twenty_topics_are_refused_as_a_whole()
    {
        var (_, errors) = Parse(string.Join("\n", Enumerable.Range(1, 21).Select(i => $"t{i}")));
        Assert.Equal("21 topics; at most 20", Assert.Single(errors).Message);
    }
}
