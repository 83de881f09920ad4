using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segmenter.Hosting.Logging;

public static class RepeatedLogSummarizerExtensions
{
    /// <summary>
    /// Wraps every logger provider registered so far in a <see cref="RepeatedLogSummarizer"/>: of a warning or error
    /// that repeats, at most <paramref name="shownPerInterval"/> per <paramref name="interval"/> (default 10 s) are
    /// written, then one line with the count of the others. Call it after the providers are added.
    /// </summary>
    public static ILoggingBuilder SummarizeRepeatedWarnings(this ILoggingBuilder logging, TimeSpan? interval = null, int shownPerInterval = 5)
    {
        var every = interval ?? TimeSpan.FromSeconds(10);
        var providers = logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && !d.IsKeyedService).ToList();
        foreach (var descriptor in providers)
        {
            logging.Services.Remove(descriptor);
            logging.Services.AddSingleton<ILoggerProvider>(sp => new RepeatedLogSummarizer(Build(sp, descriptor), every, shownPerInterval));
        }

        return logging;
    }

    private static ILoggerProvider Build(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ILoggerProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
