using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>
/// Records whose type, timestamp and payload are a function of their sequence number: the crash child process
/// writes them and the journal tests check them, so both compile this one file. The types are application types
/// (<see cref="JournalRecordType.ApplicationBase"/> + 0 to 5): the payloads are of any length up to 299 bytes, which
/// the writer accepts only for application types (a library type's payload has its codec's fixed size).
/// </summary>
internal static class DeterministicRecords
{
    public static JournalRecordType TypeOf(long sequence) => JournalRecordType.ApplicationBase + (ushort)(sequence % 6);

    public static int LengthOf(long sequence) => (int)(sequence * 37 % 300);

    public static long TimestampOf(long sequence) => sequence * 1000;

    /// <summary>Fills <paramref name="payload"/> with the bytes of sequence <paramref name="sequence"/> (any length).</summary>
    public static void Fill(long sequence, Span<byte> payload)
    {
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)((sequence * 31) + (i * 7) + 1);
        }
    }
}
