using System.Diagnostics;
using System.Globalization;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Persistence.Recovery;

/// <summary>
/// Rebuilds an instrument's order book and application state from its newest valid snapshot plus the
/// journal records after it. Read-only: it never writes to the journal or the snapshots (a torn tail is
/// reported, and cut off by the next <see cref="JournalWriter.Open"/>).
/// </summary>
/// <remarks>
/// Order-book records are re-applied to the book (matching is deterministic, so trades and trade ids come
/// out the same); trade records are checked against the replayed trade counter; checkpoints right after
/// a state are checked against the replayed book's state hash; application records go to
/// <see cref="RecoveryOptions.ApplicationRecords"/>.
/// </remarks>
public static class OrderBookRecovery
{
    /// <summary>Recovers the book and state; see the class remarks.</summary>
    /// <param name="journalDirectory">The instrument's journal directory (it may be missing or empty).</param>
    /// <param name="snapshots">The instrument's snapshot store.</param>
    /// <param name="options">Instrument, state providers and application record handler.</param>
    /// <returns>The book and the report.</returns>
    /// <exception cref="JournalCorruptedException">When the journal is corrupted other than at its tail.</exception>
    /// <exception cref="RecoveryException">When snapshots and journal do not fit together or a record is malformed (the message names the sequence).</exception>
    /// <exception cref="ArgumentException">When the snapshot store's instrument is not <see cref="RecoveryOptions.Instrument"/>.</exception>
    public static RecoveryResult Recover(string journalDirectory, SnapshotStore snapshots, RecoveryOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(journalDirectory);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Instrument);
        if (!string.Equals(snapshots.Instrument.Symbol, options.Instrument.Symbol, StringComparison.Ordinal))
        {
            throw new ArgumentException($"snapshots: the store is of '{snapshots.Instrument.Symbol}', the options of '{options.Instrument.Symbol}'", nameof(snapshots));
        }

        var started = Stopwatch.GetTimestamp();
        var journalExists = Directory.Exists(journalDirectory);
        long journalFirst = 0;
        if (journalExists)
        {
            using var probe = JournalReader.Open(journalDirectory);
            journalFirst = probe.FirstSequence;
        }

        var restored = new List<string>();
        var missing = new List<string>();
        var load = snapshots.LoadNewestValid(journalFirst, snapshot => RestoreSections(snapshot, options.StateProviders, restored, missing));
        var snapshot = load.Snapshot;
        var snapshotSequence = snapshot?.Info.JournalSequence ?? 0;
        if (snapshot is null)
        {
            missing.Clear();
            missing.AddRange(options.StateProviders.Select(p => p.Name));
        }

        if (journalFirst > snapshotSequence + 1)
        {
            throw new RecoveryException(string.Create(
                CultureInfo.InvariantCulture,
                $"The journal in '{journalDirectory}' starts at sequence {journalFirst}, but no valid snapshot includes the records before it{Describe(load.Fallbacks)}"));
        }

        var book = snapshot?.Book ?? new OrderBook(options.Instrument, options.BookOptions);
        var replay = new Replay(book, options.ApplicationRecords, snapshotSequence);
        JournalFault? tail = null;
        var lastSequence = snapshotSequence;
        if (journalExists && journalFirst > 0)
        {
            using var reader = JournalReader.Open(journalDirectory, snapshotSequence + 1);
            while (reader.TryRead(out var record))
            {
                replay.Apply(record);
            }

            replay.Drain();

            if (reader.Fault is { } fault)
            {
                if (!fault.IsTornTail)
                {
                    throw new JournalCorruptedException(fault);
                }

                tail = fault;
            }

            var journalLast = reader.NextSequence - 1;
            if (journalLast < snapshotSequence)
            {
                throw new RecoveryException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The snapshot {snapshot!.Info.Path} includes records up to sequence {snapshotSequence}, but the journal in '{journalDirectory}' ends at {journalLast}: records the snapshot includes are missing from the journal"));
            }

            lastSequence = journalLast;
        }

        var report = new RecoveryReport
        {
            Snapshot = snapshot?.Info,
            SnapshotFallbacks = load.Fallbacks,
            RestoredSections = snapshot is null ? [] : restored,
            MissingSections = missing,
            JournalFirstSequence = journalFirst,
            LastSequence = lastSequence,
            RecordsReplayed = replay.Records,
            BookRecords = replay.BookRecords,
            ApplicationRecords = replay.ApplicationRecords,
            UnhandledApplicationRecords = replay.UnhandledApplicationRecords,
            CheckpointsVerified = replay.CheckpointsVerified,
            TruncatedTail = tail,
            Duration = Stopwatch.GetElapsedTime(started),
        };
        return new RecoveryResult(book, report);
    }

    private static string Describe(IReadOnlyList<SnapshotFault> fallbacks) =>
        fallbacks.Count == 0 ? " (there is no snapshot)" : "; skipped: " + string.Join("; ", fallbacks);

    private static SnapshotFault? RestoreSections(LoadedSnapshot snapshot, IReadOnlyList<ISnapshotStateProvider> providers, List<string> restored, List<string> missing)
    {
        restored.Clear();
        missing.Clear();
        foreach (var provider in providers)
        {
            if (!snapshot.Sections.TryGetValue(provider.Name, out var data))
            {
                missing.Add(provider.Name);
                continue;
            }

            try
            {
                provider.Restore(data.Span);
            }
            catch (ArgumentException e)
            {
                return new SnapshotFault(snapshot.Info.Path, SnapshotFaultReason.InvalidStateSection, $"section '{provider.Name}': {e.Message}");
            }

            restored.Add(provider.Name);
        }

        return null;
    }

    /// <summary>
    /// Applies records to the book and counts them; one instance per recovery. Order-book commands are
    /// decoded into a small batch and applied together: first every order id of the batch is looked up
    /// (independent lookups, so the processor overlaps their cache misses in a large book), then the
    /// commands are applied in order and find the index entries and order slots in the cache. Any other
    /// record first applies the pending batch, so every record still sees the book as of its sequence.
    /// </summary>
    private sealed class Replay(OrderBook book, IApplicationRecordHandler? handler, long snapshotSequence)
    {
        private const int BatchSize = 64;

        private readonly BookCommand[] _batch = new BookCommand[BatchSize];
        private int _pending;

        // The last sequence that may have changed the book: checkpoints are only comparable after it.
        private long _lastBookChange = snapshotSequence;

        public long Records { get; private set; }

        public long BookRecords { get; private set; }

        public long ApplicationRecords { get; private set; }

        public long UnhandledApplicationRecords { get; private set; }

        public long CheckpointsVerified { get; private set; }

        public void Apply(in JournalRecord record)
        {
            Records++;
            ref var command = ref _batch[_pending];
            switch (record.Type)
            {
                case JournalRecordType.OrderAdded:
                case JournalRecordType.MarketOrder:
                    if (!OrderBookRecordCodec.TryReadOrder(record.Payload, out command.Order)
                        || OrderBookRecordCodec.RecordTypeOf(command.Order) != record.Type)
                    {
                        throw Malformed(record);
                    }

                    command.OrderId = command.Order.OrderId;
                    break;
                case JournalRecordType.OrderCancelled:
                    if (!OrderBookRecordCodec.TryReadCancel(record.Payload, out command.OrderId, out command.Timestamp))
                    {
                        throw Malformed(record);
                    }

                    break;
                case JournalRecordType.OrderModified:
                    if (!OrderBookRecordCodec.TryReadModify(record.Payload, out command.OrderId, out command.Price, out command.Quantity, out command.Timestamp))
                    {
                        throw Malformed(record);
                    }

                    break;
                default:
                    Drain();
                    ApplyOther(record);
                    return;
            }

            command.Type = record.Type;
            command.Sequence = record.Sequence;
            if (++_pending == BatchSize)
            {
                Drain();
            }
        }

        /// <summary>Applies the pending order-book commands in sequence order.</summary>
        public void Drain()
        {
            var batch = _batch.AsSpan(0, _pending);
            _pending = 0;
            foreach (ref readonly var command in batch)
            {
                // Only to bring the index entry and order slot into the cache; the result is not used.
                _ = book.TryGetOrder(command.OrderId, out _);
            }

            foreach (ref readonly var command in batch)
            {
                switch (command.Type)
                {
                    case JournalRecordType.OrderCancelled:
                        book.Cancel(command.OrderId, command.Timestamp);
                        break;
                    case JournalRecordType.OrderModified:
                        book.Modify(command.OrderId, command.Price, command.Quantity, command.Timestamp);
                        break;
                    default:
                        book.Submit(command.Order);
                        break;
                }

                BookRecords++;
                _lastBookChange = command.Sequence;
            }
        }

        private void ApplyOther(in JournalRecord record)
        {
            switch (record.Type)
            {
                case JournalRecordType.Trade:
                    if (!OrderBookRecordCodec.TryReadTrade(record.Payload, out var trade))
                    {
                        throw Malformed(record);
                    }

                    if (trade.TradeId <= 0 || trade.TradeId > book.LastTradeId)
                    {
                        throw new RecoveryException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"Trade record at sequence {record.Sequence} has trade id {trade.TradeId}, but the replayed book has only produced trades up to {book.LastTradeId}: the journal and the book disagree"));
                    }

                    break;
                case JournalRecordType.Checkpoint:
                    if (!OrderBookRecordCodec.TryReadCheckpoint(record.Payload, out var checkpointSequence, out var hash))
                    {
                        throw Malformed(record);
                    }

                    // Comparable when the replayed book is exactly the state at the checkpoint's sequence.
                    if (checkpointSequence >= _lastBookChange && checkpointSequence < record.Sequence)
                    {
                        var actual = book.ComputeStateHash();
                        if (actual != hash)
                        {
                            throw new RecoveryException(string.Create(
                                CultureInfo.InvariantCulture,
                                $"Checkpoint at sequence {record.Sequence} records state hash {hash} for sequence {checkpointSequence}, but the replayed book hashes to {actual}: the journal and the snapshot disagree"));
                        }

                        CheckpointsVerified++;
                    }

                    break;
                default:
                    if (record.Type < JournalRecordType.ApplicationBase)
                    {
                        throw new RecoveryException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"Record at sequence {record.Sequence} has type {(ushort)record.Type}, which this library does not know (a newer format?)"));
                    }

                    if (handler is null)
                    {
                        UnhandledApplicationRecords++;
                    }
                    else
                    {
                        handler.Apply(record);
                        ApplicationRecords++;
                    }

                    break;
            }
        }

        private static RecoveryException Malformed(in JournalRecord record) => new(string.Create(
            CultureInfo.InvariantCulture,
            $"Record at sequence {record.Sequence} of type {record.Type} has a malformed payload ({record.Payload.Length} bytes)"));
    }

    /// <summary>A decoded order-book record waiting in the replay batch.</summary>
    private struct BookCommand
    {
        public JournalRecordType Type;
        public long Sequence;
        public long OrderId;
        public OrderRequest Order;
        public Price Price;
        public Quantity Quantity;
        public long Timestamp;
    }
}
