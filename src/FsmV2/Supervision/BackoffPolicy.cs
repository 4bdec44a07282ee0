namespace FsmV2;

/// <summary>
/// Computes how long to wait before retry attempt <c>n</c>: an envelope from the <see cref="BackoffKind"/>, then
/// jitter. Immutable and thread-safe; each computation is O(1) and allocates nothing. Randomness is passed in (a
/// sample in [0, 1) or a <see cref="Random"/>), so tests seed it and assert exact delays.
/// </summary>
public sealed class BackoffPolicy
{
    private const double DecorrelatedGrowth = 3.0;
    private const int TableSize = 64;

    private readonly BackoffKind _kind;
    private readonly JitterMode _jitter;
    private readonly double _initialTicks;
    private readonly double _stepTicks;
    private readonly double _multiplier;
    private readonly double _maxTicks;

    // The envelope of attempts 1..TableSize, computed once, so the common case is a table read, not Math.Pow.
    private readonly double[] _envelope = new double[TableSize];

    /// <summary>Creates a policy; the options are validated and copied.</summary>
    /// <param name="options">The shape; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public BackoffPolicy(BackoffOptions? options = null)
    {
        Options = (options ?? new BackoffOptions()).Clone();
        Options.Validate();
        _kind = Options.Kind;
        _jitter = Options.Jitter;
        _initialTicks = Options.InitialDelay.Ticks;
        _stepTicks = Options.Step.Ticks;
        _multiplier = Options.Multiplier;
        _maxTicks = Options.MaxDelay.Ticks;
        for (int attempt = 1; attempt <= TableSize; attempt++)
        {
            _envelope[attempt - 1] = ComputeEnvelopeTicks(attempt);
        }
    }

    /// <summary>The validated copy of the options this policy was created with. Do not change it.</summary>
    public BackoffOptions Options { get; }

    /// <summary>
    /// The un-jittered delay of attempt <paramref name="attempt"/> (1 for the first retry): the upper bound of
    /// <see cref="JitterMode.Full"/> and the exact delay with <see cref="JitterMode.None"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1.</exception>
    public TimeSpan Envelope(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return TimeSpan.FromTicks((long)EnvelopeTicks(attempt));
    }

    /// <summary>The delay before attempt <paramref name="attempt"/>, jittered with <paramref name="sample"/>.</summary>
    /// <param name="attempt">1 for the first retry of an outage, 2 for the second, and so on.</param>
    /// <param name="state">The caller's memory of this outage; updated. Reset it when the outage ends.</param>
    /// <param name="sample">A uniform random number in [0, 1); ignored with <see cref="JitterMode.None"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1, or <paramref name="sample"/> is outside [0, 1].</exception>
    public TimeSpan NextDelay(int attempt, ref BackoffState state, double sample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        if (!(sample >= 0.0 && sample <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(sample), sample, "The jitter sample must be in [0, 1].");
        }

        double ticks;
        switch (_jitter)
        {
            case JitterMode.Full:
                ticks = EnvelopeTicks(attempt) * sample;
                break;
            case JitterMode.Decorrelated:
                double previous = state.PreviousDelay.Ticks > 0 ? state.PreviousDelay.Ticks : _initialTicks;
                double upper = Math.Min(_maxTicks, previous * DecorrelatedGrowth);
                ticks = Math.Min(_maxTicks, _initialTicks + ((upper - _initialTicks) * sample));
                break;
            default:
                ticks = EnvelopeTicks(attempt);
                break;
        }

        TimeSpan delay = TimeSpan.FromTicks((long)Math.Round(ticks));
        state.PreviousDelay = delay;
        return delay;
    }

    /// <summary>The delay before attempt <paramref name="attempt"/>, jittered with a draw from <paramref name="random"/>.</summary>
    /// <param name="attempt">1 for the first retry of an outage, 2 for the second, and so on.</param>
    /// <param name="state">The caller's memory of this outage; updated.</param>
    /// <param name="random">The random source; seed it for reproducible delays. Not drawn from with <see cref="JitterMode.None"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1.</exception>
    public TimeSpan NextDelay(int attempt, ref BackoffState state, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return NextDelay(attempt, ref state, _jitter == JitterMode.None ? 0.0 : random.NextDouble());
    }

    private double EnvelopeTicks(int attempt) =>
        attempt <= TableSize ? _envelope[attempt - 1] : ComputeEnvelopeTicks(attempt);

    private double ComputeEnvelopeTicks(int attempt)
    {
        double ticks = _kind switch
        {
            BackoffKind.Linear => _initialTicks + (_stepTicks * (attempt - 1)),
            BackoffKind.Exponential => _initialTicks * Math.Pow(_multiplier, attempt - 1),
            _ => 0.0,
        };

        // Math.Pow overflows to +Infinity for large attempts; Min keeps the cap.
        return Math.Min(ticks, _maxTicks);
    }
}
