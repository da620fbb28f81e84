using System.Buffers;

namespace PinnacleMM.Persistence.Snapshots;

/// <summary>
/// A named piece of application state (positions, P&amp;L, strategy state) that snapshots carry next to
/// the order book. The application registers its providers; a snapshot stores each one's bytes under
/// its <see cref="Name"/>, and recovery hands them back to the provider of the same name before the
/// journal records after the snapshot are replayed.
/// </summary>
/// <remarks>
/// The state written must be exactly the effect of the journal records up to the snapshot's sequence
/// (change the state only when applying journaled records, see
/// <see cref="Recovery.IApplicationRecordHandler"/>), so that replaying the later records on top of it
/// gives the state the application had.
/// </remarks>
public interface ISnapshotStateProvider
{
    /// <summary>The section name: 1 to 255 UTF-8 bytes, unique among the providers of one instrument, stable across versions.</summary>
    string Name { get; }

    /// <summary>Writes the current state (any binary encoding the provider chooses) to <paramref name="writer"/>.</summary>
    /// <param name="writer">Receives the bytes; they become the section's content.</param>
    void Write(IBufferWriter<byte> writer);

    /// <summary>Replaces the current state by the one <see cref="Write"/> wrote into a snapshot.</summary>
    /// <param name="data">The section's bytes, exactly as written.</param>
    /// <exception cref="ArgumentException">When the bytes are not a state this provider wrote (recovery then reports the section as invalid).</exception>
    void Restore(ReadOnlySpan<byte> data);
}
