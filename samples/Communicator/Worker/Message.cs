namespace Communicator;

/// <summary>
/// One message of the push/pull protocol. <see cref="Seq"/> orders a direction's stream: the communicator stamps
/// outbound messages (an application writes them with <c>Seq = 0</c>), the backend stamps inbound ones, and both
/// sides use it to drop duplicates, so a message resent after an outage is delivered once.
/// </summary>
/// <param name="Seq">Position in its direction's stream, from 1.</param>
/// <param name="Payload">The application's content.</param>
public sealed record Message(long Seq, string Payload)
{
    /// <summary>An outbound message for the application to write; the communicator assigns its sequence number.</summary>
    public static Message Outbound(string payload) => new(0, payload);
}
