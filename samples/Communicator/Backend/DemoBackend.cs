using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Communicator.Backend;

/// <summary>
/// The backend the communicator talks to, as an ASP.NET Core minimal API inside this process, on loopback:
/// <c>POST /auth</c> (API key → signed token with expiry), <c>POST /push</c> (client → server, idempotent by sequence
/// number, answers the highest sequence stored in order), <c>GET /pull?after=N</c> (server → client messages after
/// N), and <c>POST /faults</c> to flip <see cref="Faults"/> from outside. It keeps what it received so a scenario
/// can check that nothing was lost or duplicated.
/// </summary>
public sealed class DemoBackend : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private WebApplication? _app;
    private readonly DemoBackendOptions _options;
    private readonly byte[] _apiKey;
    private readonly object _gate = new();
    private readonly List<Message> _received = [];
    private readonly List<Message> _outbox = [];
    private readonly List<string> _issuedTokens = [];
    private int _duplicates;
    private int _authRequests;
    private int _pushRequests;
    private int _pullRequests;
    private int _faultAnswers;

    private DemoBackend(DemoBackendOptions options)
    {
        _options = options;
        _apiKey = Encoding.UTF8.GetBytes(options.ApiKey);
        Tokens = new TokenIssuer(options.Time);
    }

    /// <summary>The address the backend listens on (the actual port, read after start).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The fault switch.</summary>
    public BackendFaults Faults { get; } = new();

    /// <summary>The token issuer (to expire every token, for example).</summary>
    public TokenIssuer Tokens { get; }

    /// <summary>The API key the backend accepts.</summary>
    public string ApiKey => _options.ApiKey;

    /// <summary>Client → server messages stored, in sequence order, each once.</summary>
    public IReadOnlyList<Message> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Server → client messages published so far.</summary>
    public int Published
    {
        get
        {
            lock (_gate)
            {
                return _outbox.Count;
            }
        }
    }

    /// <summary>Tokens issued so far (tests check none of them leaks into logs).</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _issuedTokens];
            }
        }
    }

    /// <summary>Client messages that arrived again after they were stored (resends after a lost answer), ignored.</summary>
    public int DuplicatesIgnored => Volatile.Read(ref _duplicates);

    /// <summary>Number of <c>POST /auth</c> requests.</summary>
    public int AuthRequests => Volatile.Read(ref _authRequests);

    /// <summary>Number of <c>POST /push</c> requests.</summary>
    public int PushRequests => Volatile.Read(ref _pushRequests);

    /// <summary>Number of <c>GET /pull</c> requests.</summary>
    public int PullRequests => Volatile.Read(ref _pullRequests);

    /// <summary>Requests answered by an injected fault.</summary>
    public int FaultAnswers => Volatile.Read(ref _faultAnswers);

    /// <summary>Starts a backend and returns once it listens.</summary>
    public static async Task<DemoBackend> StartAsync(DemoBackendOptions? options = null, CancellationToken ct = default)
    {
        var backend = new DemoBackend(options ?? new DemoBackendOptions());
        await backend.ListenAsync(backend._options.Url, ct).ConfigureAwait(false);
        return backend;
    }

    /// <summary>
    /// Stops listening, keeping everything stored: clients get "connection refused" until <see cref="ResumeAsync"/>.
    /// This is a real outage of the process, as opposed to <see cref="FaultKind.Down"/>'s 503 answers.
    /// </summary>
    public async Task SuspendAsync()
    {
        WebApplication? app = Interlocked.Exchange(ref _app, null);
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Listens again on the same address after <see cref="SuspendAsync"/>.</summary>
    public Task ResumeAsync(CancellationToken ct = default) => ListenAsync(Address.GetLeftPart(UriPartial.Authority), ct);

    private async Task ListenAsync(string url, CancellationToken ct)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        WebApplication app = builder.Build();
        Map(app);
        await app.StartAsync(ct).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.EndsWith('/') ? address : address + "/");
        _app = app;
    }

    /// <summary>Publishes a server → client message; it gets the next sequence number.</summary>
    public Message Publish(string payload)
    {
        lock (_gate)
        {
            var message = new Message(_outbox.Count + 1, payload);
            _outbox.Add(message);
            return message;
        }
    }

    /// <summary>Stops listening.</summary>
    public async ValueTask DisposeAsync() => await SuspendAsync().ConfigureAwait(false);

    private void Map(WebApplication app)
    {
        app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            if (ctx.Request.Path.StartsWithSegments("/faults") || await AnswerWithFaultAsync(ctx).ConfigureAwait(false) is false)
            {
                await next(ctx).ConfigureAwait(false);
            }
        });
        app.MapPost("/auth", AuthAsync);
        app.MapPost("/push", PushAsync);
        app.MapGet("/pull", PullAsync);
        app.MapPost("/faults", FaultsAsync);
    }

    /// <summary>Answers with the current fault when it replaces the real answer; <c>false</c> to go on.</summary>
    private async Task<bool> AnswerWithFaultAsync(HttpContext ctx)
    {
        FaultKind mode = Faults.Mode;
        int status;
        switch (mode)
        {
            case FaultKind.Down:
                status = StatusCodes.Status503ServiceUnavailable;
                break;
            case FaultKind.ServerError:
                status = StatusCodes.Status500InternalServerError;
                break;
            case FaultKind.RateLimited:
                status = StatusCodes.Status429TooManyRequests;
                ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(Faults.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case FaultKind.Unauthorized when !ctx.Request.Path.StartsWithSegments("/auth"):
                Interlocked.Increment(ref _faultAnswers);
                await WriteAsync(ctx, StatusCodes.Status401Unauthorized, new ErrorResponse("token_rejected")).ConfigureAwait(false);
                return true;
            default:
                return false;
        }

        Interlocked.Increment(ref _faultAnswers);
        await WriteAsync(ctx, status, new ErrorResponse(mode.ToString())).ConfigureAwait(false);
        return true;
    }

    private async Task AuthAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _authRequests);
        AuthRequest? request = await ReadAsync<AuthRequest>(ctx).ConfigureAwait(false);
        if (request is null)
        {
            await WriteAsync(ctx, StatusCodes.Status400BadRequest, new ErrorResponse("bad_request")).ConfigureAwait(false);
            return;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.ApiKey ?? string.Empty), _apiKey))
        {
            await WriteAsync(ctx, StatusCodes.Status401Unauthorized, new ErrorResponse("invalid_api_key")).ConfigureAwait(false);
            return;
        }

        string token = Tokens.Issue("communicator", _options.TokenLifetime);
        lock (_gate)
        {
            _issuedTokens.Add(token);
        }

        await AnswerAsync(ctx, new AuthResponse(token, _options.TokenLifetime.TotalSeconds)).ConfigureAwait(false);
    }

    private async Task PushAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _pushRequests);
        if (await RejectTokenAsync(ctx).ConfigureAwait(false))
        {
            return;
        }

        PushRequest? request = await ReadAsync<PushRequest>(ctx).ConfigureAwait(false);
        if (request?.Messages is null)
        {
            await WriteAsync(ctx, StatusCodes.Status400BadRequest, new ErrorResponse("bad_request")).ConfigureAwait(false);
            return;
        }

        long through;
        lock (_gate)
        {
            foreach (Message message in request.Messages)
            {
                long next = _received.Count + 1;
                if (message.Seq < next)
                {
                    _duplicates++; // already stored: a resend
                }
                else if (message.Seq == next)
                {
                    _received.Add(message);
                }

                // A gap (Seq > next) is not stored: it is not acknowledged, so the client sends it again in order.
            }

            through = _received.Count;
        }

        await AnswerAsync(ctx, new PushResponse(through)).ConfigureAwait(false);
    }

    private async Task PullAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _pullRequests);
        if (await RejectTokenAsync(ctx).ConfigureAwait(false))
        {
            return;
        }

        long after = long.TryParse(ctx.Request.Query["after"], out long n) ? Math.Max(0, n) : 0;
        Message[] messages;
        lock (_gate)
        {
            messages = [.. _outbox.Skip((int)Math.Min(after, _outbox.Count)).Take(_options.PullLimit)];
        }

        await AnswerAsync(ctx, new PullResponse(messages)).ConfigureAwait(false);
    }

    private async Task FaultsAsync(HttpContext ctx)
    {
        FaultRequest? request = await ReadAsync<FaultRequest>(ctx).ConfigureAwait(false);
        if (request is null || !Enum.TryParse(request.Mode, ignoreCase: true, out FaultKind mode))
        {
            await WriteAsync(ctx, StatusCodes.Status400BadRequest, new ErrorResponse("unknown_mode")).ConfigureAwait(false);
            return;
        }

        if (request.RetryAfterSeconds is { } retryAfter)
        {
            Faults.RetryAfter = TimeSpan.FromSeconds(retryAfter);
        }

        if (request.SlowDelayMs is { } slow)
        {
            Faults.SlowDelay = TimeSpan.FromMilliseconds(slow);
        }

        Faults.Mode = mode;
        await WriteAsync(ctx, StatusCodes.Status200OK, new FaultRequest(mode.ToString(), Faults.RetryAfter.TotalSeconds, Faults.SlowDelay.TotalMilliseconds)).ConfigureAwait(false);
    }

    private async Task<bool> RejectTokenAsync(HttpContext ctx)
    {
        string? header = ctx.Request.Headers.Authorization;
        string? token = header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        string? error = Tokens.Check(token);
        if (error is null)
        {
            return false;
        }

        await WriteAsync(ctx, StatusCodes.Status401Unauthorized, new ErrorResponse(error)).ConfigureAwait(false);
        return true;
    }

    /// <summary>Sends a successful answer, unless a slow or malformed fault is on: then late, or garbled.</summary>
    private async Task AnswerAsync<T>(HttpContext ctx, T body)
    {
        switch (Faults.Mode)
        {
            case FaultKind.Slow:
                Interlocked.Increment(ref _faultAnswers);
                try
                {
                    await Task.Delay(Faults.SlowDelay, ctx.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // the client gave up waiting
                }

                break;
            case FaultKind.Malformed:
                Interlocked.Increment(ref _faultAnswers);
                ctx.Response.StatusCode = StatusCodes.Status200OK;
                ctx.Response.ContentType = "application/json";
                string json = JsonSerializer.Serialize(body, Json);
                await ctx.Response.WriteAsync(json[..(json.Length / 2)] + "<<garbled", ctx.RequestAborted).ConfigureAwait(false);
                return;
        }

        await WriteAsync(ctx, StatusCodes.Status200OK, body).ConfigureAwait(false);
    }

    private static async Task WriteAsync<T>(HttpContext ctx, int status, T body)
    {
        ctx.Response.StatusCode = status;
        try
        {
            await ctx.Response.WriteAsJsonAsync(body, Json, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    private static async Task<T?> ReadAsync<T>(HttpContext ctx)
        where T : class
    {
        try
        {
            return await ctx.Request.ReadFromJsonAsync<T>(Json, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or OperationCanceledException)
        {
            return null;
        }
    }
}

/// <summary>Body of <c>POST /faults</c> (and its answer): the fault to switch to.</summary>
/// <param name="Mode">A <see cref="FaultKind"/> name.</param>
/// <param name="RetryAfterSeconds">The <c>Retry-After</c> for 429 answers, if it should change.</param>
/// <param name="SlowDelayMs">How long slow answers are held back, if it should change.</param>
public sealed record FaultRequest(string Mode, double? RetryAfterSeconds = null, double? SlowDelayMs = null);
