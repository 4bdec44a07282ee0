using Microsoft.Extensions.Options;

namespace FsmV2.Hosting;

/// <summary>
/// Checks <see cref="SupervisorOptions"/> with <see cref="SupervisorOptions.Validate"/> when the host starts, so a
/// bad configuration stops the application at once with the option's name in the error.
/// </summary>
internal sealed class SupervisorOptionsValidator : IValidateOptions<SupervisorOptions>
{
    public ValidateOptionsResult Validate(string? name, SupervisorOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex) // out of range or missing
        {
            // The message already names the option ("SupervisorOptions.TickInterval must be ...").
            return ValidateOptionsResult.Fail($"{ex.ParamName}: {ex.Message}");
        }
    }
}
