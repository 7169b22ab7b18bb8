using System.Reflection;
using System.Text.RegularExpressions;
using FlashSale.Common;
using Npgsql;

namespace FlashSale.Operations;

/// <summary>
/// A server that cannot start (its data folder locked by another server, a setting it refuses, a store it cannot
/// reach, an address another process listens on) says so in one line on stderr, <c>flashsale: &lt;what is wrong&gt;</c>,
/// logs it (event 6002, with the exception), and exits 1. It ended with an unhandled exception: a stack trace on stderr
/// and exit 134 (SIGABRT), which reads as a crash.
/// </summary>
public static partial class StartFailure
{
    /// <summary>The exit code of a server that could not start.</summary>
    public const int ExitCode = 1;

    /// <summary>
    /// True when this process is the server (<c>dotnet FlashSale.dll</c>). A host the tests start in their own process
    /// (WebApplicationFactory) or a tool that loads the entry point must see the start's exception unchanged.
    /// </summary>
    public static bool IsOwnProcess => Assembly.GetEntryAssembly() == typeof(StartFailure).Assembly;

    /// <summary>The line for stderr: <c>flashsale: </c> and <see cref="Reason"/>.</summary>
    public static string Describe(Exception error) => $"flashsale: {Reason(error)}";

    /// <summary>
    /// What is wrong, in one line: the exception's message, then its inner ones where they add something ("Failed to connect
    /// to 127.0.0.1:5432: Connection refused"). FlashSale's own messages are written for operators and say what to
    /// do: what they wrap adds nothing. No stack trace; line breaks become spaces.
    /// </summary>
    public static string Reason(Exception error)
    {
        var chain = Chain(error).ToList();
        if (chain.Select(e => ConversionFailure().Match(e.Message)).FirstOrDefault(m => m.Success) is { } conversion)
        {
            return Unconvertible(conversion.Groups["key"].Value, conversion.Groups["value"].Value, conversion.Groups["type"].Value);
        }

        // The record's own words name neither the setting nor what to do ("3D000: database \"x\" does not exist").
        if (chain.OfType<PostgresException>().FirstOrDefault(e => e.SqlState == PostgresErrorCodes.InvalidCatalogName) is { } noDatabase)
        {
            return $"ConnectionStrings:Postgres names a database that does not exist ({noDatabase.MessageText}): create it " +
                "(createdb, or CREATE DATABASE) and start again; the server creates its tables, not the database.";
        }

        var said = Said(error);
        return chain.OfType<NpgsqlException>().Any() ? $"PostgreSQL (ConnectionStrings:Postgres): {said}" : said;
    }

    private static string Said(Exception error)
    {
        var parts = new List<string>();
        foreach (var message in Messages(error))
        {
            var line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            if (line.Length > 0 && !parts.Any(p => p.Contains(line, StringComparison.OrdinalIgnoreCase)))
            {
                parts.Add(line);
            }
        }

        return parts.Count == 0 ? error.GetType().Name : string.Join(": ", parts.Select((p, i) => i < parts.Count - 1 ? p.TrimEnd('.') : p));
    }

    public static void Log(ILogger logger, Exception error) => LogCouldNotStart(logger, error, Reason(error));

    /// <summary>
    /// A setting the configuration binder could not read as its type: "Failed to convert configuration value 'Embeded' at
    /// 'Storage:Mode' to type 'FlashSale.Storage.StorageMode'" named the C# type, not what to write, nor the variable.
    /// </summary>
    private static string Unconvertible(string key, string value, string typeName)
    {
        var type = typeof(StartFailure).Assembly.GetType(typeName) ?? Type.GetType(typeName);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var expected = type switch
        {
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(TimeSpan) => "a time span such as 00:00:05",
            _ => "a " + (type?.Name ?? typeName),
        };
        return $"{key} must be {expected}, not '{value}' (environment variable {SettingsValidation.EnvironmentVariable(key)}).";
    }

    private static IEnumerable<Exception> Chain(Exception error) => error switch
    {
        AggregateException all => all.InnerExceptions.SelectMany(Chain).Prepend(error),
        { InnerException: { } inner } => Chain(inner).Prepend(error),
        _ => [error],
    };

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    private static IEnumerable<string> Messages(Exception error)
    {
        if (error is AggregateException all)
        {
            return all.InnerExceptions.SelectMany(Messages);
        }

        var own = error.TargetSite?.Module.Assembly == typeof(StartFailure).Assembly;
        return error.InnerException is { } inner && !own ? [error.Message, .. Messages(inner)] : [error.Message];
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Critical, Message = "The server could not start: {Reason}")]
    private static partial void LogCouldNotStart(ILogger logger, Exception error, string reason);
}
