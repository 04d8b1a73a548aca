namespace Digest.Core.Recommendations;

/// <summary>
/// The per-person model: L2-regularised logistic regression (as arxiv-sanity-lite fits one small model per person)
/// over a listing's tf-idf terms and its meaning vector, trained on what the person did: clicks and "more like
/// this" are positives, "fewer like this" and listings left unopened are negatives, each weighed by its kind
/// (<see cref="ReaderTraining"/>) and halved every half-life before the newest example. A listing without a meaning
/// vector counts as meaning what the average listing of the set means, so it is judged by its words alone.
/// Fitted by Nesterov's accelerated gradient: every feature vector has unit length, so one fixed step size is safe.
/// </summary>
public static class ReaderModel
{
    private const int Iterations = 120;

    public sealed record Fitted(Dictionary<string, double> Terms, float[] Meaning, double Bias);

    public static bool IsPositive(SignalKind kind) => kind is SignalKind.Click or SignalKind.More;

    public static Fitted Fit(IReadOnlyList<ReaderExample> examples, ReaderTraining training)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(training);
        var set = new TrainingSet(examples, training);
        var theta = new double[set.Parameters];
        var previous = new double[set.Parameters];
        var look = new double[set.Parameters];
        var gradient = new double[set.Parameters];
        // The logistic loss's curvature is at most ¼ of |x|² (terms, meaning and the bias: at most 3), plus the penalty.
        var step = 1 / (0.75 + training.Regularisation);
        double t = 1;
        for (var it = 0; it < Iterations; it++)
        {
            set.Gradient(look, gradient, training.Regularisation);
            Array.Copy(theta, previous, theta.Length);
            for (var k = 0; k < theta.Length; k++) theta[k] = look[k] - step * gradient[k];
            var next = (1 + Math.Sqrt(1 + 4 * t * t)) / 2;
            for (var k = 0; k < theta.Length; k++) look[k] = theta[k] + (t - 1) / next * (theta[k] - previous[k]);
            t = next;
        }
        return set.ToFitted(theta);
    }

    /// <summary>The examples in dense indexes: terms numbered per person, then the meaning dimensions, then the bias.</summary>
    private sealed class TrainingSet
    {
        private readonly List<string> _terms = [];
        private readonly int[][] _termIds;
        private readonly float[][] _values;
        private readonly float[][] _meaning;
        private readonly double[] _label;
        private readonly double[] _weight;
        private readonly int _dimensions;

        public int Parameters => _terms.Count + _dimensions + 1;

        public TrainingSet(IReadOnlyList<ReaderExample> examples, ReaderTraining training)
        {
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            _termIds = new int[examples.Count][];
            _values = new float[examples.Count][];
            _label = new double[examples.Count];
            _weight = new double[examples.Count];
            var newest = examples.Count == 0 ? default : examples.Max(e => e.At);
            for (var i = 0; i < examples.Count; i++)
            {
                var e = examples[i];
                _termIds[i] = e.Listing.Terms.Select(term => ids.TryGetValue(term, out var id) ? id : AddTerm(ids, term)).ToArray();
                _values[i] = e.Listing.Values;
                _label[i] = IsPositive(e.Kind) ? 1 : -1;
                _weight[i] = training.WeightOf(e.Kind) * Math.Pow(0.5, (newest - e.At) / training.HalfLife);
            }
            // Weights as shares of the whole (a model of nothing when every kind was set to teach nothing).
            var total = _weight.Sum();
            if (total > 0) for (var i = 0; i < _weight.Length; i++) _weight[i] /= total;
            _meaning = MeaningOrAverage(examples);
            _dimensions = _meaning.Length == 0 ? 0 : _meaning[0].Length;
        }

        private int AddTerm(Dictionary<string, int> ids, string term)
        {
            ids.Add(term, _terms.Count);
            _terms.Add(term);
            return _terms.Count - 1;
        }

        private static float[][] MeaningOrAverage(IReadOnlyList<ReaderExample> examples)
        {
            var known = examples.Select(e => e.Listing.Meaning).OfType<float[]>().ToList();
            if (known.Count == 0) return [];
            var dimensions = known[0].Length;
            var average = new float[dimensions];
            foreach (var v in known.Where(v => v.Length == dimensions))
                for (var d = 0; d < dimensions; d++) average[d] += v[d] / known.Count;
            return examples.Select(e => e.Listing.Meaning is { } m && m.Length == dimensions ? m : average).ToArray();
        }

        public void Gradient(double[] theta, double[] gradient, double lambda)
        {
            for (var k = 0; k < gradient.Length; k++) gradient[k] = lambda * theta[k];
            var meaningAt = _terms.Count;
            var bias = theta.Length - 1;
            for (var i = 0; i < _label.Length; i++)
            {
                var z = theta[bias];
                for (var k = 0; k < _termIds[i].Length; k++) z += theta[_termIds[i][k]] * _values[i][k];
                for (var d = 0; d < _dimensions; d++) z += theta[meaningAt + d] * _meaning[i][d];
                // d/dz of log(1 + e^(-y z)), times the example's weight.
                var g = -_label[i] * _weight[i] / (1 + Math.Exp(_label[i] * z));
                for (var k = 0; k < _termIds[i].Length; k++) gradient[_termIds[i][k]] += g * _values[i][k];
                for (var d = 0; d < _dimensions; d++) gradient[meaningAt + d] += g * _meaning[i][d];
                gradient[bias] += g;
            }
        }

        public Fitted ToFitted(double[] theta)
        {
            var terms = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var k = 0; k < _terms.Count; k++) if (theta[k] != 0) terms[_terms[k]] = theta[k];
            var meaning = new float[_dimensions];
            for (var d = 0; d < _dimensions; d++) meaning[d] = (float)theta[_terms.Count + d];
            return new Fitted(terms, meaning, theta[^1]);
        }
    }
}
