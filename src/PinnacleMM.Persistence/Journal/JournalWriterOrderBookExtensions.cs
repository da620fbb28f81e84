using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// Journals order-book events in place (zero-copy, allocation-free) with the layouts of
/// <see cref="OrderBookRecordCodec"/>. Each returns the record's sequence number and throws what
/// <see cref="JournalWriter.BeginAppend"/> throws.
/// </summary>
public static class JournalWriterOrderBookExtensions
{
    /// <summary>Journals a submitted order as <see cref="JournalRecordType.OrderAdded"/>, or <see cref="JournalRecordType.MarketOrder"/> for a market order.</summary>
    /// <exception cref="ArgumentException">
    /// When the order's side, type, time in force or self-trade prevention is not a defined value (the message
    /// names it): recovery could not read such a record back. Nothing is journaled.
    /// </exception>
    public static long AppendOrder(this JournalWriter writer, in OrderRequest order, long timestampNs)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // Checked before reserving: a throw after BeginAppend would leave the reservation pending.
        OrderBookRecordCodec.ThrowIfNotEncodable(order);
        OrderBookRecordCodec.WriteOrder(writer.BeginAppend(OrderBookRecordCodec.RecordTypeOf(order), timestampNs, OrderBookRecordCodec.OrderSize), order);
        return writer.CommitAppend();
    }

    /// <summary>Journals a cancellation as <see cref="JournalRecordType.OrderCancelled"/>.</summary>
    public static long AppendCancel(this JournalWriter writer, long orderId, long timestampNs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        OrderBookRecordCodec.WriteCancel(writer.BeginAppend(JournalRecordType.OrderCancelled, timestampNs, OrderBookRecordCodec.CancelSize), orderId, timestampNs);
        return writer.CommitAppend();
    }

    /// <summary>Journals a modification as <see cref="JournalRecordType.OrderModified"/>.</summary>
    public static long AppendModify(this JournalWriter writer, long orderId, Price newPrice, Quantity newQuantity, long timestampNs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        OrderBookRecordCodec.WriteModify(writer.BeginAppend(JournalRecordType.OrderModified, timestampNs, OrderBookRecordCodec.ModifySize), orderId, newPrice, newQuantity, timestampNs);
        return writer.CommitAppend();
    }

    /// <summary>Journals a trade as <see cref="JournalRecordType.Trade"/>.</summary>
    public static long AppendTrade(this JournalWriter writer, in Trade trade, long timestampNs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        OrderBookRecordCodec.WriteTrade(writer.BeginAppend(JournalRecordType.Trade, timestampNs, OrderBookRecordCodec.TradeSize), trade);
        return writer.CommitAppend();
    }

    /// <summary>Journals a checkpoint as <see cref="JournalRecordType.Checkpoint"/>: a snapshot holds every record up to <paramref name="snapshotSequence"/>.</summary>
    public static long AppendCheckpoint(this JournalWriter writer, long snapshotSequence, long stateHash, long timestampNs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        OrderBookRecordCodec.WriteCheckpoint(writer.BeginAppend(JournalRecordType.Checkpoint, timestampNs, OrderBookRecordCodec.CheckpointSize), snapshotSequence, stateHash);
        return writer.CommitAppend();
    }
}
