using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Engine;

/// <summary>A command on its way to the execution thread, with when its trigger was received (tick-to-quote).</summary>
internal readonly record struct OutboundCommand(OrderCommand Command, long TriggerNanoseconds);

/// <summary>What the persistence thread does with one item of its ring.</summary>
internal enum JournalItemKind : byte
{
    Market,
    Activity,
    Snapshot,
    Flush,
}

/// <summary>One item for the persistence and monitoring thread.</summary>
internal readonly record struct JournalItem(JournalItemKind Kind, MarketEvent Market, OrderActivity Activity, PersistenceRequest? Request)
{
    public static JournalItem ForMarket(in MarketEvent marketEvent) => new(JournalItemKind.Market, marketEvent, default, null);

    public static JournalItem ForActivity(in OrderActivity activity) => new(JournalItemKind.Activity, default, activity, null);
}

/// <summary>A snapshot or flush asked for by the strategy thread; the state was captured there, at this point of the stream.</summary>
internal sealed class PersistenceRequest(byte[]? strategyState, byte[]? orderState, byte[]? venueState)
{
    public byte[]? StrategyState { get; } = strategyState;

    public byte[]? OrderState { get; } = orderState;

    public byte[]? VenueState { get; } = venueState;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
