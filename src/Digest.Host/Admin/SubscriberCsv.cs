using System.Globalization;
using CsvHelper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using NodaTime;

namespace Digest.Host.Admin;

/// <summary>One refused row of an import, and why.</summary>
public sealed record RowError(int Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

public sealed record ImportReport(int Added, int Updated, IReadOnlyList<RowError> Rejected);

/// <summary>
/// Subscribers as CSV, both ways. Columns (header required, any order, only email and topics required):
/// email, topics (separated by ";"), frequency (daily|weekly), hour (0-23), zone (IANA), weekday
/// (monday…sunday), max_items (1-50), status (active|pending|paused). Every row is checked on its own: good
/// rows are saved (an address already known is updated), bad rows are reported with their line and reason.
/// </summary>
public sealed class SubscriberCsv(SubscriberRepository subscribers)
{
    // RFC 4180 with commas only (no separator guessing); the header row is read as a record of its own so a
    // bad one is reported with its line; malformed quoting refuses the file instead of being "recovered".
    private static readonly CsvReaderOptions Reading = new()
    {
        Separator = ',', HasHeader = false, TrackLineNumbers = true, MalformedData = CsvMalformedDataHandling.Throw,
        IncludeValuesInExceptions = false,
    };

    public static readonly string[] Columns = ["email", "topics", "frequency", "hour", "zone", "weekday", "max_items", "status"];

    /// <summary>
    /// Good rows are saved a batch at a time (set-based, see <see cref="SubscriberRepository.ImportAsync"/>), so a
    /// 100,000-row file costs tens of statements, not hundreds of thousands. Progress is reported after each full batch.
    /// </summary>
    public const int BatchSize = 5_000;

    public async Task<ImportReport> ImportAsync(TextReader csv, IProgress<int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var tally = new ImportBatches(subscribers, progress, BatchSize);
        Dictionary<string, int>? header = null;
        await using var reader = CsvReader.Create(csv, Reading, true);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (!await reader.ReadAsync(ct)) break;
            }
            catch (CsvFormatException e)
            {
                // The rows read before the broken one are kept, as they would be had each been saved at once.
                tally.Rejected.Add(new RowError((int)e.LineNumber, "not readable as CSV: a quote inside an unquoted field, or a quoted field never closed"));
                return await tally.FinishAsync(ct);
            }
            // The line the record starts on: a quoted field may span lines.
            var start = (int)reader.LineNumber;
            var fields = Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray();
            if (header is null)
            {
                header = fields.Select((f, i) => (Name: f.Trim().ToLowerInvariant(), i)).ToDictionary(x => x.Name, x => x.i);
                var unknown = header.Keys.Except(Columns).ToList();
                if (!header.ContainsKey("email") || !header.ContainsKey("topics") || unknown.Count > 0)
                    return new ImportReport(0, 0, [new RowError(start, $"the header must name the columns email and topics, and may name {string.Join(", ", Columns.Skip(2))}" +
                        (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}" : ""))]);
                continue;
            }
            var (subscriber, topics, error) = ParseRow(header, fields);
            if (error is not null) tally.Rejected.Add(new RowError(start, error));
            else await tally.AddAsync(new ImportedSubscriber(subscriber!, topics!), ct);
        }
        return await tally.FinishAsync(ct);
    }

    private static (Subscriber?, List<(string, TopicQuery)>?, string?) ParseRow(Dictionary<string, int> header, string[] fields)
    {
        string Get(string column, string fallback = "") =>
            header.TryGetValue(column, out var i) && i < fields.Length && fields[i].Trim().Length > 0 ? fields[i].Trim() : fallback;

        if (!EmailAddress.TryNormalise(Get("email"), out var email, out var emailError)) return (null, null, emailError);
        var labels = Get("topics").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var (choices, errors) = SubscriptionChoices.Parse(new SubscriptionChoices.Input(
            labels, Get("frequency"), Get("hour"), Get("zone"), Get("weekday"), Get("max_items")));
        if (errors.Count > 0) return (null, null, errors[0].Message);
        if (!Enum.TryParse<SubscriberStatus>(Get("status", "active"), ignoreCase: true, out var status) || status == SubscriberStatus.Unsubscribed || !Enum.IsDefined(status))
            return (null, null, $"status '{Get("status")}' is not active, pending or paused");
        var subscriber = new Subscriber { Email = email, Status = status, Schedule = choices!.Schedule, MaxItems = choices.MaxItems };
        return (subscriber, choices.Topics.ToList(), null);
    }

    public async Task<int> ExportAsync(TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { NewLine = "\n" }, true);
        foreach (var column in Columns.Append("suppressed")) csv.WriteField(column);
        await csv.EndRecordAsync(ct);
        var rows = await subscribers.ExportAsync(ct);
        foreach (var s in rows)
        {
            foreach (var field in (string[])[
                s.Email, string.Join("; ", s.Topics), s.Frequency, s.SendHour.ToString(CultureInfo.InvariantCulture), s.TimeZone,
                ((IsoDayOfWeek)s.SendWeekday).ToString().ToLowerInvariant(), s.MaxItems.ToString(CultureInfo.InvariantCulture), s.Status,
                s.Suppressed ? "yes" : "no"])
                csv.WriteField(field);
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
        return rows.Count;
    }
}
