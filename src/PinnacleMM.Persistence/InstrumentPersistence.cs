using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Internal;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Persistence;

/// <summary>
/// One instrument's durable state, opened (and recovered) by <see cref="PersistenceManager.Open"/>: its
/// order book, journal and snapshots. Book commands go through this class, which journals each command
/// before applying it (write-ahead), so the journal always holds what the book did; application records
/// are journaled and then handed to the application's handler, the same code that recovery runs.
/// </summary>
/// <remarks>
/// Thread-safe: commands, application records and snapshots are serialized by one lock (uncontended in
/// the usual one-thread-per-instrument setup). Read <see cref="Book"/> from the thread that issues
/// commands, or while no command runs. Rejected commands are journaled too: replaying them rejects them
/// again and changes nothing. The exception is an order with an undefined enum value, which the journal
/// format cannot hold: <see cref="Submit"/> rejects it without journaling it.
/// </remarks>
public sealed class InstrumentPersistence : IDisposable
{
    private readonly object _gate = new();
    private readonly object _snapshotGate = new();
    private readonly JournalWriter _journal;
    private readonly SnapshotStore _snapshots;
    private readonly InstrumentPersistenceOptions _options;
    private readonly long _compactionThreshold;
    private readonly Action<InstrumentPersistence>? _onDispose;
    private int _disposed;

    private InstrumentPersistence(
        string directory, JournalWriter journal, SnapshotStore snapshots, OrderBook book, RecoveryReport report,
        InstrumentPersistenceOptions options, long compactionThreshold, Action<InstrumentPersistence>? onDispose)
    {
        Directory = directory;
        _journal = journal;
        _snapshots = snapshots;
        Book = book;
        Recovery = report;
        _options = options;
        _compactionThreshold = compactionThreshold;
        _onDispose = onDispose;
        LastSnapshot = report.Snapshot;
    }

    /// <summary>The instrument.</summary>
    public InstrumentSpec Instrument => Book.Instrument;

    /// <summary>The instrument's folder (holding <c>journal/</c> and <c>snapshots/</c>).</summary>
    public string Directory { get; }

    /// <summary>The recovered, live order book. Change it only through <see cref="Submit"/>, <see cref="Cancel"/> and <see cref="Modify"/>; a listener may be attached.</summary>
    public OrderBook Book { get; }

    /// <summary>How the state was recovered when the instrument was opened.</summary>
    public RecoveryReport Recovery { get; }

    /// <summary>The sequence number of the last journaled record.</summary>
    public long LastSequence => _journal.LastSequence;

    /// <summary>The highest sequence number known to be durable on disk.</summary>
    public long DurableSequence => _journal.DurableSequence;

    /// <summary>The newest snapshot written or recovered from, or null.</summary>
    public SnapshotInfo? LastSnapshot { get; private set; }

    /// <summary>What the last compaction removed, or null when none ran since opening.</summary>
    public CompactionResult? LastCompaction { get; private set; }

    /// <summary>Why the last periodic snapshot failed, or null when it succeeded (or none ran).</summary>
    public Exception? LastSnapshotError { get; private set; }

    internal StepHook? StepHook
    {
        get => _snapshots.StepHook;
        set => _snapshots.StepHook = value;
    }

    /// <summary>Journals an order (<see cref="JournalRecordType.OrderAdded"/> or <see cref="JournalRecordType.MarketOrder"/>), then submits it to the book.</summary>
    /// <param name="order">The order.</param>
    /// <returns>
    /// The book's result (a rejection leaves the book unchanged). An order whose side, type, time in force or
    /// self-trade prevention is not a defined value is rejected with <see cref="OrderBookResultCode.InvalidEnumValue"/>,
    /// as the book rejects it, without being journaled: the journal format cannot hold it.
    /// </returns>
    /// <exception cref="JournalException">When the record cannot be written; the book is then unchanged.</exception>
    public OrderResult Submit(in OrderRequest order)
    {
        if (OrderBookRecordCodec.UndefinedField(order) is not null)
        {
            // Invalid input, not a market outcome: nothing to replay, and recovery could not read the record.
            return OrderResult.Rejected(order.OrderId, OrderBookResultCode.InvalidEnumValue);
        }

        lock (_gate)
        {
            _journal.AppendOrder(order, order.Timestamp);
            return Book.Submit(order);
        }
    }

    /// <summary>Journals a cancellation, then applies it.</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="timestampNs">The caller's timestamp.</param>
    /// <exception cref="JournalException">When the record cannot be written; the book is then unchanged.</exception>
    public OrderResult Cancel(long orderId, long timestampNs)
    {
        lock (_gate)
        {
            _journal.AppendCancel(orderId, timestampNs);
            return Book.Cancel(orderId, timestampNs);
        }
    }

    /// <summary>Journals a modification, then applies it.</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="newPrice">The new price.</param>
    /// <param name="newQuantity">The new open quantity.</param>
    /// <param name="timestampNs">The caller's timestamp.</param>
    /// <exception cref="JournalException">When the record cannot be written; the book is then unchanged.</exception>
    public OrderResult Modify(long orderId, Price newPrice, Quantity newQuantity, long timestampNs)
    {
        lock (_gate)
        {
            _journal.AppendModify(orderId, newPrice, newQuantity, timestampNs);
            return Book.Modify(orderId, newPrice, newQuantity, timestampNs);
        }
    }

    /// <summary>
    /// Journals an application record, then hands it to <see cref="InstrumentPersistenceOptions.ApplicationRecords"/>
    /// (recovery hands the same record to the same handler).
    /// </summary>
    /// <param name="type">The record type: <see cref="JournalRecordType.ApplicationBase"/> or above.</param>
    /// <param name="timestampNs">The record's timestamp.</param>
    /// <param name="payload">The payload: at most the journal's maximum payload.</param>
    /// <returns>The record's sequence number.</returns>
    /// <exception cref="ArgumentException">When the type is below <see cref="JournalRecordType.ApplicationBase"/> or the payload too large; nothing is journaled.</exception>
    /// <exception cref="JournalException">When the record cannot be written.</exception>
    public long AppendApplication(JournalRecordType type, long timestampNs, ReadOnlySpan<byte> payload)
    {
        if (type < JournalRecordType.ApplicationBase)
        {
            throw new ArgumentException($"type: application records use types from ApplicationBase (0x1000) up (was 0x{(ushort)type:X})", nameof(type));
        }

        lock (_gate)
        {
            var sequence = _journal.Append(type, timestampNs, payload);
            _options.ApplicationRecords?.Apply(new JournalRecord(type, sequence, timestampNs, payload));
            return sequence;
        }
    }

    /// <summary>Makes every record journaled so far durable.</summary>
    /// <exception cref="JournalException">When the flush fails.</exception>
    public void Flush() => _journal.Flush();

    /// <summary>
    /// Takes a snapshot now: captures the book and the state providers at the current sequence (blocking
    /// commands only for the capture), makes the journal durable up to it, writes the file atomically,
    /// journals a checkpoint, deletes snapshots beyond the retention and, when the journal is larger than
    /// the compaction threshold, removes the segments every kept snapshot includes. When nothing was journaled
    /// since <see cref="LastSnapshot"/> (e.g. a crash came between writing it and journaling its checkpoint),
    /// that snapshot already holds this state: it is returned and nothing is written.
    /// </summary>
    /// <returns>The snapshot written, or <see cref="LastSnapshot"/> when nothing was journaled since it.</returns>
    /// <exception cref="SnapshotException">
    /// When the file cannot be written, or when the snapshot directory holds a snapshot at or after the current
    /// sequence that recovery could not use (see <see cref="RecoveryReport.SnapshotFallbacks"/>); earlier
    /// snapshots and the journal are unchanged.
    /// </exception>
    /// <exception cref="JournalException">When the journal cannot be flushed or compacted.</exception>
    public SnapshotInfo TakeSnapshot()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_snapshotGate)
        {
            Snapshots.Internal.EncodedSnapshot encoded;
            lock (_gate)
            {
                var sequence = _journal.LastSequence;
                if (LastSnapshot is { } last && last.JournalSequence == sequence)
                {
                    return last;
                }

                encoded = _snapshots.Capture(Book, sequence, _options.StateProviders);
            }

            SnapshotInfo info;
            using (encoded)
            {
                // The snapshot must never be ahead of the durable journal: after a power loss the journal
                // would resume below the snapshot's sequence and number new records differently.
                _journal.Flush();
                if (_snapshots.NewestSequence() is { } newest && newest >= encoded.JournalSequence)
                {
                    // Only a snapshot that recovery skipped can be here: every snapshot this instance wrote or
                    // recovered from is older than the journal's last record.
                    throw new SnapshotException(
                        $"Cannot take a snapshot at journal sequence {encoded.JournalSequence}: the snapshot directory '{_snapshots.Directory}' holds one at {newest}, "
                        + "which recovery did not use (see Recovery.SnapshotFallbacks); move it out of the directory to take snapshots again");
                }

                info = _snapshots.Persist(encoded);
            }

            LastSnapshot = info;
            lock (_gate)
            {
                _journal.AppendCheckpoint(info.JournalSequence, info.StateHash, _options.Clock.NowNanoseconds);
            }

            StepHook?.Invoke(PersistenceStep.CheckpointAppended);
            var journalDirectory = Path.Combine(Directory, InstrumentFolder.JournalFolder);
            if (JournalCompactor.SizeOf(journalDirectory) > _compactionThreshold)
            {
                // The oldest kept snapshot bounds compaction, so a fallback to any kept snapshot still finds its records.
                var horizon = _snapshots.ListSequences().DefaultIfEmpty(info.JournalSequence).Min();
                LastCompaction = JournalCompactor.Compact(journalDirectory, Math.Min(horizon, info.JournalSequence), StepHook);
            }

            return info;
        }
    }

    /// <summary>Flushes the journal and closes it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_snapshotGate)
        {
            lock (_gate)
            {
                _journal.Dispose();
            }
        }

        _onDispose?.Invoke(this);
    }

    /// <summary>Recovers the instrument in <paramref name="directory"/> and opens its journal for appending.</summary>
    internal static InstrumentPersistence Open(
        string directory, InstrumentSpec instrument, PersistenceOptions settings, InstrumentPersistenceOptions options, TimeProvider timeProvider, Action<InstrumentPersistence>? onDispose)
    {
        var journalDirectory = Path.Combine(directory, InstrumentFolder.JournalFolder);
        var snapshots = new SnapshotStore(Path.Combine(directory, InstrumentFolder.SnapshotFolder), instrument, settings.KeepSnapshots, timeProvider);
        snapshots.DeleteTemporaryFiles();
        var (book, report) = OrderBookRecovery.Recover(journalDirectory, snapshots, new RecoveryOptions
        {
            Instrument = instrument,
            StateProviders = options.StateProviders,
            ApplicationRecords = options.ApplicationRecords,
            BookOptions = options.BookOptions,
        });

        // Recovery only read; opening the writer cuts off the torn tail recovery reported and, for a
        // journal that has no segment left, continues the numbering after the snapshot.
        var journal = JournalWriter.Open(journalDirectory, new JournalOptions
        {
            SegmentSize = settings.JournalSegmentSize,
            SyncPolicy = settings.JournalSyncIntervalMs == 0 ? JournalSyncPolicy.EveryAppend : JournalSyncPolicy.Interval,
            SyncInterval = TimeSpan.FromMilliseconds(Math.Max(1, settings.JournalSyncIntervalMs)),
            FirstSequence = report.LastSequence + 1,
            TimeProvider = timeProvider,
            Clock = options.Clock,
        });
        if (journal.LastSequence != report.LastSequence)
        {
            var last = journal.LastSequence;
            journal.Dispose();
            throw new RecoveryException($"The journal in '{journalDirectory}' resumed at sequence {last}, but recovery ended at {report.LastSequence}");
        }

        return new InstrumentPersistence(directory, journal, snapshots, book, report, options, settings.CompactionThreshold, onDispose);
    }

    /// <summary>Called by the manager's timer: a failure is kept in <see cref="LastSnapshotError"/>, the next period tries again.</summary>
    internal void TakePeriodicSnapshot()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            TakeSnapshot();
            LastSnapshotError = null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            LastSnapshotError = e;
        }
    }
}
