namespace Digest.Host.Startup;

/// <summary>What one process does: serve pages and the API, run the scheduled jobs, or both.</summary>
[Flags]
public enum Role
{
    Web = 1,
    Worker = 2,
    All = Web | Worker,
}
