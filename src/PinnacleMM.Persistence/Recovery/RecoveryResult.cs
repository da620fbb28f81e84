using PinnacleMM.Core.Books;

namespace PinnacleMM.Persistence.Recovery;

/// <summary>The recovered order book and the report of how it was recovered.</summary>
/// <param name="Book">The book with every record up to <see cref="RecoveryReport.LastSequence"/> applied; no listener attached.</param>
/// <param name="Report">What recovery did.</param>
public sealed record RecoveryResult(OrderBook Book, RecoveryReport Report);
