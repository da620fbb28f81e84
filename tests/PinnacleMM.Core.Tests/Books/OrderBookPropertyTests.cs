using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// The engine against <see cref="ReferenceOrderBook"/> over random operation sequences: after every
/// step the same result, the same trades and order updates in the same order, the same resting orders
/// in the same queue order, the same depth and queries; plus invariants that need no model (uncrossed
/// book, level totals, an L2 view rebuilt from depth events, quantity conservation over the run, state
/// hash independent of history).
/// </summary>
[TestClass]
public sealed class OrderBookPropertyTests
{
    [TestMethod]
    [DataRow("narrow band, heavy crossing", 97, 103, 4096, 500)]
    [DataRow("wide band, deep book, tiny initial capacity (growth paths)", 60, 140, 16, 250)]
    public void Engine_matches_reference_model_after_every_step(string profile, int lowTicks, int highTicks, int capacity, int maxTest)
    {
        var arb = Arb.From(SequenceGen(lowTicks, highTicks), ShrinkSequence);
        var property = Prop.ForAll(arb, ops => new ModelRunner(capacity).Run(ops));
        Check.One(WithReplayFromEnvironment(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithName(profile)), property);
    }

    /// <summary>
    /// A failure prints its seed as "(seed,gamma)"; set PINNACLE_FSCHECK_REPLAY to "seed,gamma" to run
    /// exactly that case again.
    /// </summary>
    private static Config WithReplayFromEnvironment(Config config)
    {
        var replay = Environment.GetEnvironmentVariable("PINNACLE_FSCHECK_REPLAY");
        if (string.IsNullOrWhiteSpace(replay))
        {
            return config;
        }

        var parts = replay.Trim('(', ')', ' ').Split(',');
        var rnd = new Rnd(ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        return config.WithReplay(new Replay(rnd, Microsoft.FSharp.Core.FSharpOption<int>.None));
    }

    [TestMethod]
    public void Generated_sequences_exercise_every_rule()
    {
        // Guards the generator: the property above proves little if self-trades, FOK kills or
        // duplicate ids never happen. Counts outcomes over a fixed sample.
        var stats = new Dictionary<string, int>();
        foreach (var ops in SequenceGen(97, 103).Sample(60, 150))
        {
            new ModelRunner(4096, stats).Run(ops);
        }

        string[] expected =
        [
            .. Enum.GetValues<OrderBookResultCode>().Select(c => "code " + c),
            .. Enum.GetValues<CancelReason>().Where(r => r != CancelReason.None).Select(r => "reason " + r),
            "update Reduced", "update Replaced", "update Rested", "trade", "maker filled", "maker partially filled",
            "stp resting cancelled", "modify replace traded",
        ];
        foreach (var key in expected)
        {
            Assert.IsTrue(stats.GetValueOrDefault(key) >= 5, $"'{key}' occurred only {stats.GetValueOrDefault(key)} times");
        }
    }

    // ------------------------------------------------------------------ generators

    internal enum OpKind
    {
        Limit,
        Market,
        Cancel,
        Modify,
    }

    /// <summary>
    /// One operation. Ids are resolved when run, against the model's state: IdMode 0 fresh, 1 a resting
    /// order (IdArg picks which), 2 any id used so far (live: duplicate; gone: reuse), 3 zero or
    /// negative, 4 never used. ModifyMode 0 reduce, 1 reprice, 2 increase, 3 new price and quantity.
    /// Corrupt 1–4 puts an undefined value into side, type, time in force or STP mode.
    /// </summary>
    internal sealed record Op(
        OpKind Kind,
        int IdMode,
        int IdArg,
        Side Side,
        long Price,
        long Quantity,
        TimeInForce Tif,
        bool PostOnly,
        SelfTradePrevention Stp,
        long Owner,
        int ModifyMode,
        int Corrupt);

    private static Gen<T> Const<T>(T value) => Gen.Constant(value);

    internal static Gen<Op[]> SequenceGen(int low, int high) =>
        Gen.Choose(1, 200).SelectMany(n => Gen.ArrayOf(OpGen(low, high), n));

    private static Gen<Op> OpGen(int low, int high) =>
        from kind in Gen.Frequency((50, Const(OpKind.Limit)), (10, Const(OpKind.Market)), (15, Const(OpKind.Cancel)), (25, Const(OpKind.Modify)))
        from idMode in kind is OpKind.Limit or OpKind.Market
            ? Gen.Frequency((86, Const(0)), (8, Const(2)), (3, Const(1)), (3, Const(3)))
            : Gen.Frequency((82, Const(1)), (8, Const(2)), (5, Const(4)), (5, Const(3)))
        from idArg in Gen.Choose(0, 1_000_000)
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from price in Gen.Frequency((97, Gen.Choose(low, high)), (1, Const(0)), (1, Const(-3)), (1, Const(201)))
        from quantity in Gen.Frequency((90, Gen.Choose(2, 20)), (4, Const(1)), (2, Gen.Choose(-2, 0)), (2, Const(500)), (2, Const(501)))
        from tif in kind == OpKind.Market
            ? Gen.Frequency((45, Const(TimeInForce.ImmediateOrCancel)), (45, Const(TimeInForce.FillOrKill)), (10, Const(TimeInForce.GoodTillCancel)))
            : Gen.Frequency((60, Const(TimeInForce.GoodTillCancel)), (20, Const(TimeInForce.ImmediateOrCancel)), (20, Const(TimeInForce.FillOrKill)))
        from postOnly in Gen.Frequency((kind == OpKind.Market ? 2 : 12, Const(true)), (88, Const(false)))
        from stp in Gen.Elements(Enum.GetValues<SelfTradePrevention>())
        from owner in Gen.Choose(1, 3)
        from modifyMode in Gen.Choose(0, 3)
        from corrupt in Gen.Frequency((97, Const(0)), (3, Gen.Choose(1, 4)))
        select new Op(kind, idMode, idArg, side, price, quantity, tif, postOnly, stp, owner, modifyMode, corrupt);

    private static IEnumerable<Op[]> ShrinkSequence(Op[] ops)
    {
        for (var chunk = ops.Length / 2; chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start + chunk <= ops.Length; start += chunk)
            {
                yield return [.. ops.Take(start), .. ops.Skip(start + chunk)];
            }
        }
    }

    // ------------------------------------------------------------------ runner

    /// <summary>Runs one sequence on a fresh engine and model, asserting after every step.</summary>
    private sealed class ModelRunner
    {
        private static readonly InstrumentSpec Instrument = new("TEST-USD", 0.01m, 1m, minQuantity: 2m, maxQuantity: 500m, maxPrice: 2.00m);

        private readonly OrderBook _book;
        private readonly ReferenceOrderBook _model = new(Instrument);
        private readonly RecordingListener _listener = new();
        private readonly Dictionary<string, int>? _stats;
        private long _nextId;
        private long _quantityIn;
        private long _quantityOut;

        public ModelRunner(int capacity, Dictionary<string, int>? stats = null)
        {
            _book = new OrderBook(Instrument, new OrderBookOptions { InitialOrderCapacity = capacity, InitialLevelCapacity = capacity }) { Listener = _listener };
            _stats = stats;
        }

        public void Run(Op[] ops)
        {
            for (var i = 0; i < ops.Length; i++)
            {
                Step(ops[i], i, timestamp: 1000 + (10 * i));
            }

            AssertHashIndependentOfHistory();
        }

        private void Step(Op op, int index, long timestamp)
        {
            var id = ResolveId(op);
            var context = $"step {index}: {op} (id {id})";
            _listener.Clear();
            _model.Events.Clear();
            var replacedAway = 0L;
            var expectedQuantity = 0L;
            OrderResult actual, expected;
            switch (op.Kind)
            {
                case OpKind.Limit:
                case OpKind.Market:
                    var request = new OrderRequest
                    {
                        OrderId = id,
                        OwnerId = op.Owner,
                        Side = op.Corrupt == 1 ? (Side)2 : op.Side,
                        Type = op.Corrupt == 2 ? (OrderType)7 : op.Kind == OpKind.Market ? OrderType.Market : OrderType.Limit,
                        Price = new Price(op.Kind == OpKind.Market ? 0 : op.Price),
                        Quantity = new Quantity(op.Quantity),
                        TimeInForce = op.Corrupt == 3 ? (TimeInForce)3 : op.Tif,
                        PostOnly = op.PostOnly,
                        SelfTradePrevention = op.Corrupt == 4 ? (SelfTradePrevention)4 : op.Stp,
                        Timestamp = timestamp,
                    };
                    expected = _model.Submit(request);
                    actual = _book.Submit(request);
                    expectedQuantity = op.Quantity;
                    break;
                case OpKind.Cancel:
                    expected = _model.Cancel(id, timestamp);
                    actual = _book.Cancel(id, timestamp);
                    break;
                default:
                    var order = _model.Find(id);
                    var (price, quantity) = order is null ? (op.Price, op.Quantity) : op.ModifyMode switch
                    {
                        0 => (order.Price, order.Remaining - (Math.Abs(op.Quantity) % (order.Remaining + 1))),
                        1 => (op.Price, order.Remaining),
                        2 => (order.Price, order.Remaining + (Math.Abs(op.Quantity) % 10) + 1),
                        _ => (op.Price, op.Quantity),
                    };
                    context += $" modify to {price}t x {quantity}L";
                    replacedAway = order?.Remaining ?? 0;
                    expected = _model.Modify(id, new Price(price), new Quantity(quantity), timestamp);
                    actual = _book.Modify(id, new Price(price), new Quantity(quantity), timestamp);
                    var replaced = _listener.Updates.Any(u => u.Kind == OrderUpdateKind.Replaced);
                    expectedQuantity = replaced ? quantity : replacedAway;
                    if (!replaced)
                    {
                        replacedAway = 0;
                    }

                    break;
            }

            Assert.AreEqual(expected, actual, context);
            AssertEventsEqual(_model.Events, _listener.Events, context);
            AssertSameState(context);
            AssertInvariants(context);
            AssertConservation(op, id, actual, expectedQuantity, replacedAway, context);
            Count(op, actual);
        }

        private long ResolveId(Op op)
        {
            switch (op.IdMode)
            {
                case 0:
                    return ++_nextId;
                case 1:
                    var live = _model.AllOrders.ToList();
                    return live.Count > 0 ? live[op.IdArg % live.Count].Id : _nextId + 1_000_000;
                case 2:
                    return 1 + (op.IdArg % Math.Max(1, _nextId));
                case 3:
                    return -(op.IdArg % 3);
                default:
                    return _nextId + 1_000_000 + op.IdArg;
            }
        }

        private static void AssertEventsEqual(List<object> expected, List<object> actual, string context)
        {
            for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            {
                Assert.AreEqual(expected[i], actual[i], $"{context}: event {i}");
            }

            Assert.AreEqual(expected.Count, actual.Count, $"{context}: event count; expected [{string.Join(", ", expected)}] actual [{string.Join(", ", actual)}]");
        }

        private void AssertSameState(string context)
        {
            Assert.AreEqual(_model.OrderCount, _book.OrderCount, $"{context}: OrderCount");
            Assert.AreEqual(_model.LevelCount(Side.Buy), _book.BidLevelCount, $"{context}: BidLevelCount");
            Assert.AreEqual(_model.LevelCount(Side.Sell), _book.AskLevelCount, $"{context}: AskLevelCount");
            Assert.AreEqual(_model.LastTradeId, _book.LastTradeId, $"{context}: LastTradeId");
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var expectedOrders = _model.Orders(side).Select(o => o.ToInfo()).ToList();
                CollectionAssert.AreEqual(expectedOrders, BookSnapshot.Orders(_book, side), $"{context}: {side} orders; expected [{string.Join(", ", expectedOrders)}]");
                var depth = BookSnapshot.Depth(_book, side);
                CollectionAssert.AreEqual(_model.Depth(side), depth, $"{context}: {side} depth");
                CollectionAssert.AreEqual(depth, _listener.L2(side), $"{context}: {side} L2 rebuilt from OnDepthChanged");

                var hasBest = _model.TryGetBest(side, out var bestPrice, out var bestTotal);
                var engineHas = side == Side.Buy ? _book.TryGetBestBid(out var p, out var q) : _book.TryGetBestAsk(out p, out q);
                Assert.AreEqual(hasBest, engineHas, $"{context}: {side} best exists");
                Assert.AreEqual((bestPrice, bestTotal), (p.Ticks, q.Lots), $"{context}: {side} best");

                foreach (var taker in new long[] { 1, 7, 25, 1000 })
                {
                    Assert.AreEqual(_model.Impact(side, taker), _book.EstimateMarketImpact(side, new Quantity(taker)), $"{context}: impact {side} {taker}");
                }
            }

            for (var levels = 1; levels <= 3; levels++)
            {
                Assert.AreEqual(_model.Imbalance(levels), _book.GetImbalance(levels), 1e-12, $"{context}: imbalance {levels}");
            }

            var both = _model.TryGetBest(Side.Buy, out var bid, out _) & _model.TryGetBest(Side.Sell, out var ask, out _);
            Assert.AreEqual(both, _book.TryGetSpread(out var spread), $"{context}: spread exists");
            Assert.AreEqual(both, _book.TryGetMidTicks(out var mid), $"{context}: mid exists");
            if (both)
            {
                Assert.AreEqual(ask - bid, spread, $"{context}: spread");
                Assert.AreEqual((bid + ask) / 2m, mid, $"{context}: mid");
            }

            foreach (var order in _model.AllOrders)
            {
                Assert.IsTrue(_book.Contains(order.Id), $"{context}: Contains {order.Id}");
                Assert.IsTrue(_book.TryGetOrder(order.Id, out var info), $"{context}: TryGetOrder {order.Id}");
                Assert.AreEqual(order.ToInfo(), info, $"{context}: TryGetOrder {order.Id}");
                Assert.IsTrue(_book.TryGetQueuePosition(order.Id, out var ahead, out var quantityAhead), $"{context}: queue position {order.Id}");
                Assert.AreEqual(_model.QueuePosition(order), (ahead, quantityAhead.Lots), $"{context}: queue position {order.Id}");
            }

            for (var id = -1L; id <= _nextId + 1; id++)
            {
                if (_model.Find(id) is null)
                {
                    Assert.IsFalse(_book.Contains(id) || _book.TryGetOrder(id, out _) || _book.TryGetQueuePosition(id, out _, out _), $"{context}: order {id} is not resting");
                }
            }
        }

        /// <summary>Model-free checks on the engine alone.</summary>
        private void AssertInvariants(string context)
        {
            if (_book.TryGetBestBid(out var bid, out _) && _book.TryGetBestAsk(out var ask, out _))
            {
                Assert.IsTrue(bid < ask, $"{context}: crossed book {bid} >= {ask}");
            }

            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var orders = BookSnapshot.Orders(_book, side);
                var depth = BookSnapshot.Depth(_book, side);
                Assert.AreEqual(side == Side.Buy ? _book.BidLevelCount : _book.AskLevelCount, depth.Count, $"{context}: {side} level count");
                for (var i = 0; i < depth.Count; i++)
                {
                    var level = depth[i];
                    var atPrice = orders.Where(o => o.Price == level.Price).ToList();
                    Assert.AreEqual(atPrice.Sum(o => o.Remaining.Lots), level.Quantity.Lots, $"{context}: {side} level {level.Price} total");
                    Assert.AreEqual(atPrice.Count, level.OrderCount, $"{context}: {side} level {level.Price} count");
                    Assert.IsTrue(level.Quantity.Lots > 0 && level.OrderCount > 0, $"{context}: empty level {level}");
                    if (i > 0)
                    {
                        Assert.IsTrue(side == Side.Buy ? level.Price < depth[i - 1].Price : level.Price > depth[i - 1].Price, $"{context}: {side} depth out of order");
                    }
                }

                Assert.IsTrue(orders.All(o => o.Side == side && o.Remaining.Lots > 0), $"{context}: {side} orders");
            }

            Assert.AreEqual(0, _listener.UnchangedDepthReports, $"{context}: OnDepthChanged reported a level that did not change");
            foreach (var (side, _, total, count) in _listener.DepthChanges)
            {
                Assert.AreEqual(count == 0, total.IsZero, $"{context}: depth change {side} total {total} with {count} orders");
            }
        }

        private void AssertConservation(Op op, long id, in OrderResult result, long quantity, long replacedAway, string context)
        {
            var trades = _listener.Trades.ToList();
            if (result.IsAccepted)
            {
                if (op.Kind is OpKind.Limit or OpKind.Market || replacedAway > 0)
                {
                    Assert.AreEqual(quantity, result.Filled.Lots + result.Resting.Lots + result.Cancelled.Lots, $"{context}: filled + resting + cancelled");
                    Assert.AreEqual(trades.Count, result.TradeCount, $"{context}: trade count");
                    Assert.AreEqual(trades.Sum(t => t.Quantity.Lots), result.Filled.Lots, $"{context}: traded quantity");
                    _quantityIn += quantity;
                }
                else
                {
                    Assert.AreEqual(0, trades.Count, $"{context}: no trades from a cancel or reduce");
                    Assert.AreEqual(0, result.Filled.Lots, $"{context}: no fill from a cancel or reduce");
                }
            }
            else
            {
                Assert.AreEqual(0, _listener.Events.Count + _listener.DepthChanges.Count, $"{context}: a rejection reports nothing");
            }

            var stpResting = _listener.Updates
                .Where(u => u.Kind == OrderUpdateKind.Cancelled && u.Reason == CancelReason.SelfTradePrevention && u.OrderId != id)
                .Sum(u => u.Quantity.Lots);
            _quantityOut += (2 * trades.Sum(t => t.Quantity.Lots)) + (result.IsAccepted ? result.Cancelled.Lots : 0) + stpResting + replacedAway;
            var resting = BookSnapshot.Orders(_book, Side.Buy).Concat(BookSnapshot.Orders(_book, Side.Sell)).Sum(o => o.Remaining.Lots);
            Assert.AreEqual(_quantityIn, _quantityOut + resting, $"{context}: quantity in = 2 x traded + cancelled + replaced away + resting");
        }

        /// <summary>A book built from scratch with the same orders in the same queue order must hash the same.</summary>
        private void AssertHashIndependentOfHistory()
        {
            // No minimum quantity: a partly filled order may rest below the instrument's minimum.
            var fresh = new OrderBook(new InstrumentSpec("TEST-USD", 0.01m, 1m));
            foreach (var order in _model.AllOrders)
            {
                var result = fresh.Submit(OrderRequest.Limit(order.Id, order.Owner, order.Side, new Price(order.Price), new Quantity(order.Remaining), TimeInForce.GoodTillCancel, order.PostOnly, order.Stp, order.Timestamp));
                Assert.AreEqual(new Quantity(order.Remaining), result.Resting, $"rebuild {order.Id}");
            }

            // Trade ids are part of the state (they number the next trades): carry the counter over.
            fresh.RestoreLastTradeId(_book.LastTradeId);
            Assert.AreEqual(fresh.ComputeStateHash(), _book.ComputeStateHash(), "state hash of a book rebuilt with the same orders");
        }

        private void Count(Op op, in OrderResult result)
        {
            if (_stats is null)
            {
                return;
            }

            void Add(string key) => _stats[key] = _stats.GetValueOrDefault(key) + 1;
            Add("code " + result.Code);
            Add("reason " + result.CancelReason);
            foreach (var update in _listener.Updates)
            {
                Add("update " + update.Kind);
                Add("reason " + update.Reason);
                if (update.Reason == CancelReason.SelfTradePrevention && update.OrderId != result.OrderId)
                {
                    Add("stp resting cancelled");
                }
            }

            foreach (var trade in _listener.Trades)
            {
                Add("trade");
                Add(trade.MakerFilled ? "maker filled" : "maker partially filled");
            }

            if (op.Kind == OpKind.Modify && result.TradeCount > 0)
            {
                Add("modify replace traded");
            }
        }
    }
}
