using System.Buffers.Binary;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// Fixed little-endian payload layouts for the order-book record types. Writers fill a span (e.g. the
/// one <see cref="JournalWriter.BeginAppend"/> hands out); readers accept only a payload of exactly the
/// documented size with defined enum values and zero reserved bytes, and return false otherwise. Since
/// recovery reads these types with these readers, <see cref="JournalWriter"/> refuses a record of one of
/// them whose payload is not exactly its size.
/// <code>
/// OrderAdded / MarketOrder (48 bytes, OrderRequest)
///  0 orderId i64 | 8 ownerId i64 | 16 price ticks i64 | 24 quantity lots i64 | 32 timestamp i64
///  40 side u8 | 41 orderType u8 | 42 timeInForce u8 | 43 postOnly u8 (0/1) | 44 selfTradePrevention u8 | 45..47 zero
/// OrderCancelled (16 bytes)
///  0 orderId i64 | 8 timestamp i64
/// OrderModified (32 bytes)
///  0 orderId i64 | 8 new price ticks i64 | 16 new quantity lots i64 | 24 timestamp i64
/// Trade (72 bytes)
///  0 tradeId i64 | 8 price ticks i64 | 16 quantity lots i64 | 24 makerOrderId i64 | 32 makerOwnerId i64
///  40 takerOrderId i64 | 48 takerOwnerId i64 | 56 timestamp i64 | 64 takerSide u8 | 65 makerFilled u8 (0/1) | 66..71 zero
/// Checkpoint (16 bytes)
///  0 snapshot sequence i64 (the snapshot holds every record up to it) | 8 order-book state hash i64
/// </code>
/// </summary>
public static class OrderBookRecordCodec
{
    /// <summary>Payload size of <see cref="JournalRecordType.OrderAdded"/> and <see cref="JournalRecordType.MarketOrder"/>.</summary>
    public const int OrderSize = 48;

    /// <summary>Payload size of <see cref="JournalRecordType.OrderCancelled"/>.</summary>
    public const int CancelSize = 16;

    /// <summary>Payload size of <see cref="JournalRecordType.OrderModified"/>.</summary>
    public const int ModifySize = 32;

    /// <summary>Payload size of <see cref="JournalRecordType.Trade"/>.</summary>
    public const int TradeSize = 72;

    /// <summary>Payload size of <see cref="JournalRecordType.Checkpoint"/>.</summary>
    public const int CheckpointSize = 16;

    private const int PairSize = 16;

    /// <summary>
    /// The payload size of each library record type, indexed by its value (1 to <see cref="JournalRecordType.Checkpoint"/>;
    /// index 0, <see cref="JournalRecordType.None"/>, is unused). Static data: reading it allocates nothing.
    /// </summary>
    private static ReadOnlySpan<byte> PayloadSizes => [0, OrderSize, CancelSize, ModifySize, TradeSize, OrderSize, CheckpointSize];

    /// <summary>
    /// The payload size of a library record type (1 to <see cref="JournalRecordType.Checkpoint"/>): the size its writer
    /// produces and the only size its reader accepts. The caller checks the range.
    /// </summary>
    internal static int PayloadSizeOf(JournalRecordType type) => PayloadSizes[(int)type];

    /// <summary>The name of the constant holding <see cref="PayloadSizeOf"/> for a library record type, for error messages.</summary>
    internal static string PayloadSizeName(JournalRecordType type) => type switch
    {
        JournalRecordType.OrderCancelled => nameof(CancelSize),
        JournalRecordType.OrderModified => nameof(ModifySize),
        JournalRecordType.Trade => nameof(TradeSize),
        JournalRecordType.Checkpoint => nameof(CheckpointSize),
        _ => nameof(OrderSize),
    };

    /// <summary>The record type an order is journaled as: <see cref="JournalRecordType.MarketOrder"/> for market orders, else <see cref="JournalRecordType.OrderAdded"/>.</summary>
    public static JournalRecordType RecordTypeOf(in OrderRequest order) =>
        order.Type == OrderType.Market ? JournalRecordType.MarketOrder : JournalRecordType.OrderAdded;

    /// <summary>Writes an order (limit or market) and returns <see cref="OrderSize"/>.</summary>
    /// <exception cref="ArgumentException">
    /// When <paramref name="destination"/> is shorter than <see cref="OrderSize"/>, or when the order's side, type,
    /// time in force or self-trade prevention is not a defined value (<see cref="TryReadOrder"/> would refuse the
    /// bytes); nothing is written then.
    /// </exception>
    public static int WriteOrder(Span<byte> destination, in OrderRequest order)
    {
        ThrowIfNotEncodable(order);
        EnsureRoom(destination, OrderSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination, order.OrderId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], order.OwnerId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], order.Price.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], order.Quantity.Lots);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], order.Timestamp);
        destination[40] = (byte)order.Side;
        destination[41] = (byte)order.Type;
        destination[42] = (byte)order.TimeInForce;
        destination[43] = order.PostOnly ? (byte)1 : (byte)0;
        destination[44] = (byte)order.SelfTradePrevention;
        destination[45..OrderSize].Clear();
        return OrderSize;
    }

    /// <summary>Reads an order; false when the size is not <see cref="OrderSize"/>, an enum value is undefined or a reserved byte is set.</summary>
    public static bool TryReadOrder(ReadOnlySpan<byte> source, out OrderRequest order)
    {
        order = default;
        if (source.Length != OrderSize
            || source[40] > (byte)Side.Sell
            || source[41] > (byte)OrderType.Market
            || source[42] > (byte)TimeInForce.FillOrKill
            || source[43] > 1
            || source[44] > (byte)SelfTradePrevention.CancelBoth
            || source[45..].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        order = new OrderRequest
        {
            OrderId = BinaryPrimitives.ReadInt64LittleEndian(source),
            OwnerId = BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            Price = new Price(BinaryPrimitives.ReadInt64LittleEndian(source[16..])),
            Quantity = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(source[24..])),
            Timestamp = BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            Side = (Side)source[40],
            Type = (OrderType)source[41],
            TimeInForce = (TimeInForce)source[42],
            PostOnly = source[43] == 1,
            SelfTradePrevention = (SelfTradePrevention)source[44],
        };
        return true;
    }

    /// <summary>
    /// Why <paramref name="order"/> cannot be journaled (its side, type, time in force or self-trade prevention is
    /// not a defined value), or null when it can. Every other field is stored as it is.
    /// </summary>
    internal static string? UndefinedField(in OrderRequest order)
    {
        if ((uint)order.Side > (uint)Side.Sell)
        {
            return $"Side {(uint)order.Side} is not a defined value (Buy 0, Sell 1)";
        }

        if ((uint)order.Type > (uint)OrderType.Market)
        {
            return $"Type {(uint)order.Type} is not a defined value (Limit 0, Market 1)";
        }

        if ((uint)order.TimeInForce > (uint)TimeInForce.FillOrKill)
        {
            return $"TimeInForce {(uint)order.TimeInForce} is not a defined value (GoodTillCancel 0, ImmediateOrCancel 1, FillOrKill 2)";
        }

        return (uint)order.SelfTradePrevention > (uint)SelfTradePrevention.CancelBoth
            ? $"SelfTradePrevention {(uint)order.SelfTradePrevention} is not a defined value (None 0, CancelResting 1, CancelIncoming 2, CancelBoth 3)"
            : null;
    }

    /// <summary>Throws when <paramref name="order"/> cannot be journaled (see <see cref="UndefinedField"/>).</summary>
    internal static void ThrowIfNotEncodable(in OrderRequest order)
    {
        if (UndefinedField(order) is { } reason)
        {
            ThrowNotEncodable(reason);
        }
    }

    private static void ThrowNotEncodable(string reason) =>
        throw new ArgumentException($"order.{reason}: the journal stores only defined values.", "order");

    /// <summary>Writes a cancellation and returns <see cref="CancelSize"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="destination"/> is too short.</exception>
    public static int WriteCancel(Span<byte> destination, long orderId, long timestamp) => WritePair(destination, orderId, timestamp);

    /// <summary>Reads a cancellation; false when the size is not <see cref="CancelSize"/>.</summary>
    public static bool TryReadCancel(ReadOnlySpan<byte> source, out long orderId, out long timestamp) => TryReadPair(source, out orderId, out timestamp);

    /// <summary>Writes a modification (new price and quantity) and returns <see cref="ModifySize"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="destination"/> is too short.</exception>
    public static int WriteModify(Span<byte> destination, long orderId, Price newPrice, Quantity newQuantity, long timestamp)
    {
        EnsureRoom(destination, ModifySize);
        BinaryPrimitives.WriteInt64LittleEndian(destination, orderId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], newPrice.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], newQuantity.Lots);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], timestamp);
        return ModifySize;
    }

    /// <summary>Reads a modification; false when the size is not <see cref="ModifySize"/>.</summary>
    public static bool TryReadModify(ReadOnlySpan<byte> source, out long orderId, out Price newPrice, out Quantity newQuantity, out long timestamp)
    {
        orderId = 0;
        newPrice = default;
        newQuantity = default;
        timestamp = 0;
        if (source.Length != ModifySize)
        {
            return false;
        }

        orderId = BinaryPrimitives.ReadInt64LittleEndian(source);
        newPrice = new Price(BinaryPrimitives.ReadInt64LittleEndian(source[8..]));
        newQuantity = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(source[16..]));
        timestamp = BinaryPrimitives.ReadInt64LittleEndian(source[24..]);
        return true;
    }

    /// <summary>Writes a trade and returns <see cref="TradeSize"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="destination"/> is too short.</exception>
    public static int WriteTrade(Span<byte> destination, in Trade trade)
    {
        EnsureRoom(destination, TradeSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination, trade.TradeId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], trade.Price.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], trade.Quantity.Lots);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], trade.MakerOrderId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], trade.MakerOwnerId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], trade.TakerOrderId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[48..], trade.TakerOwnerId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[56..], trade.Timestamp);
        destination[64] = (byte)trade.TakerSide;
        destination[65] = trade.MakerFilled ? (byte)1 : (byte)0;
        destination[66..TradeSize].Clear();
        return TradeSize;
    }

    /// <summary>Reads a trade; false when the size is not <see cref="TradeSize"/>, the side or flag is undefined or a reserved byte is set.</summary>
    public static bool TryReadTrade(ReadOnlySpan<byte> source, out Trade trade)
    {
        trade = default;
        if (source.Length != TradeSize || source[64] > (byte)Side.Sell || source[65] > 1 || source[66..].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        trade = new Trade
        {
            TradeId = BinaryPrimitives.ReadInt64LittleEndian(source),
            Price = new Price(BinaryPrimitives.ReadInt64LittleEndian(source[8..])),
            Quantity = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(source[16..])),
            MakerOrderId = BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            MakerOwnerId = BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            TakerOrderId = BinaryPrimitives.ReadInt64LittleEndian(source[40..]),
            TakerOwnerId = BinaryPrimitives.ReadInt64LittleEndian(source[48..]),
            Timestamp = BinaryPrimitives.ReadInt64LittleEndian(source[56..]),
            TakerSide = (Side)source[64],
            MakerFilled = source[65] == 1,
        };
        return true;
    }

    /// <summary>Writes a checkpoint (a snapshot holds every record up to <paramref name="snapshotSequence"/>) and returns <see cref="CheckpointSize"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="destination"/> is too short.</exception>
    public static int WriteCheckpoint(Span<byte> destination, long snapshotSequence, long stateHash) => WritePair(destination, snapshotSequence, stateHash);

    /// <summary>Reads a checkpoint; false when the size is not <see cref="CheckpointSize"/>.</summary>
    public static bool TryReadCheckpoint(ReadOnlySpan<byte> source, out long snapshotSequence, out long stateHash) => TryReadPair(source, out snapshotSequence, out stateHash);

    // Cancel and checkpoint payloads share one layout: two little-endian longs (16 bytes).
    private static int WritePair(Span<byte> destination, long first, long second)
    {
        EnsureRoom(destination, PairSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination, first);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], second);
        return PairSize;
    }

    private static bool TryReadPair(ReadOnlySpan<byte> source, out long first, out long second)
    {
        first = 0;
        second = 0;
        if (source.Length != PairSize)
        {
            return false;
        }

        first = BinaryPrimitives.ReadInt64LittleEndian(source);
        second = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        return true;
    }

    private static void EnsureRoom(Span<byte> destination, int size)
    {
        if (destination.Length < size)
        {
            throw new ArgumentException($"destination: needs {size} bytes, has {destination.Length}", nameof(destination));
        }
    }
}
