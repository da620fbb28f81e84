using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// The checks every new Coinbase order passes before anything is sent, shared by the Exchange and the Advanced Trade
/// REST clients (one rule set, each API's own field names in the messages): product id, defined enums, the client id
/// (a UUID, as our <see cref="CoinbaseClientOids"/> make them), price and size on the instrument's grid and within its
/// limits, and the combinations neither API can express (post-only other than on a GTC limit order; a market order
/// that is not immediate-or-cancel).
/// </summary>
internal static class CoinbaseOrderChecks
{
    /// <summary>Coinbase Exchange's names (<c>POST /orders</c>).</summary>
    public static readonly FieldNames ExchangeFields = new("price", "size", "client_oid", "time_in_force", "post_only", ClientIdRequired: false, "Coinbase", "as Coinbase requires");

    /// <summary>Advanced Trade's names (<c>POST /api/v3/brokerage/orders</c>, <c>order_configuration</c>), where <c>client_order_id</c> is required.</summary>
    public static readonly FieldNames AdvancedTradeFields = new("limit_price", "base_size", "client_order_id", "order_configuration", "post_only", ClientIdRequired: true, "Coinbase Advanced Trade", "as our client order ids are (CoinbaseClientOids)");

    /// <summary>Advanced Trade's edit (<c>POST /api/v3/brokerage/orders/edit</c>): a new <c>price</c> and total <c>size</c>.</summary>
    public static readonly FieldNames AdvancedTradeEditFields = new("price", "size", "client_order_id", "order_configuration", "post_only", ClientIdRequired: false, "Coinbase Advanced Trade", "");

    /// <summary>Checks every field of a new order; null when it may be sent, otherwise the refusal (status 0) naming the field and the rule.</summary>
    /// <exception cref="ArgumentException">The request has no instrument.</exception>
    public static CoinbaseRestResult<CoinbaseOrder>? Check(CoinbaseOrderRequest request, FieldNames names)
    {
        var instrument = request.Instrument ?? throw new ArgumentException("request.Instrument is required.", nameof(request));
        if (CheckProduct(instrument.Symbol) is { } refused)
        {
            return refused;
        }

        if (!Enum.IsDefined(request.Side) || !Enum.IsDefined(request.Type) || !Enum.IsDefined(request.TimeInForce))
        {
            return Refuse(RejectReason.InvalidEnumValue, $"side/type/{names.TimeInForce}: not a defined value.");
        }

        if (request.ClientOid is null)
        {
            if (names.ClientIdRequired)
            {
                return Refuse(RejectReason.InvalidClientOrderId, $"{names.ClientId} is required by {names.Api}.");
            }
        }
        else
        {
            var oid = InputValidator.ClientOrderId(request.ClientOid, names.ClientId);
            if (!oid.IsValid)
            {
                return Refuse(RejectReason.InvalidClientOrderId, oid.Message!);
            }

            if (!Guid.TryParseExact(request.ClientOid, "D", out _))
            {
                return Refuse(RejectReason.InvalidClientOrderId, $"{names.ClientId} must be a UUID (8-4-4-4-12 hex digits), {names.UuidReason}.");
            }
        }

        if (request.Type == OrderType.Limit)
        {
            var price = InputValidator.Price(request.Price, instrument.TickSize, instrument.TickSize, Trim(instrument.ToDecimal(instrument.MaxPrice)), names.Price);
            if (!price.IsValid)
            {
                return Refuse(price.Rule == "max" ? RejectReason.PriceAboveMaximum : RejectReason.InvalidPrice, price.Message!);
            }
        }
        else if (request.TimeInForce != TimeInForce.ImmediateOrCancel)
        {
            return Refuse(RejectReason.MarketOrderCannotRest, $"{names.TimeInForce}: a {names.Api} market order is immediate-or-cancel (IOC).");
        }

        var size = InputValidator.Quantity(request.Size, instrument.LotSize, Trim(instrument.ToDecimal(instrument.MinQuantity)), Trim(instrument.ToDecimal(instrument.MaxQuantity)), names.Size);
        if (!size.IsValid)
        {
            return Refuse(
                size.Rule switch
                {
                    "min" => RejectReason.QuantityBelowMinimum,
                    "max" => RejectReason.QuantityAboveMaximum,
                    _ => RejectReason.InvalidQuantity,
                },
                size.Message!);
        }

        if (request.PostOnly && (request.Type != OrderType.Limit || request.TimeInForce != TimeInForce.GoodTillCancel))
        {
            return Refuse(RejectReason.PostOnlyRequiresGoodTillCancelLimit, $"{names.PostOnly}: only a GTC limit order can be post-only ({names.Api} refuses post_only with IOC or FOK).");
        }

        return null;
    }

    /// <summary>Checks a product id; null when valid.</summary>
    public static CoinbaseRestResult<CoinbaseOrder>? CheckProduct(string productId)
    {
        var symbol = InputValidator.Symbol(productId, "product_id");
        return symbol.IsValid ? null : Refuse(RejectReason.UnknownInstrument, symbol.Message!);
    }

    private static CoinbaseRestResult<CoinbaseOrder> Refuse(RejectReason reason, string message) => CoinbaseRestResult<CoinbaseOrder>.Failure(reason, 0, message);

    /// <summary>Drops trailing zeros (0.00010000 becomes 0.0001) so that messages quote limits as a person writes them.</summary>
    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>How one API names the fields a refusal message quotes.</summary>
    internal sealed record FieldNames(string Price, string Size, string ClientId, string TimeInForce, string PostOnly, bool ClientIdRequired, string Api, string UuidReason);
}
