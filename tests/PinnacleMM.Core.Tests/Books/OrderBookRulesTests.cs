using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using static PinnacleMM.Core.Tests.Books.BookTestKit;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>One test per rule of the matching contract; every rejection also proves the book unchanged.</summary>
[TestClass]
public sealed class OrderBookRulesTests
{
    private const int Limit = 0;
    private const int Mkt = 1;
    private const int Gtc = 0;
    private const int Ioc = 1;
    private const int Fok = 2;

    // ------------------------------------------------------------------ submit validation

    // Seeded book: bids 3@99 (id 1), 4@98 (id 2); asks 5@101 (id 3), 6@102 (id 4). Enums as ints so undefined values fit.
    [TestMethod]
    [DataRow("id zero", 0L, 0, Limit, 100L, 5L, Gtc, false, 0, OrderBookResultCode.InvalidOrderId)]
    [DataRow("id negative", -7L, 0, Limit, 100L, 5L, Gtc, false, 0, OrderBookResultCode.InvalidOrderId)]
    [DataRow("id checked before enums", 0L, 9, 9, 100L, 5L, 9, false, 9, OrderBookResultCode.InvalidOrderId)]
    [DataRow("side undefined", 10L, 2, Limit, 100L, 5L, Gtc, false, 0, OrderBookResultCode.InvalidEnumValue)]
    [DataRow("type undefined", 10L, 0, 2, 100L, 5L, Gtc, false, 0, OrderBookResultCode.InvalidEnumValue)]
    [DataRow("time in force undefined", 10L, 0, Limit, 100L, 5L, 3, false, 0, OrderBookResultCode.InvalidEnumValue)]
    [DataRow("stp undefined", 10L, 0, Limit, 100L, 5L, Gtc, false, 4, OrderBookResultCode.InvalidEnumValue)]
    [DataRow("enums checked before quantity", 10L, 0, Limit, 100L, 0L, Gtc, false, 200, OrderBookResultCode.InvalidEnumValue)]
    [DataRow("quantity zero", 10L, 0, Limit, 100L, 0L, Gtc, false, 0, OrderBookResultCode.InvalidQuantity)]
    [DataRow("quantity negative", 10L, 0, Limit, 100L, -5L, Gtc, false, 0, OrderBookResultCode.InvalidQuantity)]
    [DataRow("quantity checked before price", 10L, 0, Limit, 0L, 0L, Gtc, false, 0, OrderBookResultCode.InvalidQuantity)]
    [DataRow("quantity below minimum", 10L, 0, Limit, 100L, 1L, Gtc, false, 0, OrderBookResultCode.QuantityBelowMinimum)]
    [DataRow("minimum checked before price", 10L, 0, Limit, -1L, 1L, Gtc, false, 0, OrderBookResultCode.QuantityBelowMinimum)]
    [DataRow("quantity above maximum", 10L, 0, Limit, 100L, 100_001L, Gtc, false, 0, OrderBookResultCode.QuantityAboveMaximum)]
    [DataRow("maximum quantity checked before price", 10L, 0, Limit, 20_000_000L, 100_001L, Gtc, false, 0, OrderBookResultCode.QuantityAboveMaximum)]
    [DataRow("limit price zero", 10L, 0, Limit, 0L, 5L, Gtc, false, 0, OrderBookResultCode.InvalidPrice)]
    [DataRow("limit price negative", 10L, 1, Limit, -100L, 5L, Gtc, false, 0, OrderBookResultCode.InvalidPrice)]
    [DataRow("limit price above maximum", 10L, 0, Limit, 10_000_001L, 5L, Gtc, false, 0, OrderBookResultCode.PriceAboveMaximum)]
    [DataRow("price checked before post-only rule", 10L, 0, Limit, 0L, 5L, Ioc, true, 0, OrderBookResultCode.InvalidPrice)]
    [DataRow("market good-till-cancel", 10L, 0, Mkt, 0L, 5L, Gtc, false, 0, OrderBookResultCode.MarketOrderCannotRest)]
    [DataRow("market GTC checked before post-only", 10L, 0, Mkt, 0L, 5L, Gtc, true, 0, OrderBookResultCode.MarketOrderCannotRest)]
    [DataRow("post-only IOC", 10L, 0, Limit, 100L, 5L, Ioc, true, 0, OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit)]
    [DataRow("post-only FOK", 10L, 0, Limit, 100L, 5L, Fok, true, 0, OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit)]
    [DataRow("post-only market", 10L, 0, Mkt, 0L, 5L, Ioc, true, 0, OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit)]
    [DataRow("post-only rule checked before duplicate id", 3L, 0, Limit, 100L, 5L, Ioc, true, 0, OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit)]
    [DataRow("duplicate of a resting bid", 1L, 0, Limit, 90L, 5L, Gtc, false, 0, OrderBookResultCode.DuplicateOrderId)]
    [DataRow("duplicate of a resting ask, other side", 3L, 0, Limit, 90L, 5L, Gtc, false, 0, OrderBookResultCode.DuplicateOrderId)]
    [DataRow("duplicate checked before post-only cross", 4L, 0, Limit, 101L, 5L, Gtc, true, 0, OrderBookResultCode.DuplicateOrderId)]
    [DataRow("duplicate checked before fill-or-kill", 2L, 0, Limit, 90L, 500L, Fok, false, 0, OrderBookResultCode.DuplicateOrderId)]
    [DataRow("duplicate market order", 2L, 1, Mkt, 0L, 5L, Ioc, false, 0, OrderBookResultCode.DuplicateOrderId)]
    [DataRow("post-only buy at best ask", 10L, 0, Limit, 101L, 5L, Gtc, true, 0, OrderBookResultCode.PostOnlyWouldCross)]
    [DataRow("post-only buy through best ask", 10L, 0, Limit, 150L, 5L, Gtc, true, 0, OrderBookResultCode.PostOnlyWouldCross)]
    [DataRow("post-only sell at best bid", 10L, 1, Limit, 99L, 5L, Gtc, true, 0, OrderBookResultCode.PostOnlyWouldCross)]
    [DataRow("FOK limit buy, 11 available at any price", 10L, 0, Limit, 102L, 12L, Fok, false, 0, OrderBookResultCode.FillOrKillNotFillable)]
    [DataRow("FOK limit buy, only 5 within limit", 10L, 0, Limit, 101L, 6L, Fok, false, 0, OrderBookResultCode.FillOrKillNotFillable)]
    [DataRow("FOK limit buy below the ask", 10L, 0, Limit, 100L, 2L, Fok, false, 0, OrderBookResultCode.FillOrKillNotFillable)]
    [DataRow("FOK market sell, 7 bids", 10L, 1, Mkt, 0L, 8L, Fok, false, 0, OrderBookResultCode.FillOrKillNotFillable)]
    public void Submit_rejection_leaves_book_unchanged(string rule, long id, int side, int type, long price, long quantity, int tif, bool postOnly, int stp, OrderBookResultCode expected)
    {
        var (book, listener) = Seeded();
        var request = new OrderRequest
        {
            OrderId = id,
            OwnerId = 7,
            Side = (Side)side,
            Type = (OrderType)type,
            Price = new Price(price),
            Quantity = new Quantity(quantity),
            TimeInForce = (TimeInForce)tif,
            PostOnly = postOnly,
            SelfTradePrevention = (SelfTradePrevention)stp,
        };
        AssertRejectedUnchanged(book, listener, expected, b => b.Submit(request));
        Assert.AreEqual(id, book.Submit(request).OrderId, rule);
    }

    [TestMethod]
    public void Market_order_price_is_ignored()
    {
        var (book, _) = Seeded();
        var request = Market(10, Side.Buy, 2) with { Price = new Price(-5) };
        var result = book.Submit(request);
        Assert.AreEqual((OrderBookResultCode.Accepted, 2L), (result.Code, result.Filled.Lots));
    }

    [TestMethod]
    public void Id_of_an_order_that_is_gone_may_be_reused()
    {
        var (book, _) = Seeded();
        book.Accept(Buy(10, 101, 5));                   // fills ask 3 completely
        Assert.AreEqual(5, book.Accept(Buy(3, 90, 5)).Resting.Lots, "filled id reused");
        Assert.AreEqual(OrderBookResultCode.Accepted, book.Cancel(3).Code);
        Assert.AreEqual(5, book.Accept(Sell(3, 110, 5)).Resting.Lots, "cancelled id reused on the other side");
        Assert.AreEqual(5, book.Accept(Buy(11, 50, 5, tif: TimeInForce.ImmediateOrCancel)).Cancelled.Lots);
        Assert.AreEqual(5, book.Accept(Buy(11, 50, 5)).Resting.Lots, "IOC id reused");
    }

    // ------------------------------------------------------------------ priority and prices

    [TestMethod]
    public void Same_price_fills_first_in_first_out_and_better_price_first()
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 101, 2, owner: 1));
        book.Accept(Sell(2, 100, 3, owner: 2));
        book.Accept(Sell(3, 101, 4, owner: 3));
        book.Accept(Sell(4, 100, 5, owner: 4));
        CollectionAssert.AreEqual(new long[] { 2, 4, 1, 3 }, book.Ids(Side.Sell));
        listener.Clear();

        var result = book.Accept(Buy(9, 101, 12, owner: 9));

        Assert.AreEqual((12L, 0L, 0L, 4), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.TradeCount));
        var trades = listener.Trades.ToList();
        CollectionAssert.AreEqual(new long[] { 2, 4, 1, 3 }, trades.Select(t => t.MakerOrderId).ToArray());
        CollectionAssert.AreEqual(new long[] { 100, 100, 101, 101 }, trades.Select(t => t.Price.Ticks).ToArray());
        CollectionAssert.AreEqual(new long[] { 3, 5, 2, 2 }, trades.Select(t => t.Quantity.Lots).ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 2, 3, 4 }, trades.Select(t => t.TradeId).ToArray());
        CollectionAssert.AreEqual(new[] { true, true, true, false }, trades.Select(t => t.MakerFilled).ToArray());
        Assert.IsTrue(trades.All(t => t.TakerOrderId == 9 && t.TakerOwnerId == 9 && t.TakerSide == Side.Buy));
        CollectionAssert.AreEqual(new long[] { 2, 4, 1, 3 }, trades.Select(t => t.MakerOwnerId).ToArray());
        Assert.AreEqual(4, book.LastTradeId);
        Assert.IsTrue(book.TryGetOrder(3, out var left));
        Assert.AreEqual(2, left.Remaining.Lots);
    }

    [TestMethod]
    public void Bids_fill_highest_first()
    {
        var (book, listener) = NewBook();
        book.Accept(Buy(1, 98, 2));
        book.Accept(Buy(2, 99, 2));
        book.Accept(Buy(3, 97, 2));
        CollectionAssert.AreEqual(new long[] { 2, 1, 3 }, book.Ids(Side.Buy));
        book.Accept(Sell(9, 97, 5, owner: 2));
        CollectionAssert.AreEqual(new long[] { 99, 98, 97 }, listener.Trades.Select(t => t.Price.Ticks).ToArray());
        CollectionAssert.AreEqual(new long[] { 3 }, book.Ids(Side.Buy));
    }

    [TestMethod]
    [DataRow(Side.Buy, 105L, 100L)]
    [DataRow(Side.Sell, 95L, 100L)]
    public void Trade_is_at_the_resting_price_when_the_taker_limit_is_better(Side takerSide, long takerLimit, long restingPrice)
    {
        var (book, listener) = NewBook();
        book.Accept(OrderRequest.Limit(1, 1, takerSide.Opposite(), new Price(restingPrice), new Quantity(4)));
        var result = book.Accept(OrderRequest.Limit(2, 2, takerSide, new Price(takerLimit), new Quantity(6)));
        Assert.AreEqual(restingPrice, listener.Trades.Single().Price.Ticks);
        Assert.AreEqual((4L, 2L), (result.Filled.Lots, result.Resting.Lots));
        Assert.IsTrue(book.TryGetOrder(2, out var rest));
        Assert.AreEqual(takerLimit, rest.Price.Ticks, "the remainder rests at its own limit");
    }

    [TestMethod]
    public void Limit_order_stops_at_its_limit_and_rests_at_the_back_of_its_level()
    {
        var (book, _) = Seeded();                         // asks 5@101, 6@102
        var result = book.Accept(Buy(10, 101, 9, owner: 7));
        Assert.AreEqual((5L, 4L, 0L, 1), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.TradeCount));
        Assert.IsTrue(book.TryGetBestAsk(out var ask, out var askQty));
        Assert.AreEqual((102L, 6L), (ask.Ticks, askQty.Lots), "the ask above the limit is untouched");
        Assert.AreEqual(4L, book.Accept(Buy(11, 101, 4, owner: 8)).Resting.Lots);
        CollectionAssert.AreEqual(new long[] { 10, 11, 1, 2 }, book.Ids(Side.Buy));
        Assert.IsTrue(book.TryGetBestBid(out var bid, out var bidQty));
        Assert.AreEqual((101L, 8L), (bid.Ticks, bidQty.Lots));
    }

    [TestMethod]
    public void Immediate_or_cancel_remainder_is_cancelled()
    {
        var (book, listener) = Seeded();
        var result = book.Accept(Buy(10, 101, 8, owner: 7, tif: TimeInForce.ImmediateOrCancel));
        Assert.AreEqual((5L, 0L, 3L, CancelReason.ImmediateOrCancel, 1), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.CancelReason, result.TradeCount));
        Assert.IsFalse(book.Contains(10));
        var update = listener.Updates.Single();
        Assert.AreEqual((OrderUpdateKind.Cancelled, 10L, 3L, CancelReason.ImmediateOrCancel), (update.Kind, update.OrderId, update.Quantity.Lots, update.Reason));
    }

    [TestMethod]
    public void Market_order_sweeps_levels_and_cancels_the_rest_for_no_liquidity()
    {
        var (book, listener) = Seeded();
        var result = book.Accept(Market(10, Side.Buy, 15, owner: 7));
        Assert.AreEqual((11L, 0L, 4L, CancelReason.NoLiquidity, 2), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.CancelReason, result.TradeCount));
        CollectionAssert.AreEqual(new long[] { 101, 102 }, listener.Trades.Select(t => t.Price.Ticks).ToArray());
        Assert.AreEqual(0, book.AskLevelCount);
        Assert.IsFalse(book.Contains(10));
        Assert.AreEqual(CancelReason.NoLiquidity, listener.Updates.Single().Reason);
    }

    [TestMethod]
    public void Market_order_on_an_empty_side_is_cancelled_whole()
    {
        var (book, _) = NewBook();
        book.Accept(Buy(1, 99, 3));
        var result = book.Accept(Market(2, Side.Buy, 5));
        Assert.AreEqual((0L, 5L, CancelReason.NoLiquidity, 0), (result.Filled.Lots, result.Cancelled.Lots, result.CancelReason, result.TradeCount));
        Assert.AreEqual(1, book.OrderCount);
    }

    // ------------------------------------------------------------------ fill-or-kill

    [TestMethod]
    public void Fill_or_kill_that_fills_exactly_executes_like_ioc()
    {
        var (book, listener) = Seeded();
        var result = book.Accept(Buy(10, 102, 11, owner: 7, tif: TimeInForce.FillOrKill));
        Assert.AreEqual((11L, 0L, 0L, 2), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.TradeCount));
        Assert.AreEqual(0, book.AskLevelCount);
        Assert.AreEqual(2, listener.Trades.Count());
    }

    [TestMethod]
    public void Fill_or_kill_market_fills_across_levels()
    {
        var (book, _) = Seeded();
        var result = book.Accept(Market(10, Side.Sell, 7, owner: 7, tif: TimeInForce.FillOrKill));
        Assert.AreEqual((7L, 2), (result.Filled.Lots, result.TradeCount));
        Assert.AreEqual(0, book.BidLevelCount);
    }

    // Asks: own(owner 7) 4@100 (id 1), other 5@100 (id 2), own 3@101 (id 3), other 6@101 (id 4).
    [TestMethod]
    [DataRow(SelfTradePrevention.None, 18L, true, "own orders count and self-trade")]
    [DataRow(SelfTradePrevention.None, 19L, false, "18 is all there is")]
    [DataRow(SelfTradePrevention.CancelResting, 11L, true, "own orders skipped: 5 + 6 others")]
    [DataRow(SelfTradePrevention.CancelResting, 12L, false, "own orders do not count")]
    [DataRow(SelfTradePrevention.CancelIncoming, 2L, false, "an own order is first: matching would stop at once")]
    [DataRow(SelfTradePrevention.CancelBoth, 2L, false, "an own order is first: matching would stop at once")]
    public void Fill_or_kill_pre_check_follows_self_trade_prevention(SelfTradePrevention stp, long quantity, bool fillable, string why)
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 100, 4, owner: 7));
        book.Accept(Sell(2, 100, 5, owner: 8));
        book.Accept(Sell(3, 101, 3, owner: 7));
        book.Accept(Sell(4, 101, 6, owner: 8));
        var request = Buy(10, 101, quantity, owner: 7, tif: TimeInForce.FillOrKill, stp: stp);
        if (!fillable)
        {
            AssertRejectedUnchanged(book, listener, OrderBookResultCode.FillOrKillNotFillable, b => b.Submit(request));
            return;
        }

        listener.Clear();
        var result = book.Accept(request);
        Assert.AreEqual((quantity, 0L, 0L), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots), why);
        var selfTrades = listener.Trades.Count(t => t.MakerOwnerId == 7);
        Assert.AreEqual(stp == SelfTradePrevention.None ? 2 : 0, selfTrades, why);
        var stpCancels = listener.Updates.Count(u => u.Reason == CancelReason.SelfTradePrevention);
        Assert.AreEqual(stp == SelfTradePrevention.CancelResting ? 2 : 0, stpCancels, why);
    }

    [TestMethod]
    [DataRow(SelfTradePrevention.CancelIncoming)]
    [DataRow(SelfTradePrevention.CancelBoth)]
    public void Fill_or_kill_with_stop_mode_fills_when_enough_is_ahead_of_the_own_order(SelfTradePrevention stp)
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 100, 5, owner: 8));
        book.Accept(Sell(2, 100, 4, owner: 7));
        book.Accept(Sell(3, 100, 9, owner: 8));
        AssertRejectedUnchanged(book, listener, OrderBookResultCode.FillOrKillNotFillable, b => b.Submit(Buy(10, 100, 6, owner: 7, tif: TimeInForce.FillOrKill, stp: stp)));
        var result = book.Accept(Buy(10, 100, 5, owner: 7, tif: TimeInForce.FillOrKill, stp: stp));
        Assert.AreEqual((5L, 0L, 1), (result.Filled.Lots, result.Cancelled.Lots, result.TradeCount));
        Assert.IsTrue(book.Contains(2), "the own order was never reached");
    }

    // ------------------------------------------------------------------ self-trade prevention

    // Asks: own (owner 7) 2@100 (id 1), other 3@100 (id 2), own 4@101 (id 3). Incoming: buy 10@101 GTC by owner 7.
    [TestMethod]
    [DataRow(SelfTradePrevention.None, new long[] { 1, 2, 3 }, 9L, 1L, 0L, CancelReason.None, new long[] { }, new long[] { })]
    [DataRow(SelfTradePrevention.CancelResting, new long[] { 2 }, 3L, 7L, 0L, CancelReason.None, new long[] { 1, 3 }, new long[] { })]
    [DataRow(SelfTradePrevention.CancelIncoming, new long[] { }, 0L, 0L, 10L, CancelReason.SelfTradePrevention, new long[] { }, new long[] { 1, 2, 3 })]
    [DataRow(SelfTradePrevention.CancelBoth, new long[] { }, 0L, 0L, 10L, CancelReason.SelfTradePrevention, new long[] { 1 }, new long[] { 2, 3 })]
    public void Self_trade_prevention_modes(SelfTradePrevention stp, long[] makers, long filled, long resting, long cancelled, CancelReason reason, long[] stpCancelled, long[] asksLeft)
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 100, 2, owner: 7));
        book.Accept(Sell(2, 100, 3, owner: 8));
        book.Accept(Sell(3, 101, 4, owner: 7));
        listener.Clear();

        var result = book.Accept(Buy(10, 101, 10, owner: 7, stp: stp));

        Assert.AreEqual((filled, resting, cancelled, reason, makers.Length), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.CancelReason, result.TradeCount));
        CollectionAssert.AreEqual(makers, listener.Trades.Select(t => t.MakerOrderId).ToArray());
        var restingCancels = listener.Updates.Where(u => u.Kind == OrderUpdateKind.Cancelled && u.OrderId != 10).ToList();
        CollectionAssert.AreEqual(stpCancelled, restingCancels.Select(u => u.OrderId).ToArray());
        Assert.IsTrue(restingCancels.All(u => u.Reason == CancelReason.SelfTradePrevention && u.Remaining.IsZero));
        CollectionAssert.AreEqual(asksLeft, book.Ids(Side.Sell));
        Assert.AreEqual(resting > 0, book.Contains(10));
    }

    [TestMethod]
    public void Cancel_incoming_keeps_trades_made_before_reaching_the_own_order()
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 100, 3, owner: 8));
        book.Accept(Sell(2, 100, 4, owner: 7));
        book.Accept(Sell(3, 100, 5, owner: 8));
        var result = book.Accept(Buy(10, 100, 10, owner: 7, stp: SelfTradePrevention.CancelIncoming));
        Assert.AreEqual((3L, 0L, 7L, CancelReason.SelfTradePrevention, 1), (result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.CancelReason, result.TradeCount));
        CollectionAssert.AreEqual(new long[] { 2, 3 }, book.Ids(Side.Sell));
        Assert.AreEqual(1, listener.Trades.Count());
    }

    [TestMethod]
    public void Self_trade_prevention_uses_the_incoming_mode_and_only_for_the_same_owner()
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 100, 2, owner: 7, stp: SelfTradePrevention.CancelBoth));
        book.Accept(Sell(2, 100, 2, owner: 8, stp: SelfTradePrevention.CancelBoth));
        var result = book.Accept(Buy(10, 100, 4, owner: 7, stp: SelfTradePrevention.None));
        Assert.AreEqual(4L, result.Filled.Lots, "the resting order's CancelBoth does not apply");
        Assert.AreEqual(7L, listener.Trades.First().MakerOwnerId);

        book.Accept(Sell(3, 100, 2, owner: 8));
        var other = book.Accept(Buy(11, 100, 2, owner: 7, stp: SelfTradePrevention.CancelBoth));
        Assert.AreEqual(2L, other.Filled.Lots, "another owner's order trades normally");
    }

    // ------------------------------------------------------------------ post-only

    [TestMethod]
    [DataRow(Side.Buy, 100L)]
    [DataRow(Side.Sell, 100L)]
    public void Post_only_that_does_not_cross_rests(Side side, long price)
    {
        var (book, _) = Seeded();   // bids 99, 98; asks 101, 102
        var result = book.Accept(OrderRequest.Limit(10, 7, side, new Price(price), new Quantity(5), postOnly: true));
        Assert.AreEqual((5L, 0), (result.Resting.Lots, result.TradeCount));
        Assert.IsTrue(book.TryGetOrder(10, out var order));
        Assert.IsTrue(order.PostOnly);
    }

    [TestMethod]
    public void Post_only_on_an_empty_book_rests()
    {
        var (book, _) = NewBook();
        Assert.AreEqual(5L, book.Accept(Buy(1, 100, 5, postOnly: true)).Resting.Lots);
        Assert.AreEqual(5L, book.Accept(Sell(2, 101, 5, postOnly: true)).Resting.Lots);
    }

    // ------------------------------------------------------------------ cancel

    [TestMethod]
    [DataRow(0L, OrderBookResultCode.InvalidOrderId)]
    [DataRow(-3L, OrderBookResultCode.InvalidOrderId)]
    [DataRow(77L, OrderBookResultCode.UnknownOrderId)]
    public void Cancel_rejection_leaves_book_unchanged(long id, OrderBookResultCode code)
    {
        var (book, listener) = Seeded();
        AssertRejectedUnchanged(book, listener, code, b => b.Cancel(id));
    }

    [TestMethod]
    public void Cancel_removes_the_whole_remaining_quantity_once()
    {
        var (book, listener) = Seeded();
        book.Accept(Buy(10, 101, 2, owner: 7));       // ask 3 now has 3 left
        listener.Clear();
        var result = book.Cancel(3, timestamp: 55);
        Assert.AreEqual((OrderBookResultCode.Accepted, 3L, 3L, CancelReason.Requested, 0L), (result.Code, result.OrderId, result.Cancelled.Lots, result.CancelReason, result.Filled.Lots));
        var update = listener.Updates.Single();
        Assert.AreEqual((OrderUpdateKind.Cancelled, 3L, 3L, 0L, CancelReason.Requested, 55L), (update.Kind, update.OrderId, update.Quantity.Lots, update.Remaining.Lots, update.Reason, update.Timestamp));
        Assert.IsFalse(book.Contains(3));
        CollectionAssert.AreEqual(new long[] { 4 }, book.Ids(Side.Sell));
        AssertRejectedUnchanged(book, listener, OrderBookResultCode.UnknownOrderId, b => b.Cancel(3));
        AssertRejectedUnchanged(book, listener, OrderBookResultCode.UnknownOrderId, b => b.Cancel(10));   // the filled taker never rested
    }

    // ------------------------------------------------------------------ modify

    [TestMethod]
    [DataRow(0L, 99L, 3L, OrderBookResultCode.InvalidOrderId)]
    [DataRow(-1L, 99L, 3L, OrderBookResultCode.InvalidOrderId)]
    [DataRow(55L, 99L, 3L, OrderBookResultCode.UnknownOrderId)]
    [DataRow(55L, -1L, 0L, OrderBookResultCode.UnknownOrderId)]
    [DataRow(1L, 99L, 0L, OrderBookResultCode.InvalidQuantity)]
    [DataRow(1L, 99L, -2L, OrderBookResultCode.InvalidQuantity)]
    [DataRow(1L, 99L, 1L, OrderBookResultCode.QuantityBelowMinimum)]
    [DataRow(1L, 99L, 100_001L, OrderBookResultCode.QuantityAboveMaximum)]
    [DataRow(1L, 0L, 0L, OrderBookResultCode.InvalidQuantity)]
    [DataRow(1L, 0L, 3L, OrderBookResultCode.InvalidPrice)]
    [DataRow(1L, -99L, 2L, OrderBookResultCode.InvalidPrice)]
    [DataRow(1L, 10_000_001L, 3L, OrderBookResultCode.PriceAboveMaximum)]
    public void Modify_rejection_leaves_book_unchanged(long id, long price, long quantity, OrderBookResultCode code)
    {
        var (book, listener) = Seeded();
        AssertRejectedUnchanged(book, listener, code, b => b.Modify(id, new Price(price), new Quantity(quantity)));
    }

    [TestMethod]
    [DataRow(Side.Buy, 101L)]
    [DataRow(Side.Buy, 105L)]
    [DataRow(Side.Sell, 99L)]
    public void Modify_post_only_to_a_crossing_price_is_rejected(Side side, long newPrice)
    {
        var (book, listener) = Seeded();
        book.Accept(OrderRequest.Limit(10, 7, side, new Price(100), new Quantity(5), postOnly: true));
        AssertRejectedUnchanged(book, listener, OrderBookResultCode.PostOnlyWouldCross, b => b.Modify(10, new Price(newPrice), new Quantity(5)));
    }

    [TestMethod]
    public void Reduce_in_place_keeps_queue_position()
    {
        var (book, listener) = NewBook();
        book.Accept(Buy(1, 100, 5));
        book.Accept(Buy(2, 100, 5));
        listener.Clear();

        var result = book.Modify(1, new Price(100), new Quantity(2), timestamp: 9);

        Assert.AreEqual((OrderBookResultCode.Accepted, 2L, 3L, CancelReason.Requested, 0L, 0), (result.Code, result.Resting.Lots, result.Cancelled.Lots, result.CancelReason, result.Filled.Lots, result.TradeCount));
        CollectionAssert.AreEqual(new long[] { 1, 2 }, book.Ids(Side.Buy));
        Assert.IsTrue(book.TryGetQueuePosition(2, out var ahead, out var quantityAhead));
        Assert.AreEqual((1, 2L), (ahead, quantityAhead.Lots));
        var update = listener.Updates.Single();
        Assert.AreEqual((OrderUpdateKind.Reduced, 3L, 2L), (update.Kind, update.Quantity.Lots, update.Remaining.Lots));
        Assert.IsTrue(book.TryGetBestBid(out _, out var total));
        Assert.AreEqual(7L, total.Lots);
    }

    [TestMethod]
    public void Modify_to_the_same_price_and_quantity_is_an_accepted_no_op()
    {
        var (book, listener) = Seeded();
        var before = BookSnapshot.Of(book);
        var result = book.Modify(1, new Price(99), new Quantity(3));
        Assert.AreEqual((OrderBookResultCode.Accepted, 3L, 0L, 0L), (result.Code, result.Resting.Lots, result.Cancelled.Lots, result.Filled.Lots));
        Assert.AreEqual(before, BookSnapshot.Of(book));
        Assert.AreEqual(0, listener.Events.Count);
    }

    [TestMethod]
    public void Increase_loses_queue_position()
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 100, 5, owner: 1, postOnly: true, stp: SelfTradePrevention.CancelBoth));
        book.Accept(Sell(2, 100, 5, owner: 2));
        listener.Clear();

        var result = book.Modify(1, new Price(100), new Quantity(8), timestamp: 77);

        Assert.AreEqual((OrderBookResultCode.Accepted, 8L, 0L, 0L), (result.Code, result.Resting.Lots, result.Filled.Lots, result.Cancelled.Lots));
        CollectionAssert.AreEqual(new long[] { 2, 1 }, book.Ids(Side.Sell));
        Assert.IsTrue(book.TryGetOrder(1, out var order));
        Assert.AreEqual((1L, 8L, true, SelfTradePrevention.CancelBoth, 77L), (order.OwnerId, order.Remaining.Lots, order.PostOnly, order.SelfTradePrevention, order.Timestamp));
        CollectionAssert.AreEqual(new[] { OrderUpdateKind.Replaced, OrderUpdateKind.Rested }, listener.Updates.Select(u => u.Kind).ToArray());
    }

    [TestMethod]
    public void Reprice_away_and_back_loses_queue_position()
    {
        var (book, _) = NewBook();
        book.Accept(Buy(1, 100, 5));
        book.Accept(Buy(2, 100, 5));
        book.Accept(Buy(3, 99, 5));
        Assert.AreEqual(OrderBookResultCode.Accepted, book.Modify(1, new Price(99), new Quantity(5)).Code);
        CollectionAssert.AreEqual(new long[] { 2, 3, 1 }, book.Ids(Side.Buy));
        Assert.AreEqual(OrderBookResultCode.Accepted, book.Modify(1, new Price(100), new Quantity(5)).Code);
        CollectionAssert.AreEqual(new long[] { 2, 1, 3 }, book.Ids(Side.Buy));
    }

    [TestMethod]
    public void Reprice_through_the_spread_trades_at_resting_prices_then_rests_the_new_open_quantity()
    {
        var (book, listener) = Seeded();   // asks 5@101 (id 3), 6@102 (id 4)
        listener.Clear();
        var result = book.Modify(1, new Price(101), new Quantity(8), timestamp: 5);
        Assert.AreEqual((OrderBookResultCode.Accepted, 5L, 3L, 0L, 1), (result.Code, result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.TradeCount));
        var trade = listener.Trades.Single();
        Assert.AreEqual((101L, 5L, 3L, 1L, Side.Buy, true), (trade.Price.Ticks, trade.Quantity.Lots, trade.MakerOrderId, trade.TakerOrderId, trade.TakerSide, trade.MakerFilled));
        Assert.IsTrue(book.TryGetOrder(1, out var order));
        Assert.AreEqual((101L, 3L), (order.Price.Ticks, order.Remaining.Lots));
        Assert.AreEqual(listener.Events[0], new OrderUpdate
        {
            Kind = OrderUpdateKind.Replaced,
            OrderId = 1,
            OwnerId = 1,
            Side = Side.Buy,
            Price = new Price(99),
            Quantity = new Quantity(3),
            Timestamp = 5,
        });
    }

    [TestMethod]
    public void Reprice_keeps_self_trade_prevention_and_cancels_the_remainder_even_though_gtc()
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 101, 4, owner: 7));
        book.Accept(Buy(2, 99, 6, owner: 7, stp: SelfTradePrevention.CancelIncoming));
        listener.Clear();
        var result = book.Modify(2, new Price(101), new Quantity(6));
        Assert.AreEqual((OrderBookResultCode.Accepted, 0L, 0L, 6L, CancelReason.SelfTradePrevention), (result.Code, result.Filled.Lots, result.Resting.Lots, result.Cancelled.Lots, result.CancelReason));
        Assert.IsFalse(book.Contains(2));
        Assert.IsTrue(book.Contains(1));
    }

    [TestMethod]
    public void Replace_does_not_trade_against_itself()
    {
        var (book, listener) = NewBook();
        book.Accept(Buy(1, 100, 5, owner: 7));
        var result = book.Modify(1, new Price(100), new Quantity(9));
        Assert.AreEqual((9L, 0), (result.Resting.Lots, result.TradeCount));
        Assert.AreEqual(0, listener.Trades.Count());
        Assert.AreEqual(1, book.OrderCount);
    }
}
