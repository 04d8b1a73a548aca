using System.Net;
using System.Net.Http.Headers;
using Digest.Core.Schedule;
using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Ingest;

/// <summary>How feeds are pulled (built from IngestOptions).</summary>
public sealed record FeedSettings(TimeSpan Timeout, int EverySeconds, int RetryBaseSeconds, long MaxBytes);

/// <summary>
/// Pulls feed sources over HTTP: a conditional GET (ETag, Last-Modified) so an unchanged feed costs one
/// short answer, a timeout, a size limit, and an error state per source that spaces out retries
/// (base × 2^failures, at most 6 hours). Whatever a feed answers, what was stored before stays stored.
/// </summary>
public sealed class FeedPuller(HttpClient http, SourceRepository sources, Ingestor ingestor, SourceRunRepository runs, FeedSettings settings, IClock clock,
    ILogger<FeedPuller> log)
{
    public async Task<IReadOnlyList<IngestReport>> PullDueAsync(CancellationToken ct)
    {
        var reports = new List<IngestReport>();
        foreach (var source in await sources.DueAsync(ct)) reports.Add(await PullAsync(source, ct));
        return reports;
    }

    public async Task<IngestReport> PullAsync(Source source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var started = clock.GetCurrentInstant();
        IngestReport report;
        string? etag = null, lastModified = null;
        try
        {
            (report, etag, lastModified) = await FetchAsync(source, ct);
        }
        catch (HttpRequestException e)
        {
            report = IngestReport.Failed(source.Name, $"cannot fetch {source.Url}: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            report = IngestReport.Failed(source.Name, $"{source.Url} did not answer within {settings.Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else goes wrong (a connection dropped mid-answer, a reader or database error) is this source's
            // alone: it gets the error state and its backoff like any failure, and the other sources are pulled.
            log.LogError(e, "Pulling source {Source} failed", source.Name);
            report = IngestReport.Failed(source.Name, $"pulling {source.Url} failed: {e.Message}");
        }
        if (report.Error is null) await sources.SucceededAsync(source.Name, etag, lastModified, settings.EverySeconds, ct);
        else await sources.FailedAsync(source.Name, report.Error, RetrySeconds(source.ConsecutiveFailures), ct);
        await runs.RecordAsync(new SourceRun(source.Name, started.ToDateTimeUtc(), report.Seen, report.Inserted, report.Duplicate, report.Rejected, report.Error), ct);
        return report;
    }

    private async Task<(IngestReport, string?, string?)> FetchAsync(Source source, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);
        if (source.Etag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
        if (source.LastModified is { } modified && DateTimeOffset.TryParse(modified, out var since)) request.Headers.IfModifiedSince = since;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (response.StatusCode == HttpStatusCode.NotModified)
            return (new IngestReport(source.Name, "not modified", 0, 0, 0, []), null, null);
        if (!response.IsSuccessStatusCode)
            return (IngestReport.Failed(source.Name, $"{source.Url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}"), null, null);
        if (response.Content.Headers.ContentLength > settings.MaxBytes)
            return (IngestReport.Failed(source.Name, $"{source.Url} is {response.Content.Headers.ContentLength} bytes; at most {settings.MaxBytes} are read"), null, null);
        await using var body = new LimitedStream(await response.Content.ReadAsStreamAsync(timeout.Token), settings.MaxBytes);
        var report = await ingestor.IngestAsync(body, source.Name, source.Name, ct: timeout.Token);
        if (report.Error is not null && response.Content.Headers.ContentType?.MediaType == "text/html")
            report = report with { Error = $"{source.Url} answered an HTML page, not a feed" };
        return (report, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
    }

    private int RetrySeconds(int failuresBefore) =>
        (int)RetryBackoff.After(Duration.FromSeconds(settings.RetryBaseSeconds), failuresBefore + 1).TotalSeconds;

    /// <summary>Stops reading past a limit: a feed that streams forever cannot fill memory or disk.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        private int Count(int n)
        {
            _read += n;
            return _read > limit ? throw new IOException($"the answer is larger than {limit} bytes") : n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
