using Digest.Host.Cli;

return await DigestCli.Build().Parse(args).InvokeAsync();

/// <summary>The entry point; public so tests can find the assembly.</summary>
public partial class Program;
