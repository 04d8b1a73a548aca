using System.ComponentModel.DataAnnotations;
using Digest.Delivery;

namespace Digest.Host.Options;

/// <summary>Topics by meaning, <c>about:"a sentence"</c> (section "Topics").</summary>
public sealed class TopicsOptions
{
    public const string Section = "Topics";

    /// <summary>
    /// The least cosine similarity between a listing's meaning and an about: sentence's for the sentence to match it.
    /// Higher: fewer, closer listings. The default was chosen on one sample page and reported on the other (README).
    /// </summary>
    [Range(0.05, 0.99)]
    public double AboutThreshold { get; set; } = AboutSettings.DefaultThreshold;
}
