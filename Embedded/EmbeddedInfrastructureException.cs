namespace Segmenter.Embedded;

/// <summary>A part of the embedded infrastructure could not start (a port in use, redis-server missing, ...).</summary>
public sealed class EmbeddedInfrastructureException : Exception
{
    public EmbeddedInfrastructureException()
    {
    }

    public EmbeddedInfrastructureException(string message)
        : base(message)
    {
    }

    public EmbeddedInfrastructureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
