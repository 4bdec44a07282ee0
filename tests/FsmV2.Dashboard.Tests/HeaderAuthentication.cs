using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FsmV2.Dashboard.Tests;

/// <summary>Signs a request in from the header <c>X-Test-User: name:role</c>; without it, the request is anonymous.</summary>
internal sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public new const string Scheme = "TestHeader";
    public const string Header = "X-Test-User";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers[Header].ToString().Split(':') is not [string name, string role])
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], Scheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme)));
    }

    /// <summary>What a host adds for the dashboard's actions: this scheme, <paramref name="policy"/> (role <c>operator</c>) and anti-forgery.</summary>
    public static void AddOperators(IServiceCollection services, string policy)
    {
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(Scheme, null);
        services.AddAuthorization(a => a.AddPolicy(policy, p => p.RequireRole("operator")));
        services.AddAntiforgery();
        services.AddDataProtection().UseEphemeralDataProtectionProvider(); // no keys written to the user profile
    }
}
