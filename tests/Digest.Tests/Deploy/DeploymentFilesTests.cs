using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Digest.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests and the compose file, read as an operator's tools read them: every document
/// parses, probes point at our health endpoints, pods run as non-root, and every setting they pass is a
/// real, documented configuration key.
/// </summary>
public partial class DeploymentFilesTests
{
    internal static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Digest.sln"))) return dir.FullName;
        throw new InvalidOperationException("Digest.sln not found");
    }

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static IEnumerable<YamlMappingNode> K8s() =>
        Directory.EnumerateFiles(Path.Combine(Root, "deploy", "k8s"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).SelectMany(Documents);

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    /// <summary>The configuration keys the README documents ("Site:BaseUrl", …).</summary>
    private static HashSet<string> DocumentedKeys()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        return DocumentedKey().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    private static string KeyOf(string environmentVariable) =>
        environmentVariable["DIGEST_".Length..].Replace("__", ":", StringComparison.Ordinal);

    [Fact]
    public void The_kustomization_lists_every_manifest()
    {
        var listed = ((YamlSequenceNode)At(Documents(Path.Combine(Root, "deploy", "k8s", "kustomization.yaml"))[0], "resources"))
            .Select(n => ((YamlScalarNode)n).Value).Order();
        var present = Directory.EnumerateFiles(Path.Combine(Root, "deploy", "k8s"), "*.yaml").Select(Path.GetFileName)
            .Where(f => f != "kustomization.yaml").Order();

        Assert.Equal(present, listed);
    }

    [Fact]
    public void There_is_a_web_and_a_worker_deployment_with_health_probes_as_non_root()
    {
        var deployments = K8s().Where(d => Text(d, "kind") == "Deployment").ToList();

        Assert.Equal(["web", "worker"], deployments.Select(d => Text(d, "metadata", "labels", "role")).Order());
        foreach (var deployment in deployments)
        {
            var pod = At(deployment, "spec", "template", "spec");
            var container = ((YamlSequenceNode)At(pod, "containers")).Children.Cast<YamlMappingNode>().Single();
            var args = ((YamlSequenceNode)At(container, "args")).Select(a => ((YamlScalarNode)a).Value).ToList();
            Assert.Equal(["run", "--role", Text(deployment, "metadata", "labels", "role")], args.Take(3));
            Assert.Contains("http://0.0.0.0:8080", args);
            Assert.Equal("/health/ready", Text(container, "readinessProbe", "httpGet", "path"));
            Assert.Equal("/health/live", Text(container, "livenessProbe", "httpGet", "path"));
            Assert.Equal("true", Text(pod, "securityContext", "runAsNonRoot"));
            Assert.Equal("8080", Text(((YamlSequenceNode)At(container, "ports")).Children[0], "containerPort"));
        }
    }

    [Fact]
    public void The_service_selects_the_web_pods()
    {
        var service = K8s().Single(d => Text(d, "kind") == "Service");
        var web = K8s().Single(d => Text(d, "kind") == "Deployment" && Text(d, "metadata", "labels", "role") == "web");

        var selector = (YamlMappingNode)At(service, "spec", "selector");
        var labels = (YamlMappingNode)At(web, "spec", "template", "metadata", "labels");
        Assert.All(selector.Children, kv => Assert.Equal(kv.Value, labels.Children[kv.Key]));
    }

    [Fact]
    public void Every_setting_in_the_config_map_secret_and_compose_file_is_a_documented_key()
    {
        var documented = DocumentedKeys();
        var fromK8s = K8s().Where(d => Text(d, "kind") is "ConfigMap" or "Secret")
            .SelectMany(d => ((YamlMappingNode)At(d, Text(d, "kind") == "Secret" ? "stringData" : "data")).Children.Keys)
            .Select(k => ((YamlScalarNode)k).Value!);
        var compose = Documents(Path.Combine(Root, "docker-compose.yml"))[0];
        var fromCompose = ((YamlMappingNode)At(compose, "services")).Children.Values.Cast<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey(new YamlScalarNode("environment")))
            .SelectMany(s => ((YamlMappingNode)At(s, "environment")).Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
            .Where(k => k.StartsWith("DIGEST_", StringComparison.Ordinal));

        var settings = fromK8s.Concat(fromCompose).Distinct().ToList();
        Assert.NotEmpty(settings);
        Assert.All(settings.Where(v => v.StartsWith("DIGEST_", StringComparison.Ordinal)), v => Assert.Contains(KeyOf(v), documented));
        // The framework's own variables (ASPNETCORE_…) are named as they are in the README.
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.All(settings.Where(v => !v.StartsWith("DIGEST_", StringComparison.Ordinal)), v => Assert.Contains($"`{v}=", readme));
    }

    [Fact]
    public void Every_compose_service_has_a_health_check_and_the_database_keeps_its_data()
    {
        var compose = Documents(Path.Combine(Root, "docker-compose.yml"))[0];
        var services = (YamlMappingNode)At(compose, "services");

        Assert.Equal(["mailpit", "postgres", "web", "worker"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Order());
        Assert.All(services.Children.Values, s => Assert.True(((YamlMappingNode)s).Children.ContainsKey(new YamlScalarNode("healthcheck"))));
        Assert.Contains("pgdata:/var/lib/postgresql/data", ((YamlSequenceNode)At(services, "postgres", "volumes")).Select(v => ((YamlScalarNode)v).Value));
        Assert.False(((YamlMappingNode)services.Children[new YamlScalarNode("worker")]).Children.ContainsKey(new YamlScalarNode("ports")),
            "workers publish no port, so they can be scaled");
    }

    [Fact]
    public void Docker_compose_itself_accepts_the_compose_file()
    {
        var tool = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("docker-compose is not installed: the test command installs it (apt-get install docker-compose).");
        var psi = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var a in new[] { "-f", "docker-compose.yml", "config", "-q" }) psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, errors);
    }

    // A key in the README's configuration table: | `Smtp:Host`, `Smtp:Port` | … (a row may name several).
    [GeneratedRegex(@"`([A-Z][A-Za-z]+(?::[A-Z][A-Za-z]+)+)`")]
    private static partial Regex DocumentedKey();
}
