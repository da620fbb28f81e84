using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// The outcome of one <see cref="CoinbaseRestClient"/> call: the value, or why it failed as a normalized
/// <see cref="RejectReason"/> with the HTTP status and a message naming the field and the rule (a refused input) or
/// quoting the venue (a venue error). Expected refusals are results, not exceptions.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Value">The value when <see cref="IsSuccess"/>; default otherwise.</param>
/// <param name="Reason"><see cref="RejectReason.None"/> on success; otherwise why.</param>
/// <param name="StatusCode">The HTTP status of the last response; 0 when nothing was sent (input refused, no connection).</param>
/// <param name="Message">Why it failed; null on success.</param>
public readonly record struct CoinbaseRestResult<T>(T? Value, RejectReason Reason, int StatusCode, string? Message)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool IsSuccess => Reason == RejectReason.None;

    /// <summary>A success.</summary>
    public static CoinbaseRestResult<T> Success(T value, int statusCode = 200) => new(value, RejectReason.None, statusCode, null);

    /// <summary>A failure.</summary>
    public static CoinbaseRestResult<T> Failure(RejectReason reason, int statusCode, string message) => new(default, reason, statusCode, message);

    /// <summary>The same failure for another value type.</summary>
    public CoinbaseRestResult<TOther> As<TOther>() => new(default, Reason, StatusCode, Message);

    /// <summary><c>ok</c>, or the reason, status and message.</summary>
    public override string ToString() => IsSuccess ? $"ok ({StatusCode})" : $"{Reason} ({StatusCode}): {Message}";
}
