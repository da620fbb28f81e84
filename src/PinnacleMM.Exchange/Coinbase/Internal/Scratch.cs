namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>A reusable list of structs that only grows: cleared per message, so a warmed-up decoder allocates nothing.</summary>
internal sealed class Scratch<T>(int capacity)
    where T : struct
{
    private T[] _items = new T[capacity];

    public int Count { get; private set; }

    public Span<T> Items => _items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void Add(in T item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = item;
    }
}
