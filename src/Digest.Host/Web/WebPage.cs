using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.Web;

/// <summary>
/// Every subscriber page is a Razor component under Web/Pages, rendered on the server into plain HTML: no circuit,
/// no WebAssembly, nothing that needs the script, so every form works without JavaScript. The endpoints keep
/// their routes, tokens, antiforgery checks and rate limits; only the HTML is the components'.
/// </summary>
public static class WebPage
{
    /// <summary>The page <typeparamref name="TPage"/> with its parameters (property names as the component's), answered with <paramref name="status"/>.</summary>
    public static IResult Show<TPage>(object? parameters = null, int status = StatusCodes.Status200OK) where TPage : IComponent =>
        new RazorComponentResult<TPage>(parameters ?? new Dictionary<string, object?>()) { StatusCode = status };
}
