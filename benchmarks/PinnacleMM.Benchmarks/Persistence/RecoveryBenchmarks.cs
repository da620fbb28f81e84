using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Benchmarks.Persistence;

/// <summary>
/// Issue 3 §8: recovering a book of <see cref="Orders"/> resting orders from a snapshot plus as many journal
/// records after it (new orders away from the touch, some marketable orders, cancels and in-place
/// reductions). One operation = one whole recovery. Baseline: loading and verifying the snapshot alone.
/// </summary>
[MemoryDiagnoser]
public class RecoveryBenchmarks
{
    private string _root = null!;
    private SnapshotStore _store = null!;
    private RecoveryOptions _options = null!;
    private string _snapshotPath = null!;

    /// <summary>Resting orders in the snapshot, and journal records after it.</summary>
    [Params(1_000_000)]
    public int Orders { get; set; }

    private static InstrumentSpec Instrument { get; } = new("BENCH-USD", 0.01m, 1m);

    [GlobalSetup]
    public void GlobalSetup()
    {
        _root = Path.Combine(Path.GetTempPath(), "pinnaclemm-recovery-bench", Guid.NewGuid().ToString("N"));
        var random = new Random(5);
        var book = new OrderBook(Instrument, new OrderBookOptions { InitialOrderCapacity = Orders * 2, InitialLevelCapacity = 4096 });

        // Bids on 1..2000, asks on 2001..4000 ticks: about 500 orders a level.
        for (var id = 1L; id <= Orders; id++)
        {
            var buy = (id & 1) == 0;
            var price = buy ? random.Next(1, 2001) : random.Next(2001, 4001);
            book.Submit(OrderRequest.Limit(id, id % 97, buy ? Side.Buy : Side.Sell, new Price(price), new Quantity(random.Next(1, 100)), timestamp: id));
        }

        // The snapshot includes sequences up to Orders (as if an older journal had been compacted away).
        _store = new SnapshotStore(Path.Combine(_root, "snapshots"), Instrument, keepSnapshots: 1);
        _snapshotPath = _store.Write(book, Orders).Path;
        using (var journal = JournalWriter.Open(Path.Combine(_root, "journal"), new JournalOptions { FirstSequence = Orders + 1L, SyncPolicy = JournalSyncPolicy.None }))
        {
            var nextId = Orders + 1L;
            for (var i = 0; i < Orders; i++)
            {
                var roll = random.Next(100);
                var ts = Orders + (long)i;
                if (roll < 40)
                {
                    var buy = random.Next(2) == 0;
                    var price = buy ? random.Next(1, 2001) : random.Next(2001, 4001);
                    journal.AppendOrder(OrderRequest.Limit(nextId++, 7, buy ? Side.Buy : Side.Sell, new Price(price), new Quantity(random.Next(1, 100)), timestamp: ts), ts);
                }
                else if (roll < 45)
                {
                    journal.AppendOrder(OrderRequest.Market(nextId++, 8, random.Next(2) == 0 ? Side.Buy : Side.Sell, new Quantity(random.Next(1, 300)), timestamp: ts), ts);
                }
                else if (roll < 75)
                {
                    journal.AppendCancel(random.NextInt64(1, nextId), ts);
                }
                else
                {
                    // Same price, smaller quantity: an in-place reduction when the order still rests.
                    var id = random.NextInt64(1, nextId);
                    var price = book.TryGetOrder(id, out var order) ? order.Price : new Price(1);
                    journal.AppendModify(id, price, new Quantity(1), ts);
                }
            }
        }

        _options = new RecoveryOptions { Instrument = Instrument };
    }

    [GlobalCleanup]
    public void GlobalCleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true)]
    public int LoadSnapshotOnly() => _store.Load(_snapshotPath).Book.OrderCount;

    [Benchmark]
    public long SnapshotPlusJournalReplay()
    {
        var (book, report) = OrderBookRecovery.Recover(Path.Combine(_root, "journal"), _store, _options);
        return book.OrderCount + report.RecordsReplayed;
    }
}
