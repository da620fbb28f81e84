using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Journal;

/// <summary>
/// The writer stores a library record type (1–6) only with the payload size recovery decodes, on every append path,
/// and leaves the journal untouched when it refuses one; application types keep any size.
/// </summary>
[TestClass]
public sealed class JournalPayloadSizeTests
{
    /// <summary>The payload sizes of the documented layouts (README, OrderBookRecordCodec), written out independently of the writer.</summary>
    private static readonly Dictionary<JournalRecordType, (int Size, string Constant)> Library = new()
    {
        [JournalRecordType.OrderAdded] = (48, "OrderSize"),
        [JournalRecordType.OrderCancelled] = (16, "CancelSize"),
        [JournalRecordType.OrderModified] = (32, "ModifySize"),
        [JournalRecordType.Trade] = (72, "TradeSize"),
        [JournalRecordType.MarketOrder] = (48, "OrderSize"),
        [JournalRecordType.Checkpoint] = (16, "CheckpointSize"),
    };

    /// <summary>The records every journal here starts with: two crossing orders (trade id 1 on replay) and that trade.</summary>
    private const int PrefixRecords = 3;

    private static readonly JournalOptions Options = new() { SegmentSize = 8192, SyncPolicy = JournalSyncPolicy.None, PrefaultBytes = 0 };

    /// <summary>Each library type with no payload, one byte short, one byte over, and each other library type's size.</summary>
    public static IEnumerable<object[]> WrongSizes =>
        from type in Library.Keys
        let size = Library[type].Size
        from length in new[] { 0, size - 1, size + 1 }.Concat(Library.Values.Select(v => v.Size).Where(s => s != size)).Distinct()
        select new object[] { type, length };

    /// <summary>Each library record type.</summary>
    public static IEnumerable<object[]> LibraryTypes => Library.Keys.Select(type => new object[] { type });

    [TestMethod]
    [DynamicData(nameof(WrongSizes))]
    public void A_library_type_with_another_payload_size_is_refused_on_every_append_path_and_nothing_is_written(JournalRecordType type, int length)
    {
        var payload = new byte[length];
        Array.Fill(payload, (byte)0x5A);
        AssertChangesNothing(writer =>
        {
            Assert.AreEqual(JournalAppendStatus.InvalidPayloadLength, writer.TryAppend(type, 1, payload, out var sequence));
            Assert.AreEqual(0, sequence);
            var thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.Append(type, 1, payload));
            Assert.AreEqual("payload", thrown.ParamName);
            Assert.AreEqual(ExpectedMessage("payload", type, length), thrown.Message);
            thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.Append(type, payload));
            Assert.AreEqual(ExpectedMessage("payload", type, length), thrown.Message);
            thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.BeginAppend(type, 1, length));
            Assert.AreEqual("maxPayloadLength", thrown.ParamName);
            Assert.AreEqual(ExpectedMessage("maxPayloadLength", type, length), thrown.Message);

            // Nothing was reserved.
            Assert.ThrowsExactly<InvalidOperationException>(() => writer.CommitAppend());
        });
    }

    [TestMethod]
    [DynamicData(nameof(LibraryTypes))]
    public void A_library_reservation_is_committed_whole_or_not_at_all(JournalRecordType type)
    {
        var (size, constant) = Library[type];
        AssertChangesNothing(writer =>
        {
            ValidPayload(type, 1).CopyTo(writer.BeginAppend(type, 1, size));
            foreach (var length in new[] { 0, size - 1 })
            {
                var thrown = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.CommitAppend(length));
                Assert.AreEqual("payloadLength", thrown.ParamName);
                StringAssert.StartsWith(
                    thrown.Message,
                    $"payloadLength: {length} bytes, but a {type} record's payload is exactly the reserved {size} bytes (OrderBookRecordCodec.{constant}), "
                    + "the only size recovery reads: commit all of it or call AbortAppend");
            }

            // The reservation is still pending until aborted; then the journal is as it was.
            Assert.ThrowsExactly<InvalidOperationException>(() => writer.Append(JournalRecordType.ApplicationBase, 1, [1]));
            writer.AbortAppend();
        });
    }

    /// <summary>After the prefix records, the journal holds exactly <paramref name="expected"/>'s payloads, each of <paramref name="type"/>, intact.</summary>
    private static void AssertJournalHolds(Layout layout, JournalRecordType type, List<byte[]> expected)
    {
        var (records, fault) = JournalTestData.ReadAll(layout.Journal, PrefixRecords + 1);
        Assert.IsNull(fault);
        Assert.HasCount(expected.Count, records);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.AreEqual(type, records[i].Type);
            CollectionAssert.AreEqual(expected[i], records[i].Payload, $"record {i + 1} of {type}");
        }
    }

    /// <summary>
    /// Runs <paramref name="refuse"/> on a journal holding the prefix records; afterwards no sequence was taken, no byte
    /// of the journal changed, and it reopens and recovers to the prefix.
    /// </summary>
    private static void AssertChangesNothing(Action<JournalWriter> refuse)
    {
        using var layout = new Layout();
        using (var writer = JournalWriter.Open(layout.Journal, Options))
        {
            AppendPrefix(writer);
            writer.Flush();
            var before = JournalTestData.Snapshot(layout.Journal);
            refuse(writer);
            Assert.AreEqual(PrefixRecords, writer.LastSequence);
            writer.Flush();
            AssertSameFiles(before, JournalTestData.Snapshot(layout.Journal));
        }

        AssertReopensAndRecovers(layout, PrefixRecords);
    }

    [TestMethod]
    [DynamicData(nameof(LibraryTypes))]
    public void The_codec_size_of_a_library_type_is_accepted_on_every_append_path_and_recovers(JournalRecordType type)
    {
        var size = Library[type].Size;
        using var layout = new Layout();
        var expected = new List<byte[]>();
        using (var writer = JournalWriter.Open(layout.Journal, Options))
        {
            AppendPrefix(writer);
            var payload = ValidPayload(type, 1);
            Assert.AreEqual(JournalAppendStatus.Appended, writer.TryAppend(type, 1, payload, out var sequence));
            Assert.AreEqual(PrefixRecords + 1L, sequence);
            expected.Add(payload);

            payload = ValidPayload(type, 2);
            Assert.AreEqual(PrefixRecords + 2L, writer.Append(type, 2, payload));
            expected.Add(payload);

            payload = ValidPayload(type, 3);
            Assert.AreEqual(PrefixRecords + 3L, writer.Append(type, payload));
            expected.Add(payload);

            payload = ValidPayload(type, 4);
            payload.CopyTo(writer.BeginAppend(type, 4, size));
            Assert.AreEqual(PrefixRecords + 4L, writer.CommitAppend());
            expected.Add(payload);

            payload = ValidPayload(type, 5);
            payload.CopyTo(writer.BeginAppend(type, 5, size));
            Assert.AreEqual(PrefixRecords + 5L, writer.CommitAppend(size));
            expected.Add(payload);
        }

        AssertJournalHolds(layout, type, expected);

        AssertReopensAndRecovers(layout, PrefixRecords + expected.Count);
    }

    [TestMethod]
    [DataRow(0x1000, 0)]
    [DataRow(0x1000, 1)]
    [DataRow(0x1000, 15)]
    [DataRow(0x1000, 16)]
    [DataRow(0x1000, 32)]
    [DataRow(0x1000, 47)]
    [DataRow(0x1001, 48)]
    [DataRow(0x1004, 72)]
    [DataRow(0x1005, 300)]
    [DataRow(0xFFFF, 49)]
    [DataRow(0xFFFF, -1)]
    public void An_application_type_accepts_any_payload_size_on_every_append_path(int value, int length)
    {
        var type = (JournalRecordType)value;
        using var layout = new Layout();
        var expected = new List<byte[]>();
        using (var writer = JournalWriter.Open(layout.Journal, Options))
        {
            // -1 stands for the largest payload the journal holds.
            length = length < 0 ? writer.MaxPayloadLength : length;
            AppendPrefix(writer);
            for (var path = 0; path < 4; path++)
            {
                var payload = JournalTestData.Payload(path, length);
                var sequence = path switch
                {
                    0 => writer.TryAppend(type, path, payload, out var appended) == JournalAppendStatus.Appended ? appended : -1,
                    1 => writer.Append(type, path, payload),
                    2 => writer.Append(type, payload),
                    _ => Reserve(writer, type, path, length, payload),
                };
                Assert.AreEqual(PrefixRecords + 1L + path, sequence, $"path {path}");
                expected.Add(payload);
            }
        }

        AssertJournalHolds(layout, type, expected);

        var report = AssertReopensAndRecovers(layout, PrefixRecords + expected.Count);
        Assert.AreEqual(expected.Count, report.UnhandledApplicationRecords);

        // Reserves up to 8 bytes more than it commits, as an application may.
        static long Reserve(JournalWriter writer, JournalRecordType type, long timestamp, int length, byte[] payload)
        {
            var span = writer.BeginAppend(type, timestamp, Math.Min(length + 8, writer.MaxPayloadLength));
            payload.CopyTo(span);
            return writer.CommitAppend(length);
        }
    }

    /// <summary>
    /// Over random (type, payload length, append path) attempts: the writer accepts exactly the attempts a model of the
    /// documented sizes accepts, a refused library attempt is one recovery could not have decoded, and the journal of
    /// everything accepted reopens and recovers without a malformed record. Accepted library records carry a
    /// well-formed payload of their type: the writer checks sizes, not content.
    /// </summary>
    [TestMethod]
    public void The_writer_accepts_exactly_what_recovery_can_decode()
    {
        JournalRecordType[] types = [.. Library.Keys, JournalRecordType.ApplicationBase, JournalRecordType.ApplicationBase + 5, (JournalRecordType)ushort.MaxValue];
        var attempt =
            from type in Gen.Elements(types)
            from length in Gen.OneOf(Gen.Choose(0, 120), Gen.Elements(Library.Values.Select(v => v.Size).Distinct().ToArray()))
            from path in Gen.Choose(0, 3)
            from seed in Gen.Choose(0, int.MaxValue)
            select (Type: type, Length: length, Path: path, Seed: seed);
        var scenario = Gen.Choose(1, 60).SelectMany(n => Gen.ArrayOf(attempt, n));

        var cases = 0;
        var libraryAccepted = 0;
        var libraryRefused = 0;
        var property = Prop.ForAll(scenario.ToArbitrary(), attempts =>
        {
            cases++;
            using var layout = new Layout();
            var stored = new List<(JournalRecordType Type, byte[] Payload)>();
            var bookRecords = 2;
            using (var writer = JournalWriter.Open(layout.Journal, Options))
            {
                AppendPrefix(writer);
                for (var i = 0; i < attempts.Length; i++)
                {
                    var (type, length, path, seed) = attempts[i];
                    var isLibrary = Library.TryGetValue(type, out var layoutOfType);
                    var model = !isLibrary || length == layoutOfType.Size;
                    byte[] payload;
                    if (isLibrary && model)
                    {
                        payload = ValidPayload(type, i);
                    }
                    else
                    {
                        payload = new byte[length];
                        new Random(seed).NextBytes(payload);
                    }

                    var accepted = TryAppend(writer, type, payload, path, isLibrary ? layoutOfType.Size : length + 8);
                    Assert.AreEqual(model, accepted, $"attempt {i}: {type} with {length} bytes on path {path}");
                    if (accepted)
                    {
                        stored.Add((type, payload));
                        bookRecords += type is JournalRecordType.OrderAdded or JournalRecordType.OrderCancelled
                            or JournalRecordType.OrderModified or JournalRecordType.MarketOrder ? 1 : 0;
                        libraryAccepted += isLibrary ? 1 : 0;
                    }
                    else
                    {
                        // Not over-strict: recovery's decoder would have refused this record as malformed.
                        Assert.IsFalse(RecoveryDecodes(type, payload), $"attempt {i}: {type} with {length} bytes was refused but decodes");
                        libraryRefused++;
                    }

                    Assert.AreEqual(PrefixRecords + stored.Count, writer.LastSequence);
                }
            }

            var (records, fault) = JournalTestData.ReadAll(layout.Journal, PrefixRecords + 1);
            Assert.IsNull(fault);
            Assert.HasCount(stored.Count, records);
            for (var i = 0; i < stored.Count; i++)
            {
                Assert.AreEqual(stored[i].Type, records[i].Type);
                CollectionAssert.AreEqual(stored[i].Payload, records[i].Payload);
            }

            var report = AssertReopensAndRecovers(layout, PrefixRecords + stored.Count);
            Assert.AreEqual(bookRecords, report.BookRecords);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), property);

        // The scenarios must exercise both sides of the rule for library types.
        Assert.AreEqual(40, cases);
        Assert.IsGreaterThanOrEqualTo(40, libraryAccepted, $"library records accepted, in {cases} cases");
        Assert.IsGreaterThanOrEqualTo(40, libraryRefused, $"library records refused, in {cases} cases");
    }

    /// <summary>Appends on one of four paths and says whether the record was stored; a refusal must leave nothing pending.</summary>
    private static bool TryAppend(JournalWriter writer, JournalRecordType type, byte[] payload, int path, int reserve)
    {
        var last = writer.LastSequence;
        switch (path)
        {
            case 0:
                var status = writer.TryAppend(type, 1, payload, out _);
                Assert.AreNotEqual(JournalAppendStatus.InvalidRecordType, status);
                Assert.AreNotEqual(JournalAppendStatus.PayloadTooLarge, status);
                return status == JournalAppendStatus.Appended;
            case 1:
                try
                {
                    writer.Append(type, 1, payload);
                    return true;
                }
                catch (ArgumentException e)
                {
                    Assert.AreEqual("payload", e.ParamName);
                    return false;
                }

            case 2:
                // Reserve exactly the payload, commit it whole.
                try
                {
                    payload.CopyTo(writer.BeginAppend(type, 1, payload.Length));
                }
                catch (ArgumentException e)
                {
                    Assert.AreEqual("maxPayloadLength", e.ParamName);
                    return false;
                }

                writer.CommitAppend();
                return true;
            default:
                // Reserve the type's size (a library type) or more than the payload (an application type), commit the payload.
                var span = writer.BeginAppend(type, 1, reserve);
                payload.AsSpan(0, Math.Min(payload.Length, span.Length)).CopyTo(span);
                try
                {
                    writer.CommitAppend(payload.Length);
                    return true;
                }
                catch (ArgumentOutOfRangeException e)
                {
                    Assert.AreEqual("payloadLength", e.ParamName);
                    writer.AbortAppend();
                    Assert.AreEqual(last, writer.LastSequence);
                    return false;
                }
        }
    }

    /// <summary>What recovery does with a library record's payload, restated: decode it with the codec's reader for its type.</summary>
    private static bool RecoveryDecodes(JournalRecordType type, byte[] payload) => type switch
    {
        JournalRecordType.OrderAdded or JournalRecordType.MarketOrder =>
            OrderBookRecordCodec.TryReadOrder(payload, out var order) && OrderBookRecordCodec.RecordTypeOf(order) == type,
        JournalRecordType.OrderCancelled => OrderBookRecordCodec.TryReadCancel(payload, out _, out _),
        JournalRecordType.OrderModified => OrderBookRecordCodec.TryReadModify(payload, out _, out _, out _, out _),
        JournalRecordType.Trade => OrderBookRecordCodec.TryReadTrade(payload, out _),
        JournalRecordType.Checkpoint => OrderBookRecordCodec.TryReadCheckpoint(payload, out _, out _),
        _ => true,
    };

    /// <summary>
    /// A well-formed payload of a library type that recovery applies after <see cref="AppendPrefix"/>: a resting bid, a
    /// market sell, a cancel or modify of such a bid, the prefix's trade (id 1), or a checkpoint of sequence 0 (before
    /// the prefix's book changes, so it is not compared).
    /// </summary>
    private static byte[] ValidPayload(JournalRecordType type, int n)
    {
        var payload = new byte[Library[type].Size];
        switch (type)
        {
            case JournalRecordType.OrderAdded:
                OrderBookRecordCodec.WriteOrder(payload, OrderRequest.Limit(1000 + n, 7, Side.Buy, new Price(50 + (n % 5)), new Quantity(1 + (n % 3)), timestamp: n));
                break;
            case JournalRecordType.MarketOrder:
                OrderBookRecordCodec.WriteOrder(payload, OrderRequest.Market(100_000 + n, 8, Side.Sell, new Quantity(1), timestamp: n));
                break;
            case JournalRecordType.OrderCancelled:
                OrderBookRecordCodec.WriteCancel(payload, 1000 + n - 1, n);
                break;
            case JournalRecordType.OrderModified:
                OrderBookRecordCodec.WriteModify(payload, 1000 + n - 1, new Price(49), new Quantity(2), n);
                break;
            case JournalRecordType.Trade:
                OrderBookRecordCodec.WriteTrade(payload, new Trade
                {
                    TradeId = 1, Price = new Price(100), Quantity = new Quantity(1), MakerOrderId = 1, MakerOwnerId = 1,
                    TakerOrderId = 2, TakerOwnerId = 2, TakerSide = Side.Buy, MakerFilled = true, Timestamp = 2,
                });
                break;
            default:
                OrderBookRecordCodec.WriteCheckpoint(payload, 0, 0);
                break;
        }

        return payload;
    }

    /// <summary>Two crossing orders and their trade (trade id 1): <see cref="PrefixRecords"/> records.</summary>
    private static void AppendPrefix(JournalWriter writer)
    {
        writer.AppendOrder(OrderRequest.Limit(1, 1, Side.Sell, new Price(100), new Quantity(1), timestamp: 1), 1);
        writer.AppendOrder(OrderRequest.Limit(2, 2, Side.Buy, new Price(100), new Quantity(1), timestamp: 2), 2);
        writer.AppendTrade(
            new Trade
            {
                TradeId = 1, Price = new Price(100), Quantity = new Quantity(1), MakerOrderId = 1, MakerOwnerId = 1,
                TakerOrderId = 2, TakerOwnerId = 2, TakerSide = Side.Buy, MakerFilled = true, Timestamp = 2,
            },
            2);
    }

    /// <summary>The journal reopens for writing where it ended, and recovery replays all of it.</summary>
    private static RecoveryReport AssertReopensAndRecovers(Layout layout, long lastSequence)
    {
        using (var writer = JournalWriter.Open(layout.Journal, Options))
        {
            Assert.IsNull(writer.RepairedTail);
            Assert.AreEqual(lastSequence, writer.LastSequence);
        }

        var result = OrderBookRecovery.Recover(layout.Journal, layout.Snapshots, new RecoveryOptions { Instrument = TestBooks.Instrument });
        Assert.AreEqual(lastSequence, result.Report.LastSequence);
        Assert.AreEqual(lastSequence, result.Report.RecordsReplayed);
        Assert.IsNull(result.Report.TruncatedTail);
        Assert.IsGreaterThanOrEqualTo(1, result.Book.LastTradeId, "the prefix's two orders trade");
        return result.Report;
    }

    private static void AssertSameFiles(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after)
    {
        CollectionAssert.AreEquivalent(before.Keys.ToList(), after.Keys.ToList());
        foreach (var (path, bytes) in before)
        {
            CollectionAssert.AreEqual(bytes, after[path], path);
        }
    }

    private static string ExpectedMessage(string parameter, JournalRecordType type, int length) =>
        $"{parameter}: {length} bytes, but a {type} record's payload is exactly {Library[type].Size} bytes (OrderBookRecordCodec.{Library[type].Constant}), "
        + "the only size recovery reads: write it with OrderBookRecordCodec, or use an application type (ApplicationBase and above) for a payload of your own "
        + $"(Parameter '{parameter}')";

    private sealed class Layout : IDisposable
    {
        private readonly TempJournalDirectory _root = new();

        public string Journal => Path.Combine(_root.Path, "journal");

        public SnapshotStore Snapshots => new(Path.Combine(_root.Path, "snapshots"), TestBooks.Instrument);

        public void Dispose() => _root.Dispose();
    }
}
