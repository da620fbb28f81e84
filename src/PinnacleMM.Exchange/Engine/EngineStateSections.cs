using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// The engine's part of an instrument's persistence: three snapshot sections (the strategy's state as JSON, the
/// order tracker's state as binary, what the engine knows of the venue beyond our orders as binary) and the handler
/// that replays journaled order activities at recovery.
/// </summary>
/// <remarks>
/// <para>
/// The venue section (<see cref="VenueSectionName"/>, version 1, little-endian):
/// <c>version u8 | 0 u8×7 | last venue execution time i64 | orders left open by the stop i32 | 0 i32 | client order id i64 × count</c>.
/// The venue time is the latest <see cref="ExecutionEvent.ExchangeTimestampNanoseconds"/> the engine saw: the next
/// start asks the venue for our fills since then (the fills of orders left open meanwhile). The ids are the orders a
/// stop left open (<see cref="EngineStopReport.OrdersLeftOpen"/>), whose cancels the next start sends again; only the
/// final snapshot of a stop has any. A snapshot without the section (written before it existed) recovers neither.
/// </para>
/// <para>
/// Snapshot sections must hold exactly the effect of the journal up to the snapshot's sequence. The engine
/// captures the state on the strategy thread and hands it to the persistence thread through the same ring as
/// the records, so that every record before the capture is journaled before the snapshot is taken, and none
/// after. The sections write that captured state; a snapshot taken by anyone else (the persistence manager's
/// timer) would not be consistent, so the engine refuses to run with one (see <see cref="TradingEngine"/>).
/// </para>
/// </remarks>
internal sealed class EngineStateSections : IApplicationRecordHandler
{
    public const string StrategySectionName = "engine.strategy";
    public const string OrdersSectionName = "engine.orders";
    public const string VenueSectionName = "engine.venue";

    private const byte VenueStateVersion = 1;
    private const int VenueHeaderBytes = 24;

    private readonly MarketMakerStrategy _strategy;

    public EngineStateSections(MarketMakerStrategy strategy)
    {
        _strategy = strategy;
        Replay = new OrderTracker(strategy.Instrument, strategy.Position);
        Providers = [new Section(StrategySectionName, this, SectionKind.Strategy), new Section(OrdersSectionName, this, SectionKind.Orders), new Section(VenueSectionName, this, SectionKind.Venue)];
    }

    private enum SectionKind : byte
    {
        Strategy,
        Orders,
        Venue,
    }

    /// <summary>The tracker recovery replays into: its fills go to the strategy's position.</summary>
    public OrderTracker Replay { get; }

    public IReadOnlyList<ISnapshotStateProvider> Providers { get; }

    /// <summary>While true, journaled activities are replayed; afterwards (live) they are only journaled.</summary>
    public bool Recovering { get; set; } = true;

    public long ActivitiesReplayed { get; private set; }

    public long UnreadableRecords { get; private set; }

    public bool StrategyRestored { get; private set; }

    /// <summary>The latest venue time of an execution event seen (snapshot, then replayed events); 0 when unknown.</summary>
    public long LastVenueExecutionTime { get; private set; }

    /// <summary>The orders the stop of the recovered snapshot left open (client order ids); empty for any other snapshot.</summary>
    public long[] StopLeftOpen { get; private set; } = [];

    /// <summary>The state to write into the next snapshot, captured on the strategy thread.</summary>
    public PersistenceRequest? Pending { get; set; }

    public static byte[] CaptureStrategy(MarketMakerStrategy strategy) =>
        JsonSerializer.SerializeToUtf8Bytes(strategy.CaptureState(), EngineJsonContext.Default.StrategyState);

    public static byte[] CaptureOrders(OrderTracker tracker)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        tracker.WriteState(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The venue section: the latest venue time of an execution event seen, and the orders a stop left open.</summary>
    public static byte[] CaptureVenue(long lastVenueExecutionTime, ReadOnlySpan<long> stopLeftOpen)
    {
        var data = new byte[VenueHeaderBytes + (stopLeftOpen.Length * 8)];
        data[0] = VenueStateVersion;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), lastVenueExecutionTime);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), stopLeftOpen.Length);
        for (var i = 0; i < stopLeftOpen.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(VenueHeaderBytes + (i * 8)), stopLeftOpen[i]);
        }

        return data;
    }

    public void Apply(in JournalRecord record)
    {
        if (!Recovering || record.Type == EngineRecordTypes.MarketEvent)
        {
            return;
        }

        if (EngineRecordCodec.TryDecodeActivity(record.Type, record.Payload, out var activity))
        {
            activity.ApplyTo(Replay);
            ActivitiesReplayed++;
            if (activity.Kind == OrderActivityKind.ExecutionReceived && activity.Execution.Kind != ExecutionEventKind.ConnectionChanged
                && activity.Execution.ExchangeTimestampNanoseconds > LastVenueExecutionTime)
            {
                LastVenueExecutionTime = activity.Execution.ExchangeTimestampNanoseconds;
            }
        }
        else
        {
            UnreadableRecords++;
        }
    }

    private void RestoreVenue(ReadOnlySpan<byte> data)
    {
        if (data.Length < VenueHeaderBytes || data[0] != VenueStateVersion)
        {
            throw new ArgumentException($"{VenueSectionName}: not a venue state of version {VenueStateVersion} ({data.Length} bytes).", nameof(data));
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        if (count < 0 || VenueHeaderBytes + (count * 8L) != data.Length)
        {
            throw new ArgumentException($"{VenueSectionName}: {count} orders left open do not match the length {data.Length}.", nameof(data));
        }

        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = BinaryPrimitives.ReadInt64LittleEndian(data[(VenueHeaderBytes + (i * 8))..]);
        }

        LastVenueExecutionTime = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        StopLeftOpen = ids;
    }

    private sealed class Section(string name, EngineStateSections owner, SectionKind kind) : ISnapshotStateProvider
    {
        public string Name => name;

        public void Write(IBufferWriter<byte> writer)
        {
            var pending = owner.Pending ?? throw new InvalidOperationException($"snapshot section {name}: no engine state was captured for this snapshot; only the trading engine may take snapshots of its instrument.");
            writer.Write(kind switch
            {
                SectionKind.Strategy => pending.StrategyState,
                SectionKind.Orders => pending.OrderState,
                _ => pending.VenueState,
            });
        }

        public void Restore(ReadOnlySpan<byte> data)
        {
            if (kind == SectionKind.Venue)
            {
                owner.RestoreVenue(data);
            }
            else if (kind == SectionKind.Strategy)
            {
                StrategyState? state;
                try
                {
                    state = JsonSerializer.Deserialize(data, EngineJsonContext.Default.StrategyState);
                }
                catch (JsonException e)
                {
                    throw new ArgumentException($"{name}: not a strategy state ({e.Message})", nameof(data), e);
                }

                owner._strategy.RestoreState(state ?? throw new ArgumentException($"{name}: empty strategy state", nameof(data)));
                owner.StrategyRestored = true;
            }
            else
            {
                owner.Replay.RestoreState(data);
            }
        }
    }
}
