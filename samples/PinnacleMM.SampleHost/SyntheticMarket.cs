using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.SampleHost;

/// <summary>
/// A seeded stream of orders from three kinds of participants around a drifting fair value: market
/// makers quoting both sides (owners 1–3, post-only, with self-trade prevention), noise traders
/// placing and cancelling limit orders (owners 10–29, any self-trade prevention mode) and takers sending market and
/// immediate-or-cancel orders (owners 100–109). Prices are computed in quote currency and converted
/// at the edge through the <see cref="InstrumentSpec"/>, as an application would.
/// </summary>
internal sealed class SyntheticMarket(InstrumentSpec instrument, decimal startPrice, int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<long> _restingIds = [];
    private decimal _fairValue = startPrice;
    private long _nextId = 1;

    public decimal FairValue => _fairValue;

    /// <summary>Produces the next action and applies it to <paramref name="book"/>.</summary>
    public OrderResult Step(OrderBook book)
    {
        // A small random walk of the fair value, in whole ticks.
        if (_random.Next(8) == 0)
        {
            _fairValue += instrument.TickSize * _random.Next(-3, 4);
        }

        var roll = _random.Next(100);
        if (roll < 35)
        {
            return MakerQuote(book);
        }

        if (roll < 52)
        {
            return NoiseOrder(book);
        }

        if (roll < 82)
        {
            return CancelSomething(book);
        }

        return TakerOrder(book);
    }

    private OrderResult MakerQuote(OrderBook book)
    {
        var owner = 1 + _random.Next(3);
        var side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var distance = instrument.TickSize * _random.Next(1, 20);
        var price = side == Side.Buy ? _fairValue - distance : _fairValue + distance;
        var size = instrument.LotSize * _random.Next(100, 5_000);
        var request = OrderRequest.Limit(
            _nextId++, owner, side, instrument.GetPrice(price), instrument.GetQuantity(size),
            postOnly: true, selfTradePrevention: SelfTradePrevention.CancelResting);
        return Track(book, request);
    }

    private OrderResult NoiseOrder(OrderBook book)
    {
        var owner = 10 + _random.Next(20);
        var side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var distance = instrument.TickSize * _random.Next(-5, 60);
        var price = side == Side.Buy ? _fairValue - distance : _fairValue + distance;
        var size = instrument.LotSize * _random.Next(10, 2_000);
        var tif = _random.Next(10) == 0 ? TimeInForce.FillOrKill : TimeInForce.GoodTillCancel;
        var stp = (SelfTradePrevention)_random.Next(4);
        return Track(book, OrderRequest.Limit(_nextId++, owner, side, instrument.GetPrice(price), instrument.GetQuantity(size), tif, selfTradePrevention: stp));
    }

    private OrderResult TakerOrder(OrderBook book)
    {
        var owner = 100 + _random.Next(10);
        var side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var size = instrument.GetQuantity(instrument.LotSize * _random.Next(10, 3_000));
        if (_random.Next(2) == 0)
        {
            return book.Submit(OrderRequest.Market(_nextId++, owner, side, size));
        }

        var limit = side == Side.Buy ? _fairValue + (instrument.TickSize * 5) : _fairValue - (instrument.TickSize * 5);
        return book.Submit(OrderRequest.Limit(_nextId++, owner, side, instrument.GetPrice(limit), size, TimeInForce.ImmediateOrCancel));
    }

    private OrderResult CancelSomething(OrderBook book)
    {
        while (_restingIds.Count > 0)
        {
            var index = _random.Next(_restingIds.Count);
            var id = _restingIds[index];
            _restingIds[index] = _restingIds[^1];
            _restingIds.RemoveAt(_restingIds.Count - 1);
            if (!book.TryGetOrder(id, out var order))
            {
                continue;
            }

            // Half the time reduce in place (keeps queue priority), otherwise cancel.
            if (_random.Next(2) == 0 && order.Remaining.Lots > instrument.MinQuantity.Lots)
            {
                _restingIds.Add(id);
                return book.Modify(id, order.Price, new Quantity(order.Remaining.Lots / 2 < instrument.MinQuantity.Lots ? instrument.MinQuantity.Lots : order.Remaining.Lots / 2));
            }

            return book.Cancel(id);
        }

        return NoiseOrder(book);
    }

    private OrderResult Track(OrderBook book, in OrderRequest request)
    {
        var result = book.Submit(request);
        if (result.Resting.Lots > 0)
        {
            _restingIds.Add(request.OrderId);
        }

        return result;
    }
}
