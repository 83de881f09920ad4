using System.Net;

namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// A request the registry refuses, with the HTTP status and the error code a Confluent registry answers with; the
/// REST layer writes it as <c>{"error_code": n, "message": "..."}</c>.
/// </summary>
internal sealed class RegistryException(HttpStatusCode status, int errorCode, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public int ErrorCode { get; } = errorCode;

    public static RegistryException SubjectNotFound(string subject) => new(HttpStatusCode.NotFound, 40401, $"Subject '{subject}' not found.");

    public static RegistryException VersionNotFound(string version) => new(HttpStatusCode.NotFound, 40402, $"Version {version} not found.");

    public static RegistryException SchemaNotFound(string? what = null) => new(HttpStatusCode.NotFound, 40403, what is null ? "Schema not found" : $"Schema {what} not found");

    public static RegistryException SubjectSoftDeleted(string subject) =>
        new(HttpStatusCode.NotFound, 40404, $"Subject '{subject}' was soft deleted. Set permanent=true to delete permanently");

    public static RegistryException SubjectNotSoftDeleted(string subject) =>
        new(HttpStatusCode.NotFound, 40405, $"Subject '{subject}' was not deleted first before being permanently deleted");

    public static RegistryException VersionSoftDeleted(string subject, int version) =>
        new(HttpStatusCode.NotFound, 40406, $"Subject '{subject}' Version {version} was soft deleted. Set permanent=true to delete permanently");

    public static RegistryException VersionNotSoftDeleted(string subject, int version) =>
        new(HttpStatusCode.NotFound, 40407, $"Subject '{subject}' Version {version} was not deleted first before being permanently deleted");

    public static RegistryException CompatibilityNotConfigured(string subject) =>
        new(HttpStatusCode.NotFound, 40408, $"Subject '{subject}' does not have subject-level compatibility configured");

    public static RegistryException Incompatible(string subject, CompatibilityLevel level, IEnumerable<CompatibilityFinding> findings) =>
        new(HttpStatusCode.Conflict, 409,
            $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", findings)}, {{compatibility: '{level.Name()}'}}]");

    public static RegistryException InvalidSchema(string reason) => new(HttpStatusCode.UnprocessableEntity, 42201, $"Invalid schema: {reason}");

    public static RegistryException InvalidVersion(string version) =>
        new(HttpStatusCode.UnprocessableEntity, 42202,
            $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryException InvalidCompatibilityLevel() =>
        new(HttpStatusCode.UnprocessableEntity, 42203,
            "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
}
