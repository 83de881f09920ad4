namespace Segmenter.Silo.Endpoints;

/// <summary>
/// The query API, like Kafka Streams' interactive queries: look at one device's open session without reading topics.
/// </summary>
public static class DeviceSessionEndpoints
{
    public static IEndpointRouteBuilder MapDeviceSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/devices/{id}/session", async (string id, IGrainFactory grains) =>
            await grains.GetGrain<IDeviceSessionGrain>(id).GetOpenSession() is { } session
                ? Results.Ok(session)
                : Results.NotFound(new { error = $"Device '{id}' has no open session." }));
        return app;
    }
}
