using System.Diagnostics;
using System.Globalization;
using PinnacleMM.Core.Books;
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

    /// <summary>Applies records to the book and counts them; one instance per recovery.</summary>
    private sealed class Replay(OrderBook book, IApplicationRecordHandler? handler, long snapshotSequence)
    {
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
            switch (record.Type)
            {
                case JournalRecordType.OrderAdded:
                case JournalRecordType.MarketOrder:
                    if (!OrderBookRecordCodec.TryReadOrder(record.Payload, out var order)
                        || OrderBookRecordCodec.RecordTypeOf(order) != record.Type)
                    {
                        throw Malformed(record);
                    }

                    book.Submit(order);
                    BookChanged(record.Sequence);
                    break;
                case JournalRecordType.OrderCancelled:
                    if (!OrderBookRecordCodec.TryReadCancel(record.Payload, out var cancelId, out var cancelTs))
                    {
                        throw Malformed(record);
                    }

                    book.Cancel(cancelId, cancelTs);
                    BookChanged(record.Sequence);
                    break;
                case JournalRecordType.OrderModified:
                    if (!OrderBookRecordCodec.TryReadModify(record.Payload, out var modifyId, out var price, out var quantity, out var modifyTs))
                    {
                        throw Malformed(record);
                    }

                    book.Modify(modifyId, price, quantity, modifyTs);
                    BookChanged(record.Sequence);
                    break;
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

        private void BookChanged(long sequence)
        {
            BookRecords++;
            _lastBookChange = sequence;
        }

        private static RecoveryException Malformed(in JournalRecord record) => new(string.Create(
            CultureInfo.InvariantCulture,
            $"Record at sequence {record.Sequence} of type {record.Type} has a malformed payload ({record.Payload.Length} bytes)"));
    }
}
