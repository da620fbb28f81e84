using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Replay;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Paper;
using PinnacleMM.Exchange.Tests.Simulator;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Testing;

namespace PinnacleMM.Exchange.Tests.Replay;

/// <summary>Recording market data into a journal and replaying it: the same events, torn tails and corruption reported, pacing, instrument mapping.</summary>
[TestClass]
public sealed class ReplayTests
{
    internal static readonly JournalOptions SmallSegments = new() { SegmentSize = 64 * 1024, SyncPolicy = JournalSyncPolicy.None, PrefaultBytes = 0 };

    /// <summary>Runs a busy simulated market for <paramref name="seconds"/> of virtual time, recording its feed; returns what the application received.</summary>
    internal static async Task<List<MarketEvent>> RecordSimulatorAsync(string directory, long seed, double seconds, InstrumentRegistry? registry = null)
    {
        var options = SimulatorTestKit.Options(seed);
        options.Takers.RatePerSecond = 50;
        options.Makers.RatePerSecond = 100;
        var simulator = new ExchangeSimulator(options);
        var received = new RecordingSink();
        await using (var recording = new RecordingMarketDataConnector(simulator, directory, registry, SmallSegments))
        {
            await recording.ConnectAsync(received);
            await recording.SubscribeAsync(SimulatorTestKit.Id);
            simulator.RunFor(TimeSpan.FromSeconds(seconds));
            Assert.AreEqual(received.Market.Count, recording.Recorder!.RecordedEvents);
            Assert.AreEqual(0, recording.Recorder.FailedAppends);
        }

        return received.Market;
    }

    internal static async Task<(List<MarketEvent> Events, ReplayReport Report)> ReplayAsync(string directory, ReplayPacing pacing = ReplayPacing.Manual, bool endWithDisconnect = false, InstrumentRegistry? registry = null, InstrumentId? subscribe = null)
    {
        await using var replay = new ReplayMarketDataConnector(new ReplayOptions { Directory = directory, Pacing = pacing, EndWithDisconnect = endWithDisconnect, Instruments = registry });
        var sink = new RecordingSink();
        await replay.ConnectAsync(sink);
        await replay.SubscribeAsync(subscribe ?? SimulatorTestKit.Id);
        var report = pacing == ReplayPacing.Manual ? replay.ReplayAll() : await replay.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.AreEqual(ConnectionState.Disconnected, replay.State);
        return (sink.Market, report);
    }

    [TestMethod]
    [DataRow(ReplayPacing.Manual)]
    [DataRow(ReplayPacing.AsFastAsPossible)]
    public async Task A_recorded_session_replays_as_the_identical_event_sequence(ReplayPacing pacing)
    {
        using var directory = new ScratchDirectory();
        var recorded = await RecordSimulatorAsync(directory.Path, seed: 5, seconds: 3);
        Assert.IsTrue(recorded.Count > 500, $"only {recorded.Count} events");
        Assert.IsTrue(Directory.GetFiles(directory.Path, "*.journal").Length > 1, "the recording spans several segments");

        var (replayed, report) = await ReplayAsync(directory.Path, pacing);

        Assert.AreEqual(Hash(recorded), Hash(replayed));
        CollectionAssert.AreEqual(recorded, replayed);
        Assert.IsNull(report.Fault);
        Assert.AreEqual(recorded.Count, report.EventsDelivered);
        Assert.AreEqual(recorded.Count, report.RecordsRead);
        Assert.AreEqual(report.RecordsRead, report.LastSequence);
    }

    [TestMethod]
    public async Task The_replay_ends_with_a_feed_wide_disconnect_unless_told_not_to()
    {
        using var directory = new ScratchDirectory();
        var recorded = await RecordSimulatorAsync(directory.Path, seed: 6, seconds: 0.2);
        var (replayed, report) = await ReplayAsync(directory.Path, endWithDisconnect: true);
        Assert.AreEqual(recorded.Count + 1, replayed.Count);
        CollectionAssert.AreEqual(recorded, replayed.Take(recorded.Count).ToList());
        var last = replayed[^1];
        Assert.AreEqual(MarketEventKind.Status, last.Kind);
        Assert.AreEqual(ConnectionState.Disconnected, last.ConnectionState);
        Assert.IsTrue(last.Instrument.IsNone);
        Assert.AreEqual(recorded[^1].ReceivedNanoseconds, last.ReceivedNanoseconds);
        Assert.AreEqual(recorded.Count + 1, report.EventsDelivered);
    }

    [TestMethod]
    public async Task A_torn_tail_ends_the_replay_after_the_last_intact_event_and_is_reported()
    {
        using var directory = new ScratchDirectory();
        var recorded = await RecordSimulatorAsync(directory.Path, seed: 7, seconds: 0.5);

        // A crash in the middle of the last append: its bytes are partly written.
        var last = Directory.GetFiles(directory.Path, "*.journal").Order(StringComparer.Ordinal).Last();
        var bytes = File.ReadAllBytes(last);
        var end = Array.FindLastIndex(bytes, b => b != 0);
        bytes[end] ^= 0x5A;
        File.WriteAllBytes(last, bytes);

        var (replayed, report) = await ReplayAsync(directory.Path);

        CollectionAssert.AreEqual(recorded.Take(recorded.Count - 1).ToList(), replayed);
        Assert.IsNotNull(report.Fault);
        Assert.IsTrue(report.Fault.IsTornTail, report.Fault.ToString());
        Assert.IsFalse(report.IsCorrupt);
        Assert.AreEqual(recorded.Count, report.Fault.Sequence, "the fault is at the last record");
        Assert.AreEqual(recorded.Count - 1, report.LastSequence);
    }

    [TestMethod]
    public async Task Corruption_in_the_middle_stops_the_replay_there_and_is_reported_as_corruption()
    {
        using var directory = new ScratchDirectory();
        var recorded = await RecordSimulatorAsync(directory.Path, seed: 8, seconds: 0.5);
        var first = Directory.GetFiles(directory.Path, "*.journal").Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(first);
        bytes[64 + 2000] ^= 0x01; // inside an early record, well before the end
        File.WriteAllBytes(first, bytes);

        var (replayed, report) = await ReplayAsync(directory.Path);

        Assert.IsTrue(report.IsCorrupt, report.Fault?.ToString());
        Assert.IsTrue(replayed.Count > 0 && replayed.Count < recorded.Count / 2, $"{replayed.Count} of {recorded.Count}");
        CollectionAssert.AreEqual(recorded.Take(replayed.Count).ToList(), replayed);
        Assert.AreEqual(replayed.Count + 1, report.Fault!.Sequence);
    }

    [TestMethod]
    public async Task A_paced_replay_delivers_each_event_at_its_recorded_distance_divided_by_the_speed()
    {
        using var directory = new ScratchDirectory();
        var feed = new ScriptedFeed();
        // Whole milliseconds at 4× speed: Task.Delay waits in milliseconds.
        var gaps = new long[] { 0, 4_000_000, 4_000_000, 20_000_000, 0, 1_000_000_000, 12_000_000 };
        await using (var recording = new RecordingMarketDataConnector(feed, directory.Path, journalOptions: SmallSegments))
        {
            await recording.ConnectAsync(new RecordingSink());
            var at = 7_000_000_000L;
            var trade = 1;
            foreach (var gap in gaps)
            {
                at += gap;
                feed.Send(MarketEvent.Trade(SimulatorTestKit.Id, Side.Buy, new Price(100), new Quantity(1), trade++, 0, 0, at));
            }
        }

        var time = new SteppingTimeProvider();
        var sink = new RecordingSink();
        var deliveredAt = new List<long>();
        sink.OnMarket = _ => deliveredAt.Add(time.GetTimestamp());
        await using var replay = new ReplayMarketDataConnector(new ReplayOptions { Directory = directory.Path, Pacing = ReplayPacing.Paced, Speed = 4, TimeProvider = time, EndWithDisconnect = false });
        await replay.ConnectAsync(sink);
        await replay.SubscribeAsync(SimulatorTestKit.Id);
        var report = await replay.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.AreEqual(gaps.Length, report.EventsDelivered);
        var expected = new List<long>();
        long sum = 0;
        foreach (var gap in gaps)
        {
            sum += gap;
            expected.Add(sum / 4 / 100); // nanoseconds at 4× speed, in 100 ns ticks
        }

        var actual = deliveredAt.Select(t => t - deliveredAt[0]).ToList();
        CollectionAssert.AreEqual(expected, actual, string.Join(",", actual));
    }

    [TestMethod]
    public async Task Recorded_instrument_ids_are_mapped_by_symbol_and_unknown_or_unsubscribed_instruments_are_skipped()
    {
        using var directory = new ScratchDirectory();
        var recordingRegistry = new InstrumentRegistry();
        var btc = recordingRegistry.Register(PaperRun.Instrument);
        var eth = recordingRegistry.Register(PaperRun.Unsynced);
        var feed = new ScriptedFeed();
        await using (var recording = new RecordingMarketDataConnector(feed, directory.Path, recordingRegistry, SmallSegments))
        {
            await recording.ConnectAsync(new RecordingSink());
            feed.Send(MarketEvent.Trade(btc, Side.Buy, new Price(100), new Quantity(1), 1, 0, 0, 1));
            feed.Send(MarketEvent.Trade(eth, Side.Sell, new Price(200), new Quantity(2), 2, 0, 0, 2));
            feed.Send(MarketEvent.Status(InstrumentId.None, ConnectionState.Synced, 0, 0, 3));
            feed.Send(MarketEvent.Trade(eth, Side.Buy, new Price(201), new Quantity(3), 3, 0, 0, 4));
        }

        // Another application that only knows ETH-USD, under id 1.
        var replayRegistry = new InstrumentRegistry();
        var ethHere = replayRegistry.Register(new InstrumentSpec("ETH-USD", 0.01m, 0.001m));
        var (events, report) = await ReplayAsync(directory.Path, registry: replayRegistry, subscribe: ethHere);

        Assert.AreEqual(3, events.Count, string.Join("\n", events));
        Assert.AreEqual(MarketEvent.Trade(ethHere, Side.Sell, new Price(200), new Quantity(2), 2, 0, 0, 2), events[0]);
        Assert.AreEqual(MarketEventKind.Status, events[1].Kind);
        Assert.AreEqual(MarketEvent.Trade(ethHere, Side.Buy, new Price(201), new Quantity(3), 3, 0, 0, 4), events[2]);
        Assert.AreEqual(6, report.RecordsRead, "2 instrument records and 4 events");
        Assert.AreEqual(3, report.RecordsSkipped, "the instrument records and the BTC-USD trade");
    }

    [TestMethod]
    public async Task Recording_allocates_nothing_per_event_and_a_failing_journal_does_not_stop_the_feed()
    {
        using var directory = new ScratchDirectory();
        var registry = new InstrumentRegistry();
        var id = registry.Register(PaperRun.Instrument);
        var journal = JournalWriter.Open(directory.Path, new JournalOptions { SegmentSize = 8L << 20, SyncPolicy = JournalSyncPolicy.None, PrefaultBytes = 0 });
        var next = new CountingMarketSink();
        var recorder = new MarketDataRecorder(journal, next, registry);
        var update = MarketEvent.LevelUpdate(id, Side.Buy, new Price(100), new Quantity(5), 2, 1, 10, 20);
        for (var i = 0; i < 1_000; i++)
        {
            recorder.OnMarketEvent(update);
        }

        SteadyState.AssertAllocatesNothing("7,000 recorded events", () =>
        {
            for (var i = 0; i < 7_000; i++)
            {
                recorder.OnMarketEvent(update);
            }
        });
        Assert.AreEqual(22_000, recorder.RecordedEvents);

        journal.Dispose();
        recorder.OnMarketEvent(update);
        Assert.AreEqual(22_001, next.Count, "the event still reached the application");
        Assert.AreEqual(1, recorder.FailedAppends);
        Assert.IsInstanceOfType<ObjectDisposedException>(recorder.LastError);
    }

    [TestMethod]
    public async Task Replaying_allocates_nothing_per_event()
    {
        using var directory = new ScratchDirectory();
        var feed = new ScriptedFeed();
        await using (var recording = new RecordingMarketDataConnector(feed, directory.Path, journalOptions: new JournalOptions { SegmentSize = 8L << 20, SyncPolicy = JournalSyncPolicy.None, PrefaultBytes = 0 }))
        {
            await recording.ConnectAsync(new CountingMarketSink());
            for (var i = 0; i < 20_000; i++)
            {
                feed.Send(MarketEvent.LevelUpdate(SimulatorTestKit.Id, Side.Buy, new Price(100 + (i % 7)), new Quantity(i), 1, i + 1, i, i));
            }
        }

        var sink = new CountingMarketSink();
        await using var replay = new ReplayMarketDataConnector(new ReplayOptions { Directory = directory.Path, Pacing = ReplayPacing.Manual });
        await replay.ConnectAsync(sink);
        await replay.SubscribeAsync(SimulatorTestKit.Id);
        Assert.AreEqual(1_000, replay.ReplayNext(1_000));

        var replayed = 0L;
        SteadyState.AssertAllocatesNothing("6,000 replayed events", () => replayed += replay.ReplayNext(6_000));
        Assert.AreEqual(18_000, replayed);
        Assert.AreEqual(19_000, sink.Count);
    }

    [TestMethod]
    public async Task Misuse_and_bad_options_are_refused_with_the_field_named()
    {
        var errors = new ReplayOptions { Directory = " ", Speed = 0, FromSequence = -1, Venue = "" }.Validate();
        Assert.AreEqual(4, errors.Count, string.Join("\n", errors));
        var error = Assert.ThrowsExactly<ArgumentException>(() => new ReplayMarketDataConnector(new ReplayOptions { Speed = double.NaN, Directory = "x" }));
        StringAssert.Contains(error.Message, "Speed: NaN must be greater than 0");

        using var directory = new ScratchDirectory();
        await using var missing = new ReplayMarketDataConnector(new ReplayOptions { Directory = Path.Combine(directory.Path, "nothing-here") });
        await Assert.ThrowsExactlyAsync<DirectoryNotFoundException>(async () => await missing.ConnectAsync(new RecordingSink()));

        await using var background = new ReplayMarketDataConnector(new ReplayOptions { Directory = directory.Path, Pacing = ReplayPacing.AsFastAsPossible });
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await background.SubscribeAsync(SimulatorTestKit.Id));
        await background.ConnectAsync(new RecordingSink());
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => background.ReplayNext(1)).Message, "only a Manual replay");
        await Assert.ThrowsExactlyAsync<ArgumentException>(async () => await background.SubscribeAsync(InstrumentId.None));
    }

    private static string Hash(List<MarketEvent> events)
    {
        var sink = new RecordingSink { Record = false };
        foreach (var e in events)
        {
            sink.OnMarketEvent(e);
        }

        return sink.Digest();
    }

    private sealed class CountingMarketSink : IMarketDataSink
    {
        public long Count { get; private set; }

        public void OnMarketEvent(in MarketEvent marketEvent) => Count++;
    }
}

/// <summary>A temporary directory removed after the test.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pmm-replay-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a mapped segment may still be closing.
        }
    }
}

/// <summary>A clock that only moves when a timer is created: each delay passes at once, exactly, so pacing can be checked without waiting.</summary>
internal sealed class SteppingTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Interlocked.Add(ref _ticks, dueTime.Ticks);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
