using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace FlashSale.Web;

/// <summary>
/// A fragment of HTML that is safe to write as is. Built only through <see cref="H"/>, whose
/// interpolation encodes every hole unless the hole is itself <see cref="Html"/>: forgetting to
/// encode is not possible by construction.
/// </summary>
public readonly record struct Html(string Value)
{
    public static readonly Html Empty = new("");

    /// <summary>Trusted markup, e.g. generated SVG numbers. Never for user input.</summary>
    public static Html Raw(string value) => new(value);

    public static Html H([InterpolatedStringHandlerArgument] HtmlHandler handler) => handler.ToHtml();

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public static Html When(bool condition, Html html) => condition ? html : Empty;

    public override string ToString() => Value;
}

[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    /// <summary>Letters of every script stay readable; markup characters and quotes are escaped.</summary>
    internal static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    // A page is a few dozen fragments, each built then copied into its parent: their builders are reused, per
    // thread, instead of allocated (and their buffers cleared by the GC) for every fragment of every page.
    private const int SparesKept = 16;
    private const int LargestKept = 64 * 1024;

    [ThreadStatic]
    private static Stack<StringBuilder>? t_spares;

    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount) =>
        _builder = t_spares is { Count: > 0 } spares ? spares.Pop() : new StringBuilder(Math.Max(256, literalLength + (formattedCount * 16)));

    public readonly void AppendLiteral(string value) => _builder.Append(value);

    public readonly void AppendFormatted(Html value) => _builder.Append(value.Value);

    public readonly void AppendFormatted(IEnumerable<Html> values)
    {
        foreach (var value in values)
        {
            _builder.Append(value.Value);
        }
    }

    public readonly void AppendFormatted(string? value) => _builder.Append(Encoder.Encode(value ?? ""));

    public readonly void AppendFormatted<T>(T value, string? format = null) where T : IFormattable =>
        _builder.Append(Encoder.Encode(value.ToString(format, CultureInfo.InvariantCulture)));

    public readonly Html ToHtml()
    {
        var html = new Html(_builder.ToString());
        var spares = t_spares ??= new Stack<StringBuilder>(SparesKept);
        if (spares.Count < SparesKept && _builder.Capacity <= LargestKept)
        {
            _builder.Clear();
            spares.Push(_builder);
        }

        return html;
    }
}
