using Digest.Core.Schedule;

namespace Digest.Delivery.Planning;

/// <summary>
/// A person to plan in this cycle, kept small (a million of them are held at once): their period, digest
/// size, topics as the cycle's dense indexes, and the cycle that planned their previous digest.
/// </summary>
internal readonly record struct DuePerson(long Id, DuePeriod Period, short MaxItems, int[] Topics, long? LastCycleId);
