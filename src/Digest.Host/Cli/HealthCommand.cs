using System.CommandLine;

namespace Digest.Host.Cli;

/// <summary>`digest health`: asks a running node whether it is ready. For container health checks, where no curl is installed.</summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The health endpoint to ask.", DefaultValueFactory = _ => "http://127.0.0.1:8080/health/ready" };
        var command = new Command("health", "Exit 0 when the node at --url answers its health check with 200, 1 otherwise.") { url };
        command.SetAction(async (parse, ct) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(parse.GetValue(url), ct);
                Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}".TrimEnd());
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"not answering: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
