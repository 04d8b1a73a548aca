using System.CommandLine;
using Digest.Host.Cli;
using Microsoft.Extensions.Options;

try
{
    return await DigestCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OptionsValidationException e)
{
    // Bad configuration fails at start with the key's name, not a stack trace.
    Console.Error.WriteLine($"digest: invalid configuration: {string.Join(" ", e.Failures)}");
    return 1;
}
catch (Npgsql.NpgsqlException e) when (e.InnerException is System.Net.Sockets.SocketException or TimeoutException)
{
    // The commonest operator mistake: say which setting to check rather than only the driver's words.
    Console.Error.WriteLine($"digest: cannot reach the database ({e.Message}); check Database:ConnectionString (DIGEST_Database__ConnectionString).");
    return 1;
}
catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or IOException or TimeoutException)
{
    Console.Error.WriteLine($"digest: {e.Message}");
    return 1;
}

/// <summary>The entry point; public so tests can find the assembly.</summary>
public partial class Program;
