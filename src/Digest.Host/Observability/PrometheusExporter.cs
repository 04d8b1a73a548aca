using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Digest.Core.Observability;

namespace Digest.Host.Observability;

/// <summary>
/// Serves the "Digest" meter's instruments in Prometheus' text format at /metrics. A MeterListener keeps
/// running totals for counters and bucket counts for histograms; gauges are read at each scrape.
/// (No Prometheus or OpenTelemetry exporter package is available to this project; this is the small part
/// of one it needs.)
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DigestMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = _series.GetOrAdd((instrument, Labels(tags)), _ => new Series());
        lock (series)
        {
            if (instrument is ObservableGauge<long> or ObservableGauge<double>)
            {
                series.Sum = value;
                return;
            }
            series.Sum += value;
            series.Count++;
            if (instrument is not Histogram<double>) return;
            series.Buckets ??= new long[Buckets.Length];
            for (var b = 0; b < Buckets.Length; b++)
                if (value <= Buckets[b]) series.Buckets[b]++;
        }
    }

    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder();
        foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var type = instrument switch { Histogram<double> => "histogram", ObservableGauge<long> or ObservableGauge<double> => "gauge", _ => "counter" };
            var name = type == "counter" ? instrument.Name + "_total" : instrument.Name;
            sb.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (key, series) in group.OrderBy(g => g.Key.Labels, StringComparer.Ordinal))
            {
                lock (series) Write(sb, name, type, key.Labels, series);
            }
        }
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, string name, string type, string labels, Series series)
    {
        if (type != "histogram")
        {
            sb.Append(name).Append(Braces(labels)).Append(' ').Append(Number(series.Sum)).Append('\n');
            return;
        }
        for (var b = 0; b < Buckets.Length; b++)
            sb.Append(name).Append("_bucket").Append(Braces(Join(labels, $"le=\"{Number(Buckets[b])}\""))).Append(' ').Append(series.Buckets![b]).Append('\n');
        sb.Append(name).Append("_bucket").Append(Braces(Join(labels, "le=\"+Inf\""))).Append(' ').Append(series.Count).Append('\n');
        sb.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(series.Sum)).Append('\n');
        sb.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(series.Count).Append('\n');
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
            parts.Add($"{key}=\"{Convert.ToString(value, CultureInfo.InvariantCulture)?.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "," + b;

    private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    private sealed class Series
    {
        public double Sum;
        public long Count;
        public long[]? Buckets;
    }
}
