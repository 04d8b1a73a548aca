using Digest.Data.Repositories;

namespace Digest.Tests.Planning;

/// <summary>
/// Whether an earlier planning cycle saw a listing decides whether a person may still get it, so the rule
/// must match PostgreSQL's own (pg_visible_in_snapshot): the snapshot 100:105:100,103 saw transactions below
/// 100, and 101, 102 and 104, but not 100 or 103 (still running then) nor 105 and later (not started yet).
/// </summary>
public sealed class CycleSnapshotTests
{
    private static readonly CycleSnapshot Snapshot = new(100, 105, [100, 103]);

    [Theory]
    [InlineData(3L, true)]
    [InlineData(99L, true)]
    [InlineData(100L, false)]
    [InlineData(101L, true)]
    [InlineData(102L, true)]
    [InlineData(103L, false)]
    [InlineData(104L, true)]
    [InlineData(105L, false)]
    [InlineData(5000L, false)]
    public void A_listing_counts_as_seen_only_when_its_first_transaction_had_ended_before_the_snapshot(long firstXid, bool seen) =>
        Assert.Equal(seen, Snapshot.Saw(firstXid));
}
