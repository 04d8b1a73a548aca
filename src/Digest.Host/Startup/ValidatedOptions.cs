using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Digest.Host.Startup;

/// <summary>
/// Options bound from one configuration section and checked at start-up, with errors that name the key
/// a person has to fix ("Smtp:Port must be between 1 and 65535"), not the C# member.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    private sealed class SectionValidator<T>(string section) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
                return ValidateOptionsResult.Success;
            return ValidateOptionsResult.Fail(results.Select(r =>
            {
                var keys = string.Join(", ", r.MemberNames.Select(m => $"{section}:{m}"));
                var message = r.ErrorMessage ?? "is not valid";
                // DataAnnotations says "The field Port must be …"; say "Smtp:Port must be …".
                foreach (var m in r.MemberNames) message = message.Replace($"The field {m} ", "", StringComparison.Ordinal).Replace($"The {m} field ", "", StringComparison.Ordinal);
                return message.StartsWith(section + ":", StringComparison.Ordinal) ? message : $"{keys} {message}";
            }));
        }
    }
}
