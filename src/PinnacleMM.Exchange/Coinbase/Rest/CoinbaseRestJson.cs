using System.Text.Json.Serialization;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>An order object of the REST API, as sent (decimals are quoted strings).</summary>
internal sealed class OrderDto
{
    public string? Id { get; set; }

    public string? ClientOid { get; set; }

    public string? ProductId { get; set; }

    public string? Side { get; set; }

    public decimal Price { get; set; }

    public decimal Size { get; set; }

    public decimal FilledSize { get; set; }

    public string? Status { get; set; }

    public string? RejectReason { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public string? TimeInForce { get; set; }

    public bool PostOnly { get; set; }

    public decimal ExecutedValue { get; set; }

    public decimal FillFees { get; set; }
}

/// <summary>An account (one currency) of <c>GET /accounts</c>.</summary>
internal sealed class AccountDto
{
    public string? Currency { get; set; }

    public decimal Balance { get; set; }

    public decimal Available { get; set; }

    public decimal Hold { get; set; }
}

/// <summary>A fill of <c>GET /fills</c>; <c>trade_id</c> is a JSON integer, the decimals quoted strings.</summary>
internal sealed class FillDto
{
    public long TradeId { get; set; }

    public string? ProductId { get; set; }

    public string? OrderId { get; set; }

    public decimal Price { get; set; }

    public decimal Size { get; set; }

    public decimal Fee { get; set; }

    public string? Liquidity { get; set; }

    public string? Side { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An error body: <c>{"message":"..."}</c>.</summary>
internal sealed class ErrorDto
{
    public string? Message { get; set; }
}

/// <summary>Source-generated System.Text.Json metadata for the REST bodies: no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(OrderDto))]
[JsonSerializable(typeof(List<OrderDto>))]
[JsonSerializable(typeof(List<AccountDto>))]
[JsonSerializable(typeof(List<FillDto>))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(string))]
internal sealed partial class CoinbaseRestJsonContext : JsonSerializerContext;
