using System.Buffers;
using System.Text.Json;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// The engine's part of an instrument's persistence: two snapshot sections (the strategy's state as JSON, the
/// order tracker's state as binary) and the handler that replays journaled order activities at recovery.
/// </summary>
/// <remarks>
/// Snapshot sections must hold exactly the effect of the journal up to the snapshot's sequence. The engine
/// captures the state on the strategy thread and hands it to the persistence thread through the same ring as
/// the records, so that every record before the capture is journaled before the snapshot is taken, and none
/// after. The sections write that captured state; a snapshot taken by anyone else (the persistence manager's
/// timer) would not be consistent, so the engine refuses to run with one (see <see cref="TradingEngine"/>).
/// </remarks>
internal sealed class EngineStateSections : IApplicationRecordHandler
{
    public const string StrategySectionName = "engine.strategy";
    public const string OrdersSectionName = "engine.orders";

    private readonly MarketMakerStrategy _strategy;

    public EngineStateSections(MarketMakerStrategy strategy)
    {
        _strategy = strategy;
        Replay = new OrderTracker(strategy.Instrument, strategy.Position);
        Providers = [new Section(StrategySectionName, this, isStrategy: true), new Section(OrdersSectionName, this, isStrategy: false)];
    }

    /// <summary>The tracker recovery replays into: its fills go to the strategy's position.</summary>
    public OrderTracker Replay { get; }

    public IReadOnlyList<ISnapshotStateProvider> Providers { get; }

    /// <summary>While true, journaled activities are replayed; afterwards (live) they are only journaled.</summary>
    public bool Recovering { get; set; } = true;

    public long ActivitiesReplayed { get; private set; }

    public long UnreadableRecords { get; private set; }

    public bool StrategyRestored { get; private set; }

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
        }
        else
        {
            UnreadableRecords++;
        }
    }

    private sealed class Section(string name, EngineStateSections owner, bool isStrategy) : ISnapshotStateProvider
    {
        public string Name => name;

        public void Write(IBufferWriter<byte> writer)
        {
            var pending = owner.Pending ?? throw new InvalidOperationException($"snapshot section {name}: no engine state was captured for this snapshot; only the trading engine may take snapshots of its instrument.");
            writer.Write(isStrategy ? pending.StrategyState : pending.OrderState);
        }

        public void Restore(ReadOnlySpan<byte> data)
        {
            if (isStrategy)
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
