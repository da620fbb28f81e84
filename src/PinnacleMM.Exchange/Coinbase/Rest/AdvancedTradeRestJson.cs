using System.Text.Json.Serialization;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>The answer of <c>POST /api/v3/brokerage/orders</c> (and <c>/orders/edit</c>): success, or the codes of why not.</summary>
internal sealed class AtCreateOrderDto
{
    public bool Success { get; set; }

    public string? FailureReason { get; set; }

    public string? OrderId { get; set; }

    public AtSuccessDto? SuccessResponse { get; set; }

    public AtErrorResponseDto? ErrorResponse { get; set; }

    public List<AtEditErrorDto>? Errors { get; set; }
}

internal sealed class AtSuccessDto
{
    public string? OrderId { get; set; }

    public string? ProductId { get; set; }

    public string? Side { get; set; }

    public string? ClientOrderId { get; set; }
}

internal sealed class AtErrorResponseDto
{
    public string? Error { get; set; }

    public string? Message { get; set; }

    public string? ErrorDetails { get; set; }

    public string? PreviewFailureReason { get; set; }

    public string? NewOrderFailureReason { get; set; }
}

internal sealed class AtEditErrorDto
{
    public string? EditFailureReason { get; set; }

    public string? PreviewFailureReason { get; set; }
}

/// <summary>The answer of <c>POST /api/v3/brokerage/orders/batch_cancel</c>.</summary>
internal sealed class AtCancelResponseDto
{
    public List<AtCancelResultDto>? Results { get; set; }
}

internal sealed class AtCancelResultDto
{
    public bool Success { get; set; }

    public string? FailureReason { get; set; }

    public string? OrderId { get; set; }
}

/// <summary>A page of <c>GET /api/v3/brokerage/orders/historical/batch</c>.</summary>
internal sealed class AtOrderPageDto
{
    public List<AtOrderDto>? Orders { get; set; }

    public bool HasNext { get; set; }

    public string? Cursor { get; set; }
}

/// <summary>An order as listed; numbers are quoted strings that may be empty, so they are parsed leniently.</summary>
internal sealed class AtOrderDto
{
    public string? OrderId { get; set; }

    public string? ProductId { get; set; }

    public string? Side { get; set; }

    public string? ClientOrderId { get; set; }

    public string? Status { get; set; }

    public string? FilledSize { get; set; }

    public string? RejectReason { get; set; }

    public DateTimeOffset? CreatedTime { get; set; }

    public string? FilledValue { get; set; }

    public string? TotalFees { get; set; }

    public Dictionary<string, AtOrderConfigurationDto>? OrderConfiguration { get; set; }
}

/// <summary>The answer of <c>GET /api/v3/brokerage/orders/historical/{order_id}</c>.</summary>
internal sealed class AtOrderAnswerDto
{
    public AtOrderDto? Order { get; set; }
}

/// <summary>One <c>order_configuration</c> variant (<c>limit_limit_gtc</c>, <c>sor_limit_ioc</c>, ...): the fields we use.</summary>
internal sealed class AtOrderConfigurationDto
{
    public string? BaseSize { get; set; }

    public string? LimitPrice { get; set; }

    public bool PostOnly { get; set; }
}

/// <summary>A page of <c>GET /api/v3/brokerage/orders/historical/fills</c>: the fills and the next page's <c>cursor</c> (empty on the last).</summary>
internal sealed class AtFillPageDto
{
    public List<AtFillDto>? Fills { get; set; }

    public string? Cursor { get; set; }
}

/// <summary>A fill as listed; numbers are quoted strings.</summary>
internal sealed class AtFillDto
{
    public string? TradeId { get; set; }

    public string? OrderId { get; set; }

    public DateTimeOffset? TradeTime { get; set; }

    public string? Price { get; set; }

    public string? Size { get; set; }

    public string? Commission { get; set; }

    public string? ProductId { get; set; }

    public string? LiquidityIndicator { get; set; }

    public string? Side { get; set; }
}

/// <summary>A page of <c>GET /api/v3/brokerage/accounts</c>.</summary>
internal sealed class AtAccountPageDto
{
    public List<AtAccountDto>? Accounts { get; set; }

    public bool HasNext { get; set; }

    public string? Cursor { get; set; }
}

internal sealed class AtAccountDto
{
    public string? Currency { get; set; }

    public AtAmountDto? AvailableBalance { get; set; }

    public AtAmountDto? Hold { get; set; }
}

internal sealed class AtAmountDto
{
    public string? Value { get; set; }

    public string? Currency { get; set; }
}

/// <summary>An HTTP error body: <c>{"error":"NOT_FOUND","message":"...","error_details":"..."}</c>.</summary>
internal sealed class AtHttpErrorDto
{
    public string? Error { get; set; }

    public string? Message { get; set; }

    public string? ErrorDetails { get; set; }
}

/// <summary>Source-generated System.Text.Json metadata for the Advanced Trade REST bodies: no reflection at run time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AtCreateOrderDto))]
[JsonSerializable(typeof(AtCancelResponseDto))]
[JsonSerializable(typeof(AtOrderPageDto))]
[JsonSerializable(typeof(AtOrderAnswerDto))]
[JsonSerializable(typeof(AtAccountPageDto))]
[JsonSerializable(typeof(AtFillPageDto))]
[JsonSerializable(typeof(AtHttpErrorDto))]
internal sealed partial class AdvancedTradeRestJsonContext : JsonSerializerContext;
