using System.Collections.Concurrent;
using System.Reflection;
using Scriban.Runtime;

namespace Digest.Mail.Rendering;

/// <summary>
/// A model's properties as the globals of a render, named as Scriban names them (snake_case). The same as
/// ScriptObject.Import, with the property list and names found once per model type instead of on every
/// render, where Import's reflection cost more than rendering the digest's outer template.
/// </summary>
internal static class ModelGlobals
{
    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> Properties = new();

    public static ScriptObject For(object model)
    {
        var properties = Properties.GetOrAdd(model.GetType(), static type =>
            [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null)
                .Select(p => (StandardMemberRenamer.Default(p), p))]);
        var globals = new ScriptObject(properties.Length);
        foreach (var (name, property) in properties) globals.SetValue(name, property.GetValue(model), readOnly: true);
        return globals;
    }
}
