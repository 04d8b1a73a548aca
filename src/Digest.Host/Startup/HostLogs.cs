using Hangfire.Logging;

namespace Digest.Host.Startup;

/// <summary>
/// Hangfire's log provider is process-wide, and the last host to start sets it to its own logger factory. Where
/// several hosts share a process (the integration tests) and that one stops first, every later Hangfire logger, made
/// when a job filter or a job is created, would throw <see cref="ObjectDisposedException"/> into the request or job
/// that made it. This provider gives up on logging instead: a stopped host has no logs to write anyway.
/// </summary>
internal sealed class HostLogs(ILogProvider inner) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try
        {
            return new StoppedHostSafe(inner.GetLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new StoppedHostSafe(null);
        }
    }

    private sealed class StoppedHostSafe(ILog? inner) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception? exception = null)
        {
            try
            {
                return inner?.Log(logLevel, messageFunc, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
