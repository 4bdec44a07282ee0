namespace FsmV2;

/// <summary>Shared range checks for the supervision option classes; every failure names the option.</summary>
internal static class OptionChecks
{
    /// <summary>
    /// The longest interval a timer, <see cref="PeriodicTimer"/>, <c>CancelAfter</c> or <c>Task.Delay</c> accepts:
    /// 4294967294 ms (49.17:02:47.294). Every timeout, interval and delay the runtime waits on is at most this.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(4294967294);

    /// <summary>The longest ring of remembered event times (faults, restarts) one worker allocates up front.</summary>
    public const int MaxRemembered = 10_000;

    /// <summary>A positive duration the runtime waits on (a timer, a deadline, a delay): at most <see cref="MaxWait"/>.</summary>
    public static void PositiveWait(TimeSpan value, string owner, string name)
    {
        Positive(value, owner, name);
        AtMostMaxWait(value, owner, name);
    }

    /// <summary>At most <see cref="MaxWait"/>.</summary>
    public static void AtMostMaxWait(TimeSpan value, string owner, string name)
    {
        if (value > MaxWait)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} ({value}) must be at most {MaxWait:d\\.hh\\:mm\\:ss\\.fff}, the longest interval a timer accepts.");
        }
    }

    public static void Positive(TimeSpan value, string owner, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} must be a positive, finite duration (was {value}).");
        }
    }

    public static void NotNegative(TimeSpan value, string owner, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} must not be negative (was {value}).");
        }
    }

    /// <summary>A count of event times a worker remembers (a ring allocated up front): from <paramref name="minimum"/> to <see cref="MaxRemembered"/>.</summary>
    public static void Remembered(int value, int minimum, string owner, string name)
    {
        AtLeast(value, minimum, owner, name);
        if (value > MaxRemembered)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} must be at most {MaxRemembered} (was {value}): each worker keeps that many event times, allocated up front.");
        }
    }

    public static void AtLeast(int value, int minimum, string owner, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} must be at least {minimum} (was {value}).");
        }
    }

    /// <summary>Throws naming the option when <paramref name="value"/> is <see langword="null"/>.</summary>
    public static void NotNull([System.Diagnostics.CodeAnalysis.NotNull] object? value, string owner, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name, $"{owner}.{name} must not be null.");
        }
    }

    public static void Defined<TEnum>(TEnum value, string owner, string name)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} is not a defined {typeof(TEnum).Name} (was {value}).");
        }
    }
}
