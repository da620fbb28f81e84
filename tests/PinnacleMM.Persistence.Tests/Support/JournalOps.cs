using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>Journals <see cref="TestBooks.Op"/>s with the order-book record codecs.</summary>
internal static class JournalOps
{
    public static long Append(JournalWriter writer, TestBooks.Op op) => op switch
    {
        TestBooks.SubmitOp s => writer.AppendOrder(s.Order, s.Order.Timestamp),
        TestBooks.CancelOp c => writer.AppendCancel(c.OrderId, c.Timestamp),
        TestBooks.ModifyOp m => writer.AppendModify(m.OrderId, new Price(m.Price), new Quantity(m.Quantity), m.Timestamp),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static JournalOptions Small => new() { SegmentSize = 16 * 1024, SyncPolicy = JournalSyncPolicy.None, PrefaultBytes = 0 };
}
