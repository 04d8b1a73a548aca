namespace Digest.Host.Jobs;

/// <summary>
/// Runs a step at most once at a time in this process. A call that finds it running asks it to run once more when it
/// ends (what the caller came for may have arrived after the running one last looked) and returns <c>none</c>.
/// </summary>
internal sealed class OnePerNode<T>
{
    private int _running;
    private int _again;

    public async Task<T> RunAsync(Func<Task<T>> step, Func<T, T, T> add, T none, CancellationToken ct)
    {
        var total = none;
        while (!ct.IsCancellationRequested)
        {
            if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            {
                Volatile.Write(ref _again, 1);
                return total;
            }
            try
            {
                Volatile.Write(ref _again, 0);
                total = add(total, await step());
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
            if (Volatile.Read(ref _again) == 0) break;
        }
        return total;
    }
}
