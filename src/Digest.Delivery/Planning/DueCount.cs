using Digest.Data.Repositories;
using NodaTime;

namespace Digest.Delivery.Planning;

/// <summary>
/// Who is due at a cycle's time, counted while a part of everyone is read in id order: how many are due, already
/// planned and not due, the shards their ids split into, the distinct topics (and those of someone's first digest),
/// the cycles that planned their previous digests, and the first and last period to plan. It holds the ranges and
/// the topics, never the people. Parts read side by side are joined in id order (<see cref="Join"/>).
/// </summary>
internal sealed class DueCount(int shardSize, PersonRange part)
{
    private readonly ShardCut _cut = new(shardSize, part);

    public int Due { get; private set; }

    public int Already { get; private set; }

    public int NotDue { get; private set; }

    public IReadOnlyList<ShardRange> Shards { get; private set; } = [];

    public HashSet<long> Topics { get; } = [];

    public HashSet<long> FirstTopics { get; } = [];

    public HashSet<long> PreviousCycles { get; } = [];

    public DateOnly FirstPeriod { get; private set; } = DateOnly.MaxValue;

    public DateOnly LastPeriod { get; private set; } = DateOnly.MinValue;

    /// <summary>The next person of the part, in id order.</summary>
    public void Add(PlanningPerson person, Instant now, bool everyone)
    {
        if (DueRule.PeriodToPlan(person, now, everyone) is not { } period)
        {
            NotDue++;
            return;
        }
        if (DueRule.IsPlanned(person, period))
        {
            Already++;
            return;
        }
        Due++;
        _cut.Add(person.Id);
        var day = DateOnly.FromDateTime(period.Date.ToDateTimeUnspecified());
        if (day < FirstPeriod) FirstPeriod = day;
        if (day > LastPeriod) LastPeriod = day;
        Topics.UnionWith(person.TopicIds);
        if (person.LastCycleId is { } last) PreviousCycles.Add(last);
        else FirstTopics.UnionWith(person.TopicIds);
    }

    public DueCount Finish()
    {
        Shards = _cut.Finish();
        return this;
    }

    /// <summary>Parts read side by side (in id order), as one count whose shards cover every id once.</summary>
    public static DueCount Join(IReadOnlyList<DueCount> parts)
    {
        var all = new DueCount(1, PersonRange.Everyone);
        var shards = new List<ShardRange>();
        foreach (var part in parts)
        {
            (all.Due, all.Already, all.NotDue) = (all.Due + part.Due, all.Already + part.Already, all.NotDue + part.NotDue);
            shards.AddRange(part.Shards);
            all.Topics.UnionWith(part.Topics);
            all.FirstTopics.UnionWith(part.FirstTopics);
            all.PreviousCycles.UnionWith(part.PreviousCycles);
            if (part.FirstPeriod < all.FirstPeriod) all.FirstPeriod = part.FirstPeriod;
            if (part.LastPeriod > all.LastPeriod) all.LastPeriod = part.LastPeriod;
        }
        all.Shards = ShardCut.Cover(shards);
        return all;
    }
}
