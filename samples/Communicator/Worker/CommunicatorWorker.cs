using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using FsmV2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Communicator;

/// <summary>
/// Keeps an application connected to its backend: authenticates with an API key, then pushes what the application
/// writes to <see cref="Outbound"/> and pulls what the backend has into <see cref="Inbound"/>, both ordered and
/// deduplicated by sequence number. Stopped → Authenticating → Syncing, and Degraded while the backend fails, with
/// a backoff chosen by the kind of failure.
/// </summary>
/// <remarks>
/// <para>
/// The actions (<see cref="Authenticate"/>, <see cref="Sync"/>) make one attempt each and record how it went; the
/// collector turns that into a <see cref="CommunicatorObservation"/>, and the states decide from it on the next
/// tick. Outbound messages stay in an unacknowledged buffer until the backend acknowledges them, and are sent
/// again after a failure; the backend ignores the ones it already stored. Inbound messages are delivered only if
/// their sequence number is past the last one delivered.
/// </para>
/// <para>
/// Shutdown drains: once shutdown is requested the worker runs <see cref="Drain"/> (push only) until a drain finds
/// nothing left, and only then stops. Because that drain runs after the request, every message written before the
/// shutdown is covered, even one written after the last observation. While the backend fails, the drain keeps its
/// backoff; the supervisor's shutdown timeout bounds the wait.
/// </para>
/// <para>The token lives only in this instance and the API key only in the spec; neither is ever logged.</para>
/// </remarks>
[Worker]
public sealed partial class CommunicatorWorker : IWorker<CommunicatorSpec, CommunicatorObservation>
{
    private const string InvalidKeyReason = "invalid API key — not retrying";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Message> _outbound = Channel.CreateUnbounded<Message>();
    private readonly Channel<Message> _inbound = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly object _gate = new();

    // Touched only by actions (one at a time), read by the collector under _gate.
    private readonly List<Message> _unacked = [];
    private long _attemptedThrough; // highest outbound seq sent at least once
    private long _nextOutboundSeq;
    private long _lastInboundSeq;

    // The session and the last outcome; written by actions under _gate, read by the collector under _gate.
    private string? _token;
    private DateTimeOffset _tokenExpiresAt;
    private FailureKind _failure;
    private int _streak;
    private DateTimeOffset _retryAt;
    private string _failureReason = string.Empty;
    private string? _rejectedKey;
    private DateTimeOffset _nextPollAt;
    private bool _drainedEmpty;

    private long _sent;
    private long _received;
    private long _resent;
    private long _inboundDuplicates;
    private int _authentications;
    private int _failures;
    private int _retries;
    private FailureKind _lastFailureEver;

    /// <summary>Creates a communicator.</summary>
    /// <param name="http">The client for the backend. Its own timeout is not used: each request gets <see cref="CommunicatorSpec.RequestTimeout"/>.</param>
    /// <param name="time">The clock for token expiry, backoff and polling; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where the worker's own events go; nothing when <see langword="null"/>.</param>
    public CommunicatorWorker(HttpClient http, TimeProvider? time = null, ILogger<CommunicatorWorker>? logger = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Where the application writes messages for the backend (with <c>Seq = 0</c>; see <see cref="Message.Outbound"/>).</summary>
    public ChannelWriter<Message> Outbound => _outbound.Writer;

    /// <summary>Where the application reads messages from the backend, in sequence order, each once.</summary>
    public ChannelReader<Message> Inbound => _inbound.Reader;

    /// <summary>The worker's counters now.</summary>
    public CommunicatorStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new CommunicatorStats(_sent, _received, _resent, _inboundDuplicates, _authentications, _failures, _retries, PendingLocked(), _lastFailureEver);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<CommunicatorObservation> CollectAsync(CommunicatorSpec desired, CancellationToken ct)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new CommunicatorObservation(
                _token is not null,
                _tokenExpiresAt,
                _failure,
                _streak,
                _retryAt,
                _failureReason,
                _rejectedKey is not null && string.Equals(_rejectedKey, desired.ApiKey, StringComparison.Ordinal),
                PendingLocked(),
                _nextPollAt,
                _drainedEmpty && PendingLocked() == 0));
        }
    }

    /// <summary>
    /// Takes up where an earlier process left off (its last observation, from a persistent store): the failure, its
    /// streak and reason, so the backoff goes on growing rather than starting over. The session is not resumed: a
    /// token from another process is not trusted, so the next attempt authenticates.
    /// </summary>
    public void Resume(CommunicatorObservation last)
    {
        ArgumentNullException.ThrowIfNull(last);
        lock (_gate)
        {
            _failure = last.LastFailure;
            _lastFailureEver = last.LastFailure;
            _streak = last.FailureStreak;
            _retryAt = last.RetryAt;
            _failureReason = last.FailureReason;
        }
    }

    // ---- states ------------------------------------------------------------------------------------------------

    [State(Initial = true, Phase = LifecyclePhase.Stopped)]
    [TransitionsTo(nameof(Authenticating))]
    static Next Stopped(in Snapshot<CommunicatorSpec, CommunicatorObservation> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Enabled ? Goto(State.Authenticating, "enabled: connecting")
         : Stay("disabled");

    [State(Phase = LifecyclePhase.Starting)]
    [TransitionsTo(nameof(Syncing), nameof(Degraded), nameof(Stopped))]
    static Next Authenticating(in Snapshot<CommunicatorSpec, CommunicatorObservation> s)
    {
        CommunicatorObservation o = s.Observed;
        if (s.ShutdownRequested)
        {
            if (o.Drained || o.ApiKeyRejected)
            {
                return Goto(State.Stopped, o.Drained ? "shutdown requested; outbound drained" : "shutdown requested; cannot drain with an invalid API key");
            }

            if (o.PendingOutbound == 0)
            {
                return Do(Act.Drain, "shutdown requested: confirming nothing is pending");
            }
        }
        else if (!s.Desired.Enabled)
        {
            return Goto(State.Stopped, "disabled");
        }

        if (o.ApiKeyRejected)
        {
            return Goto(State.Degraded, InvalidKeyReason);
        }

        if (TokenUsable(s) && o.LastFailure == FailureKind.None)
        {
            return Goto(State.Syncing, "authenticated");
        }

        // A key rejected earlier but changed since (not ApiKeyRejected any more) is tried at once.
        if (o.LastFailure is not (FailureKind.None or FailureKind.InvalidApiKey) && s.Now < o.RetryAt)
        {
            return Goto(State.Degraded, o.FailureReason);
        }

        return Do(Act.Authenticate, o.HasToken ? "token about to expire: authenticating" : "no token: authenticating");
    }

    [State(Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(Authenticating), nameof(Degraded), nameof(Stopped))]
    static Next Syncing(in Snapshot<CommunicatorSpec, CommunicatorObservation> s)
    {
        CommunicatorObservation o = s.Observed;
        if (s.ShutdownRequested && o.Drained)
        {
            return Goto(State.Stopped, "shutdown requested; outbound drained");
        }

        if (!s.Desired.Enabled && !s.ShutdownRequested)
        {
            return Goto(State.Stopped, "disabled");
        }

        if (o.LastFailure == FailureKind.TokenRejected)
        {
            return Goto(State.Authenticating, "token rejected (401): authenticating again");
        }

        if (!TokenUsable(s))
        {
            return Goto(State.Authenticating, "token expired: authenticating again");
        }

        if (o.LastFailure != FailureKind.None)
        {
            return Goto(State.Degraded, o.FailureReason);
        }

        if (s.ShutdownRequested)
        {
            return Do(Act.Drain, "shutdown requested: draining outbound");
        }

        if (o.PendingOutbound > 0)
        {
            return Do(Act.Sync, "outbound messages waiting");
        }

        return s.Now >= o.NextPollAt ? Do(Act.Sync, "poll interval elapsed") : Stay("in sync");
    }

    [State(Phase = LifecyclePhase.RunningDegraded)]
    [TransitionsTo(nameof(Syncing), nameof(Authenticating), nameof(Stopped))]
    static Next Degraded(in Snapshot<CommunicatorSpec, CommunicatorObservation> s)
    {
        CommunicatorObservation o = s.Observed;
        if (s.ShutdownRequested && (o.Drained || o.ApiKeyRejected))
        {
            return Goto(State.Stopped, o.ApiKeyRejected ? "shutdown requested; cannot drain with an invalid API key" : "shutdown requested; outbound drained");
        }

        if (!s.Desired.Enabled && !s.ShutdownRequested)
        {
            return Goto(State.Stopped, "disabled");
        }

        if (o.ApiKeyRejected)
        {
            return Stay(InvalidKeyReason);
        }

        if (o.LastFailure == FailureKind.InvalidApiKey)
        {
            return Goto(State.Authenticating, "API key changed: authenticating");
        }

        if (o.LastFailure == FailureKind.None && TokenUsable(s))
        {
            return Goto(State.Syncing, "backend answers again");
        }

        if (o.LastFailure != FailureKind.None && s.Now < o.RetryAt)
        {
            return Stay(o.FailureReason);
        }

        if (!TokenUsable(s) || o.LastFailure == FailureKind.TokenRejected)
        {
            return Goto(State.Authenticating, "backoff elapsed: authenticating again");
        }

        return s.ShutdownRequested ? Do(Act.Drain, "backoff elapsed: draining again") : Do(Act.Sync, "backoff elapsed: trying again");
    }

    private static bool TokenUsable(in Snapshot<CommunicatorSpec, CommunicatorObservation> s)
        => s.Observed.HasToken && s.Now < s.Observed.TokenExpiresAt - s.Desired.TokenRefreshMargin;

    // ---- actions (one attempt each; the next tick decides what follows) -----------------------------------------

    [Action(TimeoutMs = 30_000)]
    async Task Authenticate(CommunicatorSpec spec, CancellationToken ct)
    {
        CountRetry();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(spec.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(spec.Backend, "auth"))
            {
                Content = JsonContent.Create(new AuthRequest(spec.ApiKey), options: Json),
            };
            using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw Fail(FailureKind.InvalidApiKey, "POST /auth", "the backend rejected the API key (401)", rejectedKey: spec.ApiKey);
            }

            ThrowIfFailed(response, "POST /auth", spec);
            AuthResponse body = await ReadAsync<AuthResponse>(response, "POST /auth", timeout.Token).ConfigureAwait(false);
            if (string.IsNullOrEmpty(body.Token) || body.ExpiresInSeconds <= 0)
            {
                throw Fail(FailureKind.Malformed, "POST /auth", "the answer has no token or no lifetime");
            }

            DateTimeOffset expires = _time.GetUtcNow() + TimeSpan.FromSeconds(body.ExpiresInSeconds);
            lock (_gate)
            {
                _token = body.Token;
                _tokenExpiresAt = expires;
                _failure = FailureKind.None; // the streak stays until a sync succeeds, so repeated 401s still back off
                _failureReason = string.Empty;
                _rejectedKey = null;
                _authentications++;
            }

            LogAuthenticated(_logger, expires);
        }
        catch (Exception ex) when (ex is not CommunicatorException)
        {
            throw Classify(ex, "POST /auth", ct, timeout, spec);
        }
    }

    [Action(TimeoutMs = 30_000)]
    async Task Sync(CommunicatorSpec spec, CancellationToken ct)
    {
        CountRetry();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(spec.RequestTimeout);
        string endpoint = "POST /push";
        try
        {
            string token = TakeOutbound(spec);
            await PushAsync(spec, token, timeout.Token).ConfigureAwait(false);

            endpoint = "GET /pull";
            long after = _lastInboundSeq;
            using var pull = new HttpRequestMessage(HttpMethod.Get, new Uri(spec.Backend, "pull?after=" + after.ToString(CultureInfo.InvariantCulture)));
            pull.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage pulled = await _http.SendAsync(pull, timeout.Token).ConfigureAwait(false);
            ThrowIfFailed(pulled, endpoint, spec);
            PullResponse page = await ReadAsync<PullResponse>(pulled, endpoint, timeout.Token).ConfigureAwait(false);
            if (page.Messages is null)
            {
                throw Fail(FailureKind.Malformed, endpoint, "the answer has no messages");
            }

            lock (_gate)
            {
                foreach (Message message in page.Messages.OrderBy(m => m.Seq))
                {
                    if (message.Seq <= _lastInboundSeq)
                    {
                        _inboundDuplicates++;
                        continue;
                    }

                    _inbound.Writer.TryWrite(message); // unbounded: always accepted
                    _lastInboundSeq = message.Seq;
                    _received++;
                }

                Succeeded();

                // A page with messages may mean there are more: pull again at once.
                _nextPollAt = page.Messages.Count > 0 ? _time.GetUtcNow() : _time.GetUtcNow() + spec.PollInterval;
            }
        }
        catch (Exception ex) when (ex is not CommunicatorException)
        {
            throw Classify(ex, endpoint, ct, timeout, spec);
        }
    }

    /// <summary>
    /// The shutdown variant of <see cref="Sync"/>: pushes one batch and does not pull. When it finds nothing left
    /// to send, the next observation reports <see cref="CommunicatorObservation.Drained"/> and the worker stops.
    /// </summary>
    [Action(TimeoutMs = 30_000)]
    async Task Drain(CommunicatorSpec spec, CancellationToken ct)
    {
        CountRetry();
        lock (_gate)
        {
            if (PendingLocked() == 0)
            {
                _drainedEmpty = true; // nothing to send: no request needed
                return;
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(spec.RequestTimeout);
        try
        {
            string token = TakeOutbound(spec);
            await PushAsync(spec, token, timeout.Token).ConfigureAwait(false);
            lock (_gate)
            {
                Succeeded();
                _drainedEmpty = PendingLocked() == 0;
            }
        }
        catch (Exception ex) when (ex is not CommunicatorException)
        {
            throw Classify(ex, "POST /push", ct, timeout, spec);
        }
    }

    /// <summary>Moves written messages into the unacknowledged buffer, stamping their sequence numbers; returns the token.</summary>
    private string TakeOutbound(CommunicatorSpec spec)
    {
        lock (_gate)
        {
            _drainedEmpty = false;
            string token = _token ?? throw Fail(FailureKind.TokenRejected, "POST /push", "no token");
            while (_unacked.Count < spec.BatchSize && _outbound.Reader.TryRead(out Message? message))
            {
                _unacked.Add(message with { Seq = ++_nextOutboundSeq });
            }

            return token;
        }
    }

    /// <summary>Sends the unacknowledged buffer (oldest first) and drops what the backend acknowledges.</summary>
    private async Task PushAsync(CommunicatorSpec spec, string token, CancellationToken ct)
    {
        Message[] batch;
        lock (_gate)
        {
            batch = [.. _unacked];
        }

        if (batch.Length == 0)
        {
            return;
        }

        int resends = batch.Count(m => m.Seq <= _attemptedThrough);
        _attemptedThrough = Math.Max(_attemptedThrough, batch[^1].Seq);
        lock (_gate)
        {
            _resent += resends;
        }

        using var push = new HttpRequestMessage(HttpMethod.Post, new Uri(spec.Backend, "push"))
        {
            Content = JsonContent.Create(new PushRequest(batch), options: Json),
        };
        push.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage pushed = await _http.SendAsync(push, ct).ConfigureAwait(false);
        ThrowIfFailed(pushed, "POST /push", spec);
        PushResponse ack = await ReadAsync<PushResponse>(pushed, "POST /push", ct).ConfigureAwait(false);
        lock (_gate)
        {
            int before = _unacked.Count;
            _unacked.RemoveAll(m => m.Seq <= ack.AckedThrough);
            _sent += before - _unacked.Count;
        }
    }

    private void Succeeded()
    {
        _failure = FailureKind.None;
        _failureReason = string.Empty;
        _streak = 0;
    }

    // ---- failure handling ---------------------------------------------------------------------------------------

    private void CountRetry()
    {
        lock (_gate)
        {
            if (_streak > 0)
            {
                _retries++;
            }
        }
    }

    private void ThrowIfFailed(HttpResponseMessage response, string endpoint, CommunicatorSpec spec)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        int code = (int)response.StatusCode;
        (FailureKind kind, string what) = response.StatusCode switch
        {
            HttpStatusCode.ServiceUnavailable => (FailureKind.Unavailable, "backend down (503)"),
            HttpStatusCode.TooManyRequests => (FailureKind.RateLimited, "rate limited (429)"),
            HttpStatusCode.Unauthorized => (FailureKind.TokenRejected, "token rejected (401)"),
            _ when code >= 500 => (FailureKind.ServerError, $"server error ({code})"),
            _ => (FailureKind.Unexpected, $"unexpected answer ({code})"),
        };

        TimeSpan? retryAfter = null;
        if (response.Headers.RetryAfter is { } header)
        {
            retryAfter = header.Delta ?? (header.Date is { } date ? date - _time.GetUtcNow() : null);
            if (retryAfter < TimeSpan.Zero)
            {
                retryAfter = TimeSpan.Zero;
            }
        }

        throw Fail(kind, endpoint, what, retryAfter: retryAfter, spec: spec);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string endpoint, CancellationToken ct)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false)
                ?? throw new JsonException("empty answer");
        }
        catch (JsonException)
        {
            throw new MalformedAnswerException(endpoint);
        }
    }

    private CommunicatorException Classify(Exception ex, string endpoint, CancellationToken ct, CancellationTokenSource timeout, CommunicatorSpec spec)
    {
        if (ct.IsCancellationRequested)
        {
            // Cancelled by the supervisor (shutdown or the action's own timeout): not a backend failure.
            throw new OperationCanceledException($"{endpoint} cancelled", ex, ct);
        }

        return ex switch
        {
            MalformedAnswerException => Fail(FailureKind.Malformed, endpoint, "malformed answer (not the expected JSON)", spec: spec),
            OperationCanceledException when timeout.IsCancellationRequested =>
                Fail(FailureKind.Timeout, endpoint, $"no answer within {spec.RequestTimeout.TotalMilliseconds:0} ms", spec: spec),
            HttpRequestException { InnerException: SocketException se } =>
                Fail(FailureKind.Unreachable, endpoint, $"backend unreachable ({se.SocketErrorCode})", spec: spec),
            HttpRequestException http =>
                Fail(FailureKind.Unreachable, endpoint, $"backend unreachable ({http.HttpRequestError})", spec: spec),
            _ => Fail(FailureKind.Unexpected, endpoint, $"unexpected {ex.GetType().Name}", spec: spec),
        };
    }

    /// <summary>Records a failed attempt (kind, streak, backoff) and returns the exception the action throws.</summary>
    private CommunicatorException Fail(FailureKind kind, string endpoint, string what, TimeSpan? retryAfter = null, CommunicatorSpec? spec = null, string? rejectedKey = null)
    {
        DateTimeOffset now = _time.GetUtcNow();
        string reason;
        lock (_gate)
        {
            _streak++;
            _failures++;
            _failure = kind;
            _lastFailureEver = kind;
            if (kind == FailureKind.TokenRejected)
            {
                _token = null;
            }

            if (rejectedKey is not null)
            {
                _rejectedKey = rejectedKey;
                _token = null;
            }

            TimeSpan delay = spec is null
                ? Backoff.Delay(kind, _streak, retryAfter, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10))
                : Backoff.Delay(kind, _streak, retryAfter, spec.BackoffBase, spec.BackoffCap);
            _retryAt = delay == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : now + delay;
            reason = kind == FailureKind.InvalidApiKey
                ? InvalidKeyReason
                : string.Create(CultureInfo.InvariantCulture, $"{what} on {endpoint}; failure {_streak} in a row, next attempt in {delay.TotalSeconds:0.0} s{(retryAfter is { } ra ? $" (Retry-After {ra.TotalSeconds:0} s)" : string.Empty)}");
            _failureReason = reason;
        }

        LogRequestFailed(_logger, endpoint, kind, reason);
        return new CommunicatorException(kind, $"{endpoint} failed: {reason}");
    }

    private int PendingLocked() => _outbound.Reader.Count + _unacked.Count;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Communicator authenticated; token valid until {ExpiresAt:O}")]
    private static partial void LogAuthenticated(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Communicator request {Endpoint} failed ({Kind}): {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string endpoint, FailureKind kind, string reason);

    /// <summary>The answer could not be read as the protocol's JSON.</summary>
    private sealed class MalformedAnswerException(string endpoint) : Exception($"{endpoint}: malformed answer");
}
