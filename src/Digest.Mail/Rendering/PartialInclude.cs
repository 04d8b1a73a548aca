using Scriban;
using Scriban.Functions;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Digest.Mail.Rendering;

/// <summary>
/// Scriban's include, in two ways ours. Its output was encoded as it was written, so in HTML it comes back as
/// <see cref="RawHtml"/> and is not encoded again. And <c>include "item"</c> inside <c>for item in items</c>
/// renders partials/item with nothing but <c>item</c> in scope (a name from outside fails as a typo would), which
/// is what lets the fragment be kept and reused for the next digest that lists the same item.
/// </summary>
internal sealed class PartialInclude(Func<string, object> wrap, ItemPartial? item) : IScriptCustomFunction
{
    public const string ItemName = "item";
    private static readonly ScriptVariableGlobal ItemVariable = new(ItemName);
    private readonly IncludeFunction _include = new();

    public int RequiredParameterCount => _include.RequiredParameterCount;

    public int ParameterCount => _include.ParameterCount;

    public ScriptVarParamKind VarParamKind => _include.VarParamKind;

    public Type ReturnType => typeof(object);

    public ScriptParameterInfo GetParameterInfo(int index) => _include.GetParameterInfo(index);

    public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
    {
        if (item is not null && arguments.Count == 1 && arguments[0] is ItemName && context.GetValue(ItemVariable) is DigestEmailItem listing)
            return wrap(item.Render(listing));
        return wrap(context.ObjectToString(_include.Invoke(context, callerContext, arguments, blockStatement)) ?? "");
    }

    public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
        ValueTask.FromResult(Invoke(context, callerContext, arguments, blockStatement));
}

/// <summary>The item partial of one part on one thread: its own context, in which the item is the only name.</summary>
internal sealed class ItemPartial(Template template, TemplateContext context, ItemFragments? fragments)
{
    public string Render(DigestEmailItem item) => fragments is null ? RenderAlone(item) : fragments.Get(item, RenderAlone);

    private string RenderAlone(DigestEmailItem item) => EmailTemplates.Run(template, context, new ScriptObject { [PartialInclude.ItemName] = item });
}
