using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using System.Numerics.Tensors;

namespace Digest.Meaning;

/// <summary>
/// What a text means, as a point in 384 dimensions: all-MiniLM-L6-v2 run by ONNX Runtime on the CPU. Texts close in
/// meaning give vectors with a high dot product ("speech synthesis" and "text-to-speech") even when they share no word.
/// Thread-safe; load it once per process (the weights take about 90 MB).
/// </summary>
public sealed class MeaningModel : IDisposable
{
    /// <summary>The model, as stored beside each vector: a vector of another model is not comparable.</summary>
    public const string Name = "all-MiniLM-L6-v2";

    public const int Dimensions = 384;

    /// <summary>The model was trained on texts of at most this many tokens ([CLS] and [SEP] included); the rest is cut off.</summary>
    public const int MaxTokens = 256;

    /// <summary>Texts run through the model at once, unless the caller says otherwise.</summary>
    public const int DefaultBatchSize = 4;

    // [CLS] and [SEP] in the model's vocabulary.
    private const int ClsId = 101;
    private const int SepId = 102;

    private readonly InferenceSession session;
    private readonly BertTokenizer tokenizer;
    private readonly int batchSize;
    private readonly int cores;

    /// <param name="cores">Batches run at once, each on one core (0: as many as the machine has).</param>
    /// <param name="batchSize">Texts run through the model at once: each batch is padded to its longest text. Small
    /// batches cost less per text: a text cut at 256 tokens already fills the matrix products, and a small batch's
    /// attention scores stay in the core's cache (the <c>embed</c> benchmark measures both sizes).</param>
    public MeaningModel(int cores = 0, int batchSize = DefaultBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.batchSize = batchSize;
        this.cores = cores > 0 ? cores : Environment.ProcessorCount;
        var weights = WeightsPackage.Assembly;
        using (var vocab = WeightsPackage.Open(weights, "vocab.txt"))
            // The model's own tokenizer settings: lower case, accents stripped (as BERT's uncased tokenizer does).
            tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // One core per batch and batches side by side: for a model this small, splitting each matrix product over
            // cores waits on the slowest core at every step, and its spinning threads take the cores of a busy machine.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
        };
        using var model = WeightsPackage.Open(weights, "model.onnx");
        var bytes = new byte[model.Length];
        model.ReadExactly(bytes);
        session = new InferenceSession(bytes, options);
    }

    /// <summary>The text a listing is embedded from: its title, then its abstract.</summary>
    public static string ListingText(string title, string? summary)
    {
        ArgumentNullException.ThrowIfNull(title);
        title = title.Trim();
        if (string.IsNullOrWhiteSpace(summary)) return title;
        // A title without an end mark would otherwise read as the abstract's first words.
        var end = title.Length > 0 && title[^1] is '.' or '?' or '!' ? " " : ". ";
        return title + end + summary.Trim();
    }

    /// <summary>How many tokens the whole text is, [CLS] and [SEP] included, before anything is cut off.</summary>
    public int CountTokens(string text) => tokenizer.EncodeToIds(text, addSpecialTokens: false).Count + 2;

    /// <summary>One unit-length vector per text, in the order given.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++) ids[i] = Tokens(texts[i]);
        // Texts of about the same length go together, so a batch pads little.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => ids[i].Length).ToArray();
        var vectors = new float[texts.Count][];
        var batches = order.Chunk(batchSize).ToArray();
        Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = cores, CancellationToken = ct }, batch =>
        {
            var pooled = Run(batch.Select(i => ids[i]).ToArray(), ct);
            for (var b = 0; b < batch.Length; b++) vectors[batch[b]] = pooled[b];
        });
        return vectors;
    }

    private int[] Tokens(string text)
    {
        var words = tokenizer.EncodeToIds(text, MaxTokens - 2, addSpecialTokens: false, out _, out _);
        var ids = new int[words.Count + 2];
        ids[0] = ClsId;
        for (var i = 0; i < words.Count; i++) ids[i + 1] = words[i];
        ids[^1] = SepId;
        return ids;
    }

    private float[][] Run(int[][] batch, CancellationToken ct)
    {
        var length = batch.Max(t => t.Length);
        var inputIds = new long[batch.Length * length];
        var mask = new long[batch.Length * length];
        for (var b = 0; b < batch.Length; b++)
            for (var t = 0; t < batch[b].Length; t++)
            {
                inputIds[b * length + t] = batch[b][t];
                mask[b * length + t] = 1;
            }
        long[] shape = [batch.Length, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[inputIds.Length], shape);
        using var run = new RunOptions();
        using var stop = ct.Register(() => run.Terminate = true);
        using var outputs = session.Run(run, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], [session.OutputNames[0]]);
        ct.ThrowIfCancellationRequested();
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var vectors = new float[batch.Length][];
        for (var b = 0; b < batch.Length; b++)
        {
            // Mean over the text's own tokens only: padding must not pull a short text towards the batch's longest.
            var v = new float[Dimensions];
            for (var t = 0; t < batch[b].Length; t++)
                TensorPrimitives.Add(v, hidden.Slice((b * length + t) * Dimensions, Dimensions), v);
            var norm = TensorPrimitives.Norm(v);
            // Dividing by the token count is skipped: unit length removes it anyway.
            if (norm > 0) TensorPrimitives.Divide(v, norm, v);
            vectors[b] = v;
        }
        return vectors;
    }

    public void Dispose() => session.Dispose();
}
