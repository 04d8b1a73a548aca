namespace Digest.IntegrationTests.Infrastructure;

/// <summary>Finds files of this checkout from the test binaries' folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Digest.sln"))) return dir.FullName;
        throw new InvalidOperationException("Digest.sln not found above " + AppContext.BaseDirectory);
    }
}
