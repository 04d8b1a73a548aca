using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using NodaTime;
using Npgsql;

namespace Digest.Data.Repositories;

public sealed record SubscriberTopic(long TopicId, string Label, string Canonical);

public sealed record SaveSubscriberResult(long Id, bool Created);

/// <summary>One person as an export row: settings, topic labels and whether mail to them is suppressed.</summary>
public sealed class ExportedSubscriber
{
    public string Email { get; init; } = "";
    public string Status { get; init; } = "";
    public string Frequency { get; init; } = "";
    public short SendHour { get; init; }
    public short SendWeekday { get; init; }
    public string TimeZone { get; init; } = "";
    public short MaxItems { get; init; }
    public string[] Topics { get; init; } = [];
    public bool Suppressed { get; init; }
}

public sealed record Suppression(string Email, string Reason, DateTime CreatedAt);

/// <summary>People, their schedules and their topics. Topics are shared rows: a topic typed by many is stored once.</summary>
public sealed partial class SubscriberRepository(NpgsqlDataSource db, SqlCatalog sql, IClock clock)
{
    /// <summary>Adds or updates a person and replaces their topics, all in one transaction: an import batch of one.</summary>
    public async Task<SaveSubscriberResult> SaveAsync(Subscriber subscriber, IReadOnlyList<(string Label, TopicQuery Query)> topics, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(topics);
        if (!EmailAddress.TryNormalise(subscriber.Email, out var email, out var error)) throw new ArgumentException(error, nameof(subscriber));
        ImportedSubscriber[] one = [new(subscriber with { Email = email }, topics)];
        return (await InTransactionAsync((connection, tx) => SaveAllAsync(connection, tx, one, ct), ct))[0];
    }

    /// <summary>A person's schedule and size as the subscribers table stores them, beside <paramref name="extra"/>.</summary>
    internal static DynamicParameters ChoiceParameters(DeliverySchedule schedule, int maxItems, object extra)
    {
        var p = new DynamicParameters(extra);
        p.Add("frequency", schedule.FrequencyWord);
        p.Add("send_hour", (short)schedule.SendHour);
        p.Add("send_weekday", (short)schedule.Weekday);
        p.Add("time_zone", schedule.TimeZone);
        p.Add("max_items", (short)maxItems);
        return p;
    }

    /// <summary>Replaces one person's topics (the sign-up and preferences forms), by the rules of saving many.</summary>
    internal Task ReplaceTopicsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long subscriberId,
        IReadOnlyList<(string Label, TopicQuery Query)> topics, CancellationToken ct) =>
        ReplaceTopicsAsync(connection, tx, [(subscriberId, false, topics)], ct);

    public async Task<Subscriber?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(sql[Sql.GetSubscriber], new { id }, cancellationToken: ct));
        return row?.ToSubscriber();
    }

    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken ct = default)
    {
        if (!EmailAddress.TryNormalise(email, out var normalised, out _)) return null;
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(sql[Sql.GetSubscriberByEmail],
            new { email_key = EmailAddress.Key(normalised) }, cancellationToken: ct));
        return row?.ToSubscriber();
    }

    public async Task<IReadOnlyList<Subscriber>> GetActiveAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SubscriberRow>(new CommandDefinition(sql[Sql.GetActiveSubscribers], cancellationToken: ct));
        return rows.Select(r => r.ToSubscriber()).ToList();
    }

    public async Task<IReadOnlyList<SubscriberTopic>> GetTopicsAsync(long subscriberId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SubscriberTopic>(new CommandDefinition(sql[Sql.GetSubscriberTopics],
            new { subscriber_id = subscriberId }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <returns>True when this call unsubscribed them; false when they already were (or do not exist).</returns>
    public async Task<bool> UnsubscribeAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.Unsubscribe], new { id }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<ExportedSubscriber>> ExportAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ExportedSubscriber>(new CommandDefinition(sql[Sql.ExportSubscribers], cancellationToken: ct))).ToList();
    }

    /// <returns>True when the address was suppressed and no longer is.</returns>
    public async Task<bool> UnsuppressAsync(string email, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.UnsuppressAddress],
            new { email_key = EmailAddress.Key(email) }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<Suppression>> SuppressionsAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Suppression>(new CommandDefinition(sql[Sql.ListSuppressions], new { limit }, cancellationToken: ct))).ToList();
    }

    public async Task SuppressAsync(string email, string reason, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SuppressAddress],
            new { email_key = EmailAddress.Key(email), reason }, cancellationToken: ct));
    }
}
