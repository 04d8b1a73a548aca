using Digest.Host.OperatorConsole.Pages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>Answers every console page can give.</summary>
public static class ConsolePages
{
    public static RazorComponentResult<MessagePage> Expired() => new(new Dictionary<string, object?>
    {
        ["Heading"] = "This form has expired",
        ["Text"] = "Nothing was changed. Go back, reload the page and send the form again.",
    }) { StatusCode = StatusCodes.Status400BadRequest };

    public static RazorComponentResult<MessagePage> NotFound(string text, string back) => new(new Dictionary<string, object?>
    {
        ["Heading"] = "Not found", ["Text"] = text, ["Back"] = back,
    }) { StatusCode = StatusCodes.Status404NotFound };
}
