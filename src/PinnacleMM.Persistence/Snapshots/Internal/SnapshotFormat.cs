using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal.Internal;

namespace PinnacleMM.Persistence.Snapshots.Internal;

/// <summary>
/// Snapshot file format, version 1 (little-endian; documented in the package README).
/// <code>
/// header (96 bytes)
///  0 magic "PMMSNAP\0" | 8 version u16 = 1 | 10 header size u16 = 96 | 12 zero u32
/// 16 journal sequence i64 | 24 created, Unix ns i64 | 32 body length i64 | 40 symbol length u8 | 41..47 zero
/// 48 symbol, 32 bytes ASCII, zero padded | 80..95 zero
/// body
///  0 last trade id i64 | 8 state hash i64 | 16 bid orders i64 | 24 ask orders i64
/// 32 bid levels i32 | 36 ask levels i32 | 40 section count i32 | 44 zero i32
/// 48 orders, 48 bytes each: bids best price first, then asks best price first, each level in queue order
///    orderId i64 | ownerId i64 | price ticks i64 | remaining lots i64 | timestamp i64 | side u8 | stp u8 | postOnly u8 | 5 zero
///    sections: name length u16 (1..255) | zero u16 | data length i32 | name (UTF-8) | data
/// trailer: CRC-32C u32 of header and body
/// </code>
/// </summary>
internal static class SnapshotFormat
{
    public const string Extension = ".snapshot";
    public const string TempExtension = ".tmp";
    public const ulong Magic = 0x0050414E534D4D50UL; // "PMMSNAP\0"
    public const ushort Version = 1;
    public const int HeaderSize = 96;
    public const int BookHeaderSize = 48;
    public const int OrderSize = 48;
    public const int SectionHeaderSize = 8;
    public const int TrailerSize = 4;
    public const int MaxNameBytes = 255;
    private const int SymbolSize = 32;

    public static string FileName(long sequence) => sequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string fileName, out long sequence)
    {
        sequence = 0;
        return fileName.Length == 20 + Extension.Length
            && fileName.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>Encodes the whole file into a pooled buffer. The book and providers are read once, on the calling thread.</summary>
    public static EncodedSnapshot Encode(OrderBook book, long journalSequence, long createdNs, IReadOnlyList<ISnapshotStateProvider> providers)
    {
        var sections = new (byte[] Name, ArrayBufferWriter<byte> Data)[providers.Count];
        long sectionBytes = 0;
        for (var i = 0; i < providers.Count; i++)
        {
            var data = new ArrayBufferWriter<byte>();
            providers[i].Write(data);
            sections[i] = (Encoding.UTF8.GetBytes(providers[i].Name), data);
            sectionBytes += SectionHeaderSize + sections[i].Name.Length + data.WrittenCount;
        }

        var bidOrders = 0L;
        var askOrders = 0L;
        foreach (var unused in book.GetOrders(Side.Buy))
        {
            bidOrders++;
        }

        foreach (var unused in book.GetOrders(Side.Sell))
        {
            askOrders++;
        }

        var bodyLength = BookHeaderSize + ((bidOrders + askOrders) * OrderSize) + sectionBytes;
        var total = HeaderSize + bodyLength + TrailerSize;
        if (total > Array.MaxLength)
        {
            throw new SnapshotException($"The snapshot of {book.Instrument.Symbol} would be {total} bytes; at most {Array.MaxLength} bytes are supported");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)total);
        var file = buffer.AsSpan(0, (int)total);
        file.Clear();
        var stateHash = book.ComputeStateHash();

        BinaryPrimitives.WriteUInt64LittleEndian(file, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(file[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(file[10..], HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(file[16..], journalSequence);
        BinaryPrimitives.WriteInt64LittleEndian(file[24..], createdNs);
        BinaryPrimitives.WriteInt64LittleEndian(file[32..], bodyLength);
        var symbolLength = Encoding.ASCII.GetBytes(book.Instrument.Symbol, file.Slice(48, SymbolSize));
        file[40] = (byte)symbolLength;

        var body = file.Slice(HeaderSize, (int)bodyLength);
        BinaryPrimitives.WriteInt64LittleEndian(body, book.LastTradeId);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], stateHash);
        BinaryPrimitives.WriteInt64LittleEndian(body[16..], bidOrders);
        BinaryPrimitives.WriteInt64LittleEndian(body[24..], askOrders);
        BinaryPrimitives.WriteInt32LittleEndian(body[32..], book.BidLevelCount);
        BinaryPrimitives.WriteInt32LittleEndian(body[36..], book.AskLevelCount);
        BinaryPrimitives.WriteInt32LittleEndian(body[40..], providers.Count);
        var offset = BookHeaderSize;
        foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
        {
            foreach (var order in book.GetOrders(side))
            {
                var slot = body.Slice(offset, OrderSize);
                BinaryPrimitives.WriteInt64LittleEndian(slot, order.OrderId);
                BinaryPrimitives.WriteInt64LittleEndian(slot[8..], order.OwnerId);
                BinaryPrimitives.WriteInt64LittleEndian(slot[16..], order.Price.Ticks);
                BinaryPrimitives.WriteInt64LittleEndian(slot[24..], order.Remaining.Lots);
                BinaryPrimitives.WriteInt64LittleEndian(slot[32..], order.Timestamp);
                slot[40] = (byte)order.Side;
                slot[41] = (byte)order.SelfTradePrevention;
                slot[42] = order.PostOnly ? (byte)1 : (byte)0;
                offset += OrderSize;
            }
        }

        foreach (var (name, data) in sections)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(body[offset..], (ushort)name.Length);
            BinaryPrimitives.WriteInt32LittleEndian(body[(offset + 4)..], data.WrittenCount);
            offset += SectionHeaderSize;
            name.CopyTo(body[offset..]);
            offset += name.Length;
            data.WrittenSpan.CopyTo(body[offset..]);
            offset += data.WrittenCount;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(file[(int)(HeaderSize + bodyLength)..], Crc32C.Compute(file[..(int)(HeaderSize + bodyLength)]));
        return new EncodedSnapshot(buffer, (int)total, journalSequence, createdNs, bidOrders + askOrders, stateHash);
    }

    /// <summary>Checks a whole file and restores its book; returns the fault instead when any check fails.</summary>
    public static SnapshotFault? TryDecode(
        string path, ReadOnlySpan<byte> file, long nameSequence, InstrumentSpec instrument, out LoadedSnapshot? snapshot)
    {
        snapshot = null;
        if (file.Length < HeaderSize)
        {
            return !file.ContainsAnyExcept((byte)0) && file.Length > 0
                ? Fault(path, SnapshotFaultReason.ZeroFilled, "the file holds only zero bytes")
                : Fault(path, SnapshotFaultReason.Truncated, $"the file has {file.Length} bytes, less than the {HeaderSize}-byte header");
        }

        var header = file[..HeaderSize];
        if (!header.ContainsAnyExcept((byte)0))
        {
            return Fault(path, SnapshotFaultReason.ZeroFilled, "the header is all zero bytes");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header) != Magic)
        {
            return Fault(path, SnapshotFaultReason.NotASnapshot, "the file does not start with the magic 'PMMSNAP'");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != Version)
        {
            return Fault(path, SnapshotFaultReason.UnsupportedVersion, $"format version {version}; this library reads version {Version}");
        }

        var bodyLength = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
        var symbolLength = header[40];
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[10..]) != HeaderSize
            || BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != 0
            || header[41..48].ContainsAnyExcept((byte)0)
            || header[80..].ContainsAnyExcept((byte)0)
            || symbolLength is 0 or > SymbolSize
            || bodyLength < BookHeaderSize)
        {
            return Fault(path, SnapshotFaultReason.InvalidHeader, "header size, reserved bytes, symbol length or body length are invalid");
        }

        var expectedLength = HeaderSize + bodyLength + TrailerSize;
        if (file.Length < expectedLength)
        {
            return Fault(path, SnapshotFaultReason.Truncated, $"the file has {file.Length} bytes; its header declares {expectedLength}");
        }

        if (file.Length > expectedLength)
        {
            return Fault(path, SnapshotFaultReason.InvalidHeader, $"the file has {file.Length} bytes; its header declares only {expectedLength}");
        }

        var covered = file[..(int)(HeaderSize + bodyLength)];
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(file[covered.Length..]);
        var actual = Crc32C.Compute(covered);
        if (stored != actual)
        {
            return Fault(path, SnapshotFaultReason.ChecksumMismatch, $"CRC-32C of header and body is 0x{actual:X8}, the trailer says 0x{stored:X8}");
        }

        var symbol = Encoding.ASCII.GetString(header.Slice(48, symbolLength));
        if (!string.Equals(symbol, instrument.Symbol, StringComparison.Ordinal) || header.Slice(48 + symbolLength, SymbolSize - symbolLength).ContainsAnyExcept((byte)0))
        {
            return Fault(path, SnapshotFaultReason.InstrumentMismatch, $"the snapshot is of '{symbol}', expected '{instrument.Symbol}'");
        }

        var sequence = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (sequence != nameSequence)
        {
            return Fault(path, SnapshotFaultReason.NameMismatch, $"the header says journal sequence {sequence}, the file name {nameSequence}");
        }

        var created = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        var error = TryDecodeBody(covered[HeaderSize..], instrument, out var book, out var sections, out var stateHash);
        if (error is not null)
        {
            return Fault(path, SnapshotFaultReason.InvalidBody, error);
        }

        var info = new SnapshotInfo(path, sequence, created, file.Length, book!.OrderCount, stateHash);
        snapshot = new LoadedSnapshot(info, book, sections!);
        return null;
    }

    private static string? TryDecodeBody(
        ReadOnlySpan<byte> body, InstrumentSpec instrument, out OrderBook? book, out Dictionary<string, ReadOnlyMemory<byte>>? sections, out long stateHash)
    {
        book = null;
        sections = null;
        var lastTradeId = BinaryPrimitives.ReadInt64LittleEndian(body);
        stateHash = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
        var bidOrders = BinaryPrimitives.ReadInt64LittleEndian(body[16..]);
        var askOrders = BinaryPrimitives.ReadInt64LittleEndian(body[24..]);
        var bidLevels = BinaryPrimitives.ReadInt32LittleEndian(body[32..]);
        var askLevels = BinaryPrimitives.ReadInt32LittleEndian(body[36..]);
        var sectionCount = BinaryPrimitives.ReadInt32LittleEndian(body[40..]);
        var maxOrders = (body.Length - BookHeaderSize) / OrderSize;
        if (lastTradeId < 0 || bidOrders < 0 || askOrders < 0 || bidOrders + askOrders > maxOrders
            || bidLevels < 0 || askLevels < 0 || bidLevels > bidOrders || askLevels > askOrders
            || sectionCount < 0 || BinaryPrimitives.ReadInt32LittleEndian(body[44..]) != 0)
        {
            return "the book header's counts are out of range";
        }

        var orderCount = (int)(bidOrders + askOrders);

        // Half again as much room as the snapshot needs: the journal replayed next usually adds orders,
        // and growing a million-order book means copying its storage and rehashing its index.
        book = new OrderBook(instrument, new OrderBookOptions
        {
            InitialOrderCapacity = Math.Max(16, orderCount + (orderCount / 2)),
            InitialLevelCapacity = Math.Max(16, Math.Max(bidLevels, askLevels) + (Math.Max(bidLevels, askLevels) / 2)),
        });
        var offset = BookHeaderSize;
        for (var i = 0; i < orderCount; i++, offset += OrderSize)
        {
            var slot = body.Slice(offset, OrderSize);
            var expectedSide = i < bidOrders ? Side.Buy : Side.Sell;
            if (slot[40] != (byte)expectedSide || slot[41] > (byte)SelfTradePrevention.CancelBoth || slot[42] > 1 || slot[43..].ContainsAnyExcept((byte)0))
            {
                return $"order #{i} has an invalid side, self-trade prevention, post-only or reserved byte";
            }

            var order = new OrderInfo
            {
                OrderId = BinaryPrimitives.ReadInt64LittleEndian(slot),
                OwnerId = BinaryPrimitives.ReadInt64LittleEndian(slot[8..]),
                Price = new Price(BinaryPrimitives.ReadInt64LittleEndian(slot[16..])),
                Remaining = new Quantity(BinaryPrimitives.ReadInt64LittleEndian(slot[24..])),
                Timestamp = BinaryPrimitives.ReadInt64LittleEndian(slot[32..]),
                Side = expectedSide,
                SelfTradePrevention = (SelfTradePrevention)slot[41],
                PostOnly = slot[42] == 1,
            };
            try
            {
                book.RestoreOrder(order);
            }
            catch (ArgumentException e)
            {
                return $"order #{i}: {e.Message}";
            }
        }

        book.RestoreLastTradeId(lastTradeId);
        if (book.BidLevelCount != bidLevels || book.AskLevelCount != askLevels)
        {
            return $"the orders make {book.BidLevelCount} bid and {book.AskLevelCount} ask levels; the header says {bidLevels} and {askLevels} (prices out of priority order)";
        }

        var hash = book.ComputeStateHash();
        if (hash != stateHash)
        {
            return $"the restored book's state hash is {hash}, the snapshot recorded {stateHash}";
        }

        sections = new Dictionary<string, ReadOnlyMemory<byte>>(sectionCount, StringComparer.Ordinal);
        for (var i = 0; i < sectionCount; i++)
        {
            if (body.Length - offset < SectionHeaderSize)
            {
                return $"section #{i} runs past the end of the body";
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(body[offset..]);
            var dataLength = BinaryPrimitives.ReadInt32LittleEndian(body[(offset + 4)..]);
            if (nameLength is 0 or > MaxNameBytes || BinaryPrimitives.ReadUInt16LittleEndian(body[(offset + 2)..]) != 0
                || dataLength < 0 || (long)nameLength + dataLength > body.Length - offset - SectionHeaderSize)
            {
                return $"section #{i} has an invalid name or data length";
            }

            offset += SectionHeaderSize;
            string name;
            try
            {
                name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.Slice(offset, nameLength));
            }
            catch (DecoderFallbackException)
            {
                return $"section #{i}'s name is not valid UTF-8";
            }

            offset += nameLength;
            if (!sections.TryAdd(name, body.Slice(offset, dataLength).ToArray()))
            {
                return $"section '{name}' occurs twice";
            }

            offset += dataLength;
        }

        return offset == body.Length ? null : $"{body.Length - offset} bytes follow the last section";
    }

    private static SnapshotFault Fault(string path, SnapshotFaultReason reason, string detail) => new(path, reason, detail);
}
