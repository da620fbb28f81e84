using System.Diagnostics.CodeAnalysis;
using System.Text;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// The products a Coinbase connection follows, each with its <see cref="InstrumentSpec"/> (whose
/// <see cref="InstrumentSpec.Symbol"/> is the Coinbase product id, e.g. <c>BTC-USD</c>) and its
/// <see cref="DepthBook"/>. A product is addressed by its index (0 to <see cref="Count"/> - 1), which every
/// decoded event carries so that nothing on the hot path needs a string.
/// </summary>
/// <remarks>Not thread-safe: the thread that decodes the feed owns the books.</remarks>
public sealed class CoinbaseProductBooks
{
    private readonly InstrumentSpec[] _instruments;
    private readonly DepthBook[] _books;
    private readonly byte[][] _utf8Ids;
    private readonly GridStep[] _ticks;
    private readonly GridStep[] _lots;

    /// <summary>Creates a book per instrument.</summary>
    /// <param name="instruments">The products, in index order; at least one, no product id twice.</param>
    /// <param name="levelCapacity">Levels per side each book preallocates; positive.</param>
    /// <exception cref="ArgumentNullException"><paramref name="instruments"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">The list is empty or names a product twice.</exception>
    public CoinbaseProductBooks(IEnumerable<InstrumentSpec> instruments, int levelCapacity = 256)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(levelCapacity);
        _instruments = [.. instruments];
        if (_instruments.Length == 0)
        {
            throw new ArgumentException("instruments must name at least one product.", nameof(instruments));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instrument in _instruments)
        {
            ArgumentNullException.ThrowIfNull(instrument, nameof(instruments));
            if (!seen.Add(instrument.Symbol))
            {
                throw new ArgumentException($"instruments names product '{instrument.Symbol}' twice.", nameof(instruments));
            }
        }

        _books = [.. _instruments.Select(i => new DepthBook(i, levelCapacity))];
        _utf8Ids = [.. _instruments.Select(i => Encoding.UTF8.GetBytes(i.Symbol))];
        _ticks = [.. _instruments.Select(i => new GridStep(i.TickSize))];
        _lots = [.. _instruments.Select(i => new GridStep(i.LotSize))];
    }

    /// <summary>The number of products.</summary>
    public int Count => _instruments.Length;

    /// <summary>The product ids, in index order.</summary>
    public IEnumerable<string> ProductIds => _instruments.Select(i => i.Symbol);

    /// <summary>The instrument of product <paramref name="index"/>.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is not a product index.</exception>
    public InstrumentSpec GetInstrument(int index) => _instruments[index];

    /// <summary>The book of product <paramref name="index"/>.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is not a product index.</exception>
    public DepthBook GetBook(int index) => _books[index];

    /// <summary>The index of <paramref name="productId"/>, or -1 when it is not followed.</summary>
    public int IndexOf(string productId)
    {
        ArgumentNullException.ThrowIfNull(productId);
        return Array.FindIndex(_instruments, i => i.Symbol == productId);
    }

    /// <summary>The index of a UTF-8 product id, or -1 when it is not followed. Allocates nothing.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8ProductId)
    {
        // A linear scan: a connection follows a handful of products, and comparing a few short ids beats hashing.
        for (var i = 0; i < _utf8Ids.Length; i++)
        {
            if (utf8ProductId.SequenceEqual(_utf8Ids[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Parses a price of product <paramref name="index"/>: integer fast path, exact decimal rules on anything unusual.</summary>
    internal bool TryParsePrice(int index, ReadOnlySpan<byte> text, bool allowZero, out Price price, [NotNullWhen(false)] out string? error, string field)
    {
        var instrument = _instruments[index];
        if (FixedPointParser.TryParseSteps(text, _ticks[index], out var ticks) && ticks <= instrument.MaxPrice.Ticks && (ticks > 0 || allowZero))
        {
            price = new Price(ticks);
            error = null;
            return true;
        }

        return instrument.TryParsePrice(text, out price, out error, field);
    }

    /// <summary>Parses a book size (0 allowed) of product <paramref name="index"/>.</summary>
    internal bool TryParseSize(int index, ReadOnlySpan<byte> text, out Quantity quantity, [NotNullWhen(false)] out string? error, string field)
    {
        if (FixedPointParser.TryParseSteps(text, _lots[index], out var lots))
        {
            quantity = new Quantity(lots);
            error = null;
            return true;
        }

        return _instruments[index].TryParseQuantity(text, out quantity, out error, field, allowZero: true);
    }
}
