using System.Diagnostics.CodeAnalysis;
using System.Text;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// Hands out the <see cref="InstrumentId"/> handles that normalized events carry, and maps them back to
/// the <see cref="InstrumentSpec"/> (grid, symbol). One registry is shared by the connectors and the
/// engine of an application, so that an id means the same instrument everywhere.
/// </summary>
/// <remarks>
/// Register instruments at start. Lookups are lock-free and allocation-free, also by UTF-8 symbol as
/// found in exchange JSON; registration takes a lock and copies the small tables, so readers on other
/// threads always see a complete table.
/// </remarks>
public sealed class InstrumentRegistry
{
    private readonly Lock _lock = new();
    private Entry[] _entries = [];

    /// <summary>The number of registered instruments; their ids are 1 to <see cref="Count"/>.</summary>
    public int Count => Volatile.Read(ref _entries).Length;

    /// <summary>Registers <paramref name="instrument"/> and returns its id (1 for the first, then 2, 3…).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="instrument"/> is null.</exception>
    /// <exception cref="ArgumentException">An instrument with the same symbol is already registered; the registry is unchanged.</exception>
    public InstrumentId Register(InstrumentSpec instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        lock (_lock)
        {
            var entries = _entries;
            foreach (var entry in entries)
            {
                if (entry.Spec.Symbol == instrument.Symbol)
                {
                    throw new ArgumentException($"instrument: symbol {instrument.Symbol} is already registered (as {entry.Id}).", nameof(instrument));
                }
            }

            var id = new InstrumentId(entries.Length + 1);
            var copy = new Entry[entries.Length + 1];
            entries.CopyTo(copy, 0);
            copy[^1] = new Entry(id, instrument, Encoding.UTF8.GetBytes(instrument.Symbol));
            Volatile.Write(ref _entries, copy);
            return id;
        }
    }

    /// <summary>The instrument registered under <paramref name="id"/>.</summary>
    /// <returns><see langword="false"/> when no instrument has that id.</returns>
    public bool TryGet(InstrumentId id, [NotNullWhen(true)] out InstrumentSpec? instrument)
    {
        var entries = Volatile.Read(ref _entries);
        var index = id.Value - 1;
        if ((uint)index < (uint)entries.Length)
        {
            instrument = entries[index].Spec;
            return true;
        }

        instrument = null;
        return false;
    }

    /// <summary>The instrument registered under <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">No instrument has that id; the message names it.</exception>
    public InstrumentSpec Get(InstrumentId id) =>
        TryGet(id, out var instrument) ? instrument : throw new ArgumentException($"instrument: {id} is not registered ({Count} instruments are).", nameof(id));

    /// <summary>The id of the instrument with <paramref name="symbol"/> (exact, case-sensitive).</summary>
    /// <returns><see langword="false"/> when no instrument has that symbol.</returns>
    public bool TryGetId(ReadOnlySpan<char> symbol, out InstrumentId id)
    {
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (symbol.SequenceEqual(entry.Spec.Symbol))
            {
                id = entry.Id;
                return true;
            }
        }

        id = default;
        return false;
    }

    /// <summary>The id of the instrument whose symbol is <paramref name="utf8Symbol"/> (as found in exchange JSON); allocation-free.</summary>
    /// <returns><see langword="false"/> when no instrument has that symbol.</returns>
    public bool TryGetId(ReadOnlySpan<byte> utf8Symbol, out InstrumentId id)
    {
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (utf8Symbol.SequenceEqual(entry.Utf8Symbol))
            {
                id = entry.Id;
                return true;
            }
        }

        id = default;
        return false;
    }

    private sealed record Entry(InstrumentId Id, InstrumentSpec Spec, byte[] Utf8Symbol);
}
