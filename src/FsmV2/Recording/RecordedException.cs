namespace FsmV2;

/// <summary>
/// An error as a recording keeps it (<c>Type: message</c>): what a replayed snapshot carries in place of the
/// original exception (a collection's error, a failed action's).
/// </summary>
public sealed class RecordedException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public RecordedException()
    {
    }

    /// <summary>Creates an exception with the recorded <paramref name="message"/> (<c>Type: message</c>).</summary>
    public RecordedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public RecordedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
