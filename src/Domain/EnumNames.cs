using System.Text.Json;

namespace ZeroLagHub.Domain;

/// <summary>
/// An enum value's name as it is written in JSON (<c>nonzero_exit</c>, <c>running</c>): the one spelling
/// for columns, logs and documents, so a SQL filter and the stored document never disagree.
/// </summary>
public static class EnumNames
{
    public static string Of<T>(T value) where T : struct, Enum =>
        JsonSerializer.Serialize(value, JsonSerializerOptions.Web).Trim('"');
}
