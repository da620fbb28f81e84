using System.Globalization;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Paper;

/// <summary>
/// Everything a <see cref="PaperExchange"/> depends on. <see cref="Validate"/> lists every broken rule, naming
/// the field; the paper exchange refuses to start with any.
/// </summary>
public sealed class PaperExchangeOptions
{
    /// <summary>The application's instruments: the paper exchange trades every registered instrument whose book the live feed delivers. Required.</summary>
    public InstrumentRegistry? Instruments { get; set; }

    /// <summary>The maker fee as a fraction of notional (0.004 = 40 bps), charged on fills of resting orders; 0 to 0.1. Default 0.</summary>
    public decimal MakerFeeRate { get; set; }

    /// <summary>The taker fee as a fraction of notional, charged on fills of orders that take displayed liquidity; 0 to 0.1. Default 0.</summary>
    public decimal TakerFeeRate { get; set; }

    /// <summary>
    /// One way between us and the paper matching engine, in the feed's time (<see cref="MarketEvent.ReceivedNanoseconds"/>):
    /// a command is matched this long after it was sent and its answers are delivered this long after that. Zero (the
    /// default) matches a command at once against the book as it is. At most one hour.
    /// </summary>
    public TimeSpan OrderEntryLatency { get; set; }

    /// <summary>
    /// Whether <see cref="OrderCommandKind.Amend"/> is applied (a smaller size at the same price keeps the queue
    /// position); when false it is rejected with <see cref="RejectReason.AmendNotSupported"/>. Default false, as on
    /// Coinbase, so that a paper session rehearses what the live venue will do.
    /// </summary>
    public bool SupportsAmend { get; set; }

    /// <summary>
    /// Whether the market data passed on to the application shows our resting paper orders in the book (their
    /// size added to their price level) and the liquidity we took removed, as a real venue's feed would. The
    /// <c>TradingEngine</c> expects this: it subtracts our own orders from the venue's levels. Default true.
    /// </summary>
    public bool MergeOwnOrdersIntoMarketData { get; set; } = true;

    /// <summary>
    /// Whether the answers to a command sent outside a delivery (e.g. by the engine's execution thread) are
    /// delivered at once on a thread-pool thread. When false they wait for the next market event,
    /// <see cref="PaperExchange.DeliverPending"/> or <see cref="PaperExchange.AdvanceTo"/>, which makes a run
    /// driven by one thread fully deterministic. Default true.
    /// </summary>
    public bool ScheduleDelivery { get; set; } = true;

    /// <summary>
    /// The starting balance per currency code (e.g. <c>USD</c> → 10000). Fills move the balances of an instrument's
    /// base and quote currency, taken from its symbol (<c>BTC-USD</c> or <c>BTC/USD</c>); a symbol without a
    /// separator uses the symbol as base and <c>QUOTE</c> as quote. Balances are reported, not enforced. Each
    /// amount zero or positive. Default none.
    /// </summary>
    public IDictionary<string, decimal> InitialBalances { get; set; } = new Dictionary<string, decimal>(StringComparer.Ordinal);

    /// <summary>
    /// Stamps <see cref="ExecutionEvent.ReceivedNanoseconds"/> at delivery (e.g. the engine's clock). When null (the
    /// default) they are the feed time at which the answer arrives, which keeps a replayed run deterministic.
    /// </summary>
    public MonotonicClock? ReceiveClock { get; set; }

    /// <summary>How many of our most recent fills are kept for <see cref="PaperExchange.GetFillsAsync"/>; 16 to 1,048,576. Default 16,384.</summary>
    public int FillHistoryCapacity { get; set; } = 16_384;

    /// <summary>Checks every rule; each error names the field, its value and the rule.</summary>
    /// <returns>The errors; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Instruments is null)
        {
            errors.Add("Instruments: is required (the application's InstrumentRegistry).");
        }

        FeeRate(errors, nameof(MakerFeeRate), MakerFeeRate);
        FeeRate(errors, nameof(TakerFeeRate), TakerFeeRate);
        if (OrderEntryLatency < TimeSpan.Zero || OrderEntryLatency > TimeSpan.FromHours(1))
        {
            errors.Add($"OrderEntryLatency: {OrderEntryLatency} must be from 0 to 1 hour.");
        }

        if (FillHistoryCapacity is < 16 or > 1_048_576)
        {
            errors.Add($"FillHistoryCapacity: {FillHistoryCapacity} must be from 16 to 1048576.");
        }

        if (InitialBalances is null)
        {
            errors.Add("InitialBalances: is required (may be empty).");
        }
        else
        {
            foreach (var (currency, amount) in InitialBalances)
            {
                if (string.IsNullOrWhiteSpace(currency) || currency.Length > 16)
                {
                    errors.Add($"InitialBalances: currency '{currency}' must be 1 to 16 characters.");
                }

                if (amount < 0)
                {
                    errors.Add($"InitialBalances[{currency}]: {amount.ToString(CultureInfo.InvariantCulture)} must not be negative.");
                }
            }
        }

        return errors;
    }

    private static void FeeRate(List<string> errors, string name, decimal value)
    {
        if (value < 0 || value > 0.1m)
        {
            errors.Add($"{name}: {value.ToString(CultureInfo.InvariantCulture)} must be from 0 to 0.1 (a fraction of notional).");
        }
    }
}
