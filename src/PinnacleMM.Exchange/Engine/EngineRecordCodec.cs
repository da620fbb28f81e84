using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// Encodes and decodes the engine's journal records (<see cref="EngineRecordTypes"/>). Fixed sizes,
/// little-endian, allocation-free.
/// </summary>
/// <remarks>
/// <code>
/// MarketEvent (64 bytes): the <see cref="Abstractions.MarketEvent"/> struct's documented 64-byte layout.
///
/// Order activity = 16-byte header, then a body by record type:
///   header:  activity kind u8 | refusal u8 | risk reason u8 | outcome u8 | closed-as u8 | manual u8 | 0 u16 | timestamp ns i64
///   CommandSent / CommandRefused (48): kind u8 | side u8 | type u8 | time in force u8 | post-only u8 | 0 u8×3 |
///                                      instrument i32 | 0 i32 | client order id i64 | price ticks i64 | quantity lots i64 | created ns i64
///   ExecutionReceived (136): kind u8 | side u8 | liquidity u8 | reject reason u8 | cancel reason u8 | connection state u8 | 0 u16 |
///                            instrument i32 | 0 i32 | client order id i64 | venue order id 16 bytes (big-endian GUID bytes) |
///                            price i64 | quantity i64 | leaves i64 | filled i64 | fee (decimal as 4 × i32: lo, mid, hi, flags) |
///                            trade id i64 | sequence i64 | exchange ns i64 | received ns i64 | 0 i64
///   ClosedLocally (8): client order id i64
///   VenueReconciled (20): closed locally i32 | orphans cancelled i32 | foreign orders i32 | fills recovered i32 | after reconnect u8 | 0 u8×3
/// </code>
/// </remarks>
public static class EngineRecordCodec
{
    /// <summary>The payload size of a market event record.</summary>
    public const int MarketEventSize = 64;

    /// <summary>The largest payload of an order activity record.</summary>
    public const int MaxActivitySize = HeaderSize + ExecutionSize;

    private const int HeaderSize = 16;
    private const int CommandSize = 48;
    private const int ExecutionSize = 136;
    private const int ReconciledSize = 20;

    /// <summary>Writes a market event's payload into <paramref name="destination"/> (at least <see cref="MarketEventSize"/> bytes).</summary>
    /// <returns>The payload length.</returns>
    public static int EncodeMarketEvent(in MarketEvent marketEvent, Span<byte> destination)
    {
        // The struct's explicit layout is the documented record layout (little-endian platforms).
        MemoryMarshal.Write(destination, in marketEvent);
        return MarketEventSize;
    }

    /// <summary>Reads a market event payload.</summary>
    /// <returns><see langword="false"/> when the payload is not <see cref="MarketEventSize"/> bytes or its kind is undefined.</returns>
    public static bool TryDecodeMarketEvent(ReadOnlySpan<byte> payload, out MarketEvent marketEvent)
    {
        if (payload.Length != MarketEventSize || payload[0] > (byte)MarketEventKind.Status)
        {
            marketEvent = default;
            return false;
        }

        marketEvent = MemoryMarshal.Read<MarketEvent>(payload);
        return true;
    }

    /// <summary>The record type of an activity.</summary>
    public static JournalRecordType RecordType(OrderActivityKind kind) => kind switch
    {
        OrderActivityKind.CommandSent => EngineRecordTypes.CommandSent,
        OrderActivityKind.CommandRefused => EngineRecordTypes.CommandRefused,
        OrderActivityKind.ExecutionReceived => EngineRecordTypes.ExecutionReceived,
        OrderActivityKind.VenueReconciled => EngineRecordTypes.VenueReconciled,
        _ => EngineRecordTypes.ClosedLocally,
    };

    /// <summary>Writes an activity's payload into <paramref name="destination"/> (at least <see cref="MaxActivitySize"/> bytes).</summary>
    /// <returns>The payload length.</returns>
    public static int EncodeActivity(in OrderActivity activity, Span<byte> destination)
    {
        destination[..HeaderSize].Clear();
        destination[0] = (byte)activity.Kind;
        destination[1] = (byte)activity.Refusal;
        destination[2] = (byte)activity.RiskReason;
        destination[3] = (byte)activity.Outcome;
        destination[4] = (byte)activity.ClosedAs;
        destination[5] = activity.Manual ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], activity.TimestampNanoseconds);
        var body = destination[HeaderSize..];
        switch (activity.Kind)
        {
            case OrderActivityKind.CommandSent or OrderActivityKind.CommandRefused:
                WriteCommand(activity.Command, body);
                return HeaderSize + CommandSize;
            case OrderActivityKind.ExecutionReceived:
                WriteExecution(activity.Execution, body);
                return HeaderSize + ExecutionSize;
            case OrderActivityKind.VenueReconciled:
                var counts = activity.Reconciliation;
                body[..ReconciledSize].Clear();
                BinaryPrimitives.WriteInt32LittleEndian(body, counts.ClosedLocally);
                BinaryPrimitives.WriteInt32LittleEndian(body[4..], counts.OrphansCancelled);
                BinaryPrimitives.WriteInt32LittleEndian(body[8..], counts.ForeignOrders);
                BinaryPrimitives.WriteInt32LittleEndian(body[12..], counts.FillsRecovered);
                body[16] = counts.AfterReconnect ? (byte)1 : (byte)0;
                return HeaderSize + ReconciledSize;
            default:
                BinaryPrimitives.WriteInt64LittleEndian(body, activity.ClientOrderId.Value);
                return HeaderSize + 8;
        }
    }

    /// <summary>Reads an activity record.</summary>
    /// <param name="type">The record type.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="activity">The activity.</param>
    /// <returns><see langword="false"/> when the type is not an activity type or the payload does not fit it.</returns>
    public static bool TryDecodeActivity(JournalRecordType type, ReadOnlySpan<byte> payload, out OrderActivity activity)
    {
        activity = default;
        if (payload.Length < HeaderSize)
        {
            return false;
        }

        var kind = (OrderActivityKind)payload[0];
        if (RecordType(kind) != type || kind > OrderActivityKind.VenueReconciled)
        {
            return false;
        }

        var body = payload[HeaderSize..];
        var timestamp = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        switch (kind)
        {
            case OrderActivityKind.CommandSent or OrderActivityKind.CommandRefused:
                if (body.Length != CommandSize)
                {
                    return false;
                }

                activity = new OrderActivity
                {
                    Kind = kind,
                    Refusal = (OrderRefusalReason)payload[1],
                    RiskReason = (RiskRejectReason)payload[2],
                    Manual = payload[5] != 0,
                    TimestampNanoseconds = timestamp,
                    Command = ReadCommand(body),
                };
                return true;
            case OrderActivityKind.ExecutionReceived:
                if (body.Length != ExecutionSize)
                {
                    return false;
                }

                activity = new OrderActivity
                {
                    Kind = kind,
                    Outcome = (ExecutionOutcome)payload[3],
                    TimestampNanoseconds = timestamp,
                    Execution = ReadExecution(body),
                };
                return true;
            case OrderActivityKind.VenueReconciled:
                if (body.Length != ReconciledSize)
                {
                    return false;
                }

                activity = new OrderActivity
                {
                    Kind = kind,
                    TimestampNanoseconds = timestamp,
                    Reconciliation = new ReconciliationCounts(
                        BinaryPrimitives.ReadInt32LittleEndian(body),
                        BinaryPrimitives.ReadInt32LittleEndian(body[4..]),
                        BinaryPrimitives.ReadInt32LittleEndian(body[8..]),
                        BinaryPrimitives.ReadInt32LittleEndian(body[12..]),
                        body[16] != 0),
                };
                return true;
            default:
                if (body.Length != 8)
                {
                    return false;
                }

                activity = new OrderActivity
                {
                    Kind = kind,
                    ClosedAs = (OrderState)payload[4],
                    TimestampNanoseconds = timestamp,
                    ClientOrderId = new ClientOrderId(BinaryPrimitives.ReadInt64LittleEndian(body)),
                };
                return true;
        }
    }

    private static void WriteCommand(in OrderCommand command, Span<byte> span)
    {
        span[..CommandSize].Clear();
        span[0] = (byte)command.Kind;
        span[1] = (byte)command.Side;
        span[2] = (byte)command.Type;
        span[3] = (byte)command.TimeInForce;
        span[4] = command.PostOnly ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], command.Instrument.Value);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], command.ClientOrderId.Value);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], command.Price.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], command.Quantity.Lots);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], command.CreatedNanoseconds);
    }

    private static OrderCommand ReadCommand(ReadOnlySpan<byte> span) => new()
    {
        Kind = (OrderCommandKind)span[0],
        Side = (Side)span[1],
        Type = (OrderType)span[2],
        TimeInForce = (TimeInForce)span[3],
        PostOnly = span[4] != 0,
        Instrument = new InstrumentId(BinaryPrimitives.ReadInt32LittleEndian(span[8..])),
        ClientOrderId = new ClientOrderId(BinaryPrimitives.ReadInt64LittleEndian(span[16..])),
        Price = new Price(BinaryPrimitives.ReadInt64LittleEndian(span[24..])),
        Quantity = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(span[32..])),
        CreatedNanoseconds = BinaryPrimitives.ReadInt64LittleEndian(span[40..]),
    };

    private static void WriteExecution(in ExecutionEvent e, Span<byte> span)
    {
        span[..ExecutionSize].Clear();
        span[0] = (byte)e.Kind;
        span[1] = (byte)e.Side;
        span[2] = (byte)e.Liquidity;
        span[3] = (byte)e.RejectReason;
        span[4] = (byte)e.CancelReason;
        span[5] = (byte)e.ConnectionState;
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], e.Instrument.Value);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], e.ClientOrderId.Value);
        e.VenueOrderId.Value.TryWriteBytes(span.Slice(24, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], e.Price.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(span[48..], e.Quantity.Lots);
        BinaryPrimitives.WriteInt64LittleEndian(span[56..], e.LeavesQuantity.Lots);
        BinaryPrimitives.WriteInt64LittleEndian(span[64..], e.FilledQuantity.Lots);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(e.Fee, bits);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(72 + (4 * i))..], bits[i]);
        }

        BinaryPrimitives.WriteInt64LittleEndian(span[88..], e.TradeId);
        BinaryPrimitives.WriteInt64LittleEndian(span[96..], e.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[104..], e.ExchangeTimestampNanoseconds);
        BinaryPrimitives.WriteInt64LittleEndian(span[112..], e.ReceivedNanoseconds);
    }

    private static ExecutionEvent ReadExecution(ReadOnlySpan<byte> span)
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(72 + (4 * i))..]);
        }

        return new ExecutionEvent
        {
            Kind = (ExecutionEventKind)span[0],
            Side = (Side)span[1],
            Liquidity = (Liquidity)span[2],
            RejectReason = (RejectReason)span[3],
            CancelReason = (CancelReason)span[4],
            ConnectionState = (ConnectionState)span[5],
            Instrument = new InstrumentId(BinaryPrimitives.ReadInt32LittleEndian(span[8..])),
            ClientOrderId = new ClientOrderId(BinaryPrimitives.ReadInt64LittleEndian(span[16..])),
            VenueOrderId = new VenueOrderId(new Guid(span.Slice(24, 16), bigEndian: true)),
            Price = new Price(BinaryPrimitives.ReadInt64LittleEndian(span[40..])),
            Quantity = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(span[48..])),
            LeavesQuantity = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(span[56..])),
            FilledQuantity = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(span[64..])),
            Fee = new decimal(bits),
            TradeId = BinaryPrimitives.ReadInt64LittleEndian(span[88..]),
            Sequence = BinaryPrimitives.ReadInt64LittleEndian(span[96..]),
            ExchangeTimestampNanoseconds = BinaryPrimitives.ReadInt64LittleEndian(span[104..]),
            ReceivedNanoseconds = BinaryPrimitives.ReadInt64LittleEndian(span[112..]),
        };
    }
}
