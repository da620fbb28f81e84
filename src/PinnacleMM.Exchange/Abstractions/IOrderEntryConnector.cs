namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// A venue's order entry, normalized: commands go out as <see cref="OrderCommand"/> structs, and
/// acknowledgements, fills, cancels and rejections come back to the sink as <see cref="ExecutionEvent"/>
/// structs. At start and after a reconnect, <see cref="GetOpenOrdersAsync"/>, <see cref="GetBalancesAsync"/> and,
/// where the venue keeps a fill history (<see cref="SupportsFillHistory"/>), <see cref="GetFillsAsync"/> let the
/// order manager reconcile its state with the venue's. Implemented by the exchange simulator, the paper exchange
/// and the Coinbase connector.
/// </summary>
/// <remarks>
/// Expected refusals never throw: a bad command, an unknown order or a disconnected venue is answered
/// with a rejection event whose <see cref="ExecutionEvent.RejectReason"/> says why, and nothing is
/// changed. Exceptions mean a broken environment or a misuse (not connected for a query, disposed).
/// </remarks>
public interface IOrderEntryConnector : IAsyncDisposable
{
    /// <summary>A short name of the venue, e.g. <c>simulator</c> or <c>coinbase</c>.</summary>
    string Venue { get; }

    /// <summary>The order-entry connection state now.</summary>
    ConnectionState State { get; }

    /// <summary>Whether the venue applies <see cref="OrderCommandKind.Amend"/>; when false the connector rejects it with <see cref="RejectReason.AmendNotSupported"/> and the caller cancels and places instead.</summary>
    bool SupportsAmend { get; }

    /// <summary>Connects and starts delivering events about our orders to <paramref name="sink"/>.</summary>
    /// <param name="sink">Receives every event of this connector; called on the connector's delivery thread.</param>
    /// <param name="cancellationToken">Abandons the connection attempt.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Already connected.</exception>
    /// <exception cref="ObjectDisposedException">The connector was disposed.</exception>
    ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends one command. Completes when the command has been handed to the venue (or queued for it), not
    /// when the venue answered: the answer comes to the sink. Completes synchronously without allocation
    /// where the connector can (the simulator always does). An answer known at once (a local rejection) may be
    /// delivered to the sink before this returns; the engine applies it after the decision that sent the command.
    /// </summary>
    /// <param name="command">The command; see <see cref="OrderCommand"/>.</param>
    /// <param name="cancellationToken">Abandons a send that has to wait (e.g. for a rate limit).</param>
    /// <exception cref="ObjectDisposedException">The connector was disposed.</exception>
    ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends several commands, in order, as one hand-over where the venue allows it (the simulator writes them into
    /// its intake with one claim). The commands are copied before the call returns, so the caller may reuse the span
    /// at once. Completes when every command has been handed to the venue, as <see cref="SendAsync"/> does for one.
    /// The default sends them one by one with <see cref="SendAsync"/>, each after the one before has completed; it
    /// allocates only when a send does not complete at once.
    /// </summary>
    /// <param name="commands">The commands, in the order the venue should see them.</param>
    /// <param name="cancellationToken">Abandons sends that have to wait; the commands not sent by then are not sent.</param>
    /// <exception cref="ObjectDisposedException">The connector was disposed.</exception>
    ValueTask SendBatchAsync(ReadOnlySpan<OrderCommand> commands, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < commands.Length; i++)
        {
            var pending = SendAsync(commands[i], cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return SendRestAsync(this, pending, commands[(i + 1)..].ToArray(), cancellationToken);
            }

            pending.GetAwaiter().GetResult();
        }

        return ValueTask.CompletedTask;

        static async ValueTask SendRestAsync(IOrderEntryConnector connector, ValueTask pending, OrderCommand[] rest, CancellationToken cancellationToken)
        {
            await pending.ConfigureAwait(false);
            foreach (var command in rest)
            {
                await connector.SendAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Our orders open at the venue now, for <paramref name="instrument"/> or (<see cref="InstrumentId.None"/>) all instruments.</summary>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default);

    /// <summary>The account's balances now, one per currency.</summary>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <see cref="GetFillsAsync"/> works: the venue can list our past fills, so that fills missed while the
    /// connection was down are recovered exactly. Default <see langword="false"/>.
    /// </summary>
    bool SupportsFillHistory => false;

    /// <summary>
    /// Our fills on <paramref name="instrument"/> (or <see cref="InstrumentId.None"/>: every instrument) that happened at
    /// or after <paramref name="sinceExchangeTimestampNanoseconds"/> on the venue's clock (the
    /// <see cref="ExecutionEvent.ExchangeTimestampNanoseconds"/> of the events), oldest first, as the
    /// <see cref="ExecutionEventKind.PartiallyFilled"/> and <see cref="ExecutionEventKind.Filled"/> events the stream
    /// sent or would have sent (same trade ids, cumulative and open sizes, fees), so that a consumer applies each fill
    /// once whether it comes from here, from the stream, or both. A venue keeps a bounded history: fills older than
    /// it keeps are not listed.
    /// </summary>
    /// <param name="instrument">The instrument, or <see cref="InstrumentId.None"/> for all.</param>
    /// <param name="sinceExchangeTimestampNanoseconds">The earliest venue time to list (inclusive); 0 for the whole history kept.</param>
    /// <param name="cancellationToken">Abandons the query.</param>
    /// <exception cref="NotSupportedException">The venue keeps no fill history (<see cref="SupportsFillHistory"/> is false; the default).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sinceExchangeTimestampNanoseconds"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    ValueTask<IReadOnlyList<ExecutionEvent>> GetFillsAsync(InstrumentId instrument, long sinceExchangeTimestampNanoseconds, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"GetFillsAsync: the {Venue} connector keeps no fill history (SupportsFillHistory is false); reconcile with GetOpenOrdersAsync only.");
}
