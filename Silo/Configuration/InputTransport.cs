namespace Segmenter.Silo.Configuration;

/// <summary>Where input events come from.</summary>
public enum InputTransport
{
    Kafka,
    EventHubs,
}
