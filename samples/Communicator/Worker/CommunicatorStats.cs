namespace Communicator;

/// <summary>Counters of one communicator, for a live view and a summary.</summary>
/// <param name="Sent">Outbound messages the backend acknowledged.</param>
/// <param name="Received">Inbound messages delivered to the application, each once.</param>
/// <param name="Resent">Outbound messages sent again because an earlier attempt was not acknowledged.</param>
/// <param name="InboundDuplicatesDropped">Inbound messages dropped because their sequence number was already delivered.</param>
/// <param name="Authentications">Successful authentications.</param>
/// <param name="Failures">Failed requests (actions), all kinds.</param>
/// <param name="Retries">Attempts made after a failure, before the next success.</param>
/// <param name="Pending">Outbound messages not yet acknowledged.</param>
/// <param name="LastFailure">The kind of the last failure, even if it has since recovered.</param>
public sealed record CommunicatorStats(
    long Sent,
    long Received,
    long Resent,
    long InboundDuplicatesDropped,
    int Authentications,
    int Failures,
    int Retries,
    int Pending,
    FailureKind LastFailure);
