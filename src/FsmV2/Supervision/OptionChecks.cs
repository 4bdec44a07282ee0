namespace FsmV2;

/// <summary>Shared range checks for the supervision option classes; every failure names the option.</summary>
internal static class OptionChecks
{
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

    public static void AtLeast(int value, int minimum, string owner, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} must be at least {minimum} (was {value}).");
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
