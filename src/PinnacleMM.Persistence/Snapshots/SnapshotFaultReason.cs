namespace PinnacleMM.Persistence.Snapshots;

/// <summary>Why a snapshot file was not used (see <see cref="SnapshotFault"/>). Values are stable.</summary>
public enum SnapshotFaultReason
{
    /// <summary>No fault.</summary>
    None = 0,

    /// <summary>The file is shorter than its header, or than the header plus the body and trailer it declares.</summary>
    Truncated = 1,

    /// <summary>The header is all zero bytes (a zero-filled file).</summary>
    ZeroFilled = 2,

    /// <summary>The file does not start with the snapshot magic: it is not a snapshot.</summary>
    NotASnapshot = 3,

    /// <summary>The file was written in a format version this library does not read.</summary>
    UnsupportedVersion = 4,

    /// <summary>The header's fixed fields (header size, reserved bytes, lengths) are invalid, or the file is longer than it declares.</summary>
    InvalidHeader = 5,

    /// <summary>The CRC-32C trailer does not match the header and body.</summary>
    ChecksumMismatch = 6,

    /// <summary>The snapshot is of another instrument.</summary>
    InstrumentMismatch = 7,

    /// <summary>The journal sequence in the header differs from the one in the file name.</summary>
    NameMismatch = 8,

    /// <summary>The body is malformed: an order or section breaks a rule, or the restored book's state hash differs from the recorded one.</summary>
    InvalidBody = 9,

    /// <summary>The journal no longer holds the records right after this snapshot (they were compacted away), so it cannot be brought up to date.</summary>
    JournalGap = 10,

    /// <summary>A registered state provider rejected its section.</summary>
    InvalidStateSection = 11,
}
