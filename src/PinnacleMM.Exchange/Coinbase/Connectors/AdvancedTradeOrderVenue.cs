using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Exchange.Coinbase.WebSockets;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>Coinbase Advanced Trade: JWT-authenticated REST (<see cref="AdvancedTradeRestClient"/>) and the <c>user</c> channel.</summary>
internal sealed class AdvancedTradeOrderVenue : ICoinbaseOrderVenue
{
    private readonly IJwtSigner _signer;
    private readonly AdvancedTradeUserFeedProtocol _protocol;

    public AdvancedTradeOrderVenue(AdvancedTradeRestClient rest, IJwtSigner signer, AdvancedTradeUserFeedProtocol protocol)
    {
        Rest = rest;
        _signer = signer;
        _protocol = protocol;
        _protocol.Subscribed += () => Subscribed?.Invoke();
    }

    public event Action? Subscribed;

    public AdvancedTradeRestClient Rest { get; }

    public ICoinbaseFeedProtocol Protocol => _protocol;

    public long RateLimitedResponses => Rest.RateLimitedResponses;

    public Task<CoinbaseRestResult<CoinbaseOrder>> PlaceAsync(CoinbaseOrderRequest request, CancellationToken cancellationToken) => Rest.PlaceOrderAsync(request, cancellationToken);

    public async Task<CoinbaseRestResult<bool>> CancelAsync(Guid venueOrderId, Guid clientOid, string productId, CancellationToken cancellationToken)
    {
        if (venueOrderId == Guid.Empty)
        {
            // batch_cancel takes only the venue's ids; without one, find the order by its client_order_id first.
            var byClient = await Rest.CancelOrderByClientOrderIdAsync(clientOid.ToString("D"), productId, cancellationToken).ConfigureAwait(false);
            return byClient.IsSuccess ? CoinbaseRestResult<bool>.Success(true, byClient.StatusCode) : byClient.As<bool>();
        }

        var result = await Rest.CancelOrdersAsync([venueOrderId], cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.As<bool>();
        }

        var answer = result.Value![0];
        return answer.Success
            ? CoinbaseRestResult<bool>.Success(true, result.StatusCode)
            : CoinbaseRestResult<bool>.Failure(answer.Reason, result.StatusCode, $"batch_cancel {venueOrderId}: refused: {answer.FailureReason}.");
    }

    public async Task<CoinbaseRestResult<bool>> CancelAllAsync(string? productId, CancellationToken cancellationToken)
    {
        // Per-order refusals (an order filled meanwhile) are settled by the user channel; only a failed request is a rejection.
        var result = await Rest.CancelAllAsync(productId, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? CoinbaseRestResult<bool>.Success(true, result.StatusCode) : result.As<bool>();
    }

    public Task<CoinbaseRestResult<IReadOnlyList<CoinbaseOrder>>> GetOpenOrdersAsync(string? productId, CancellationToken cancellationToken) => Rest.GetOpenOrdersAsync(productId, cancellationToken);

    public Task<CoinbaseRestResult<IReadOnlyList<Balance>>> GetBalancesAsync(CancellationToken cancellationToken) => Rest.GetBalancesAsync(cancellationToken);

    public Task<CoinbaseRestResult<CoinbaseOrder>> GetOrderAsync(Guid orderId, CancellationToken cancellationToken) => Rest.GetOrderAsync(orderId, cancellationToken);

    public Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetFillsAsync(string productId, DateTimeOffset since, CancellationToken cancellationToken) =>
        Rest.GetFillsAsync(productId, null, since, cancellationToken);

    public async Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetOrderFillsAsync(IReadOnlyList<Guid> orderIds, CancellationToken cancellationToken)
    {
        // order_ids repeats in the query; batches keep the URL short.
        var all = new List<CoinbaseFill>();
        var status = 200;
        foreach (var batch in orderIds.Chunk(50))
        {
            var result = await Rest.GetFillsAsync(null, batch, null, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                return result;
            }

            all.AddRange(result.Value!);
            status = result.StatusCode;
        }

        return CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>.Success(all, status);
    }

    public void Dispose()
    {
        Rest.Dispose();
        _signer.Dispose();
    }
}
