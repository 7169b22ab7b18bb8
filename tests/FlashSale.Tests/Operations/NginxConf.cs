using System.Text;
using System.Text.RegularExpressions;

namespace FlashSale.Tests.Operations;

/// <summary>
/// An nginx configuration read far enough to tell how it treats a request: directives and blocks, the location a
/// URI selects (exact, then the longest prefix and its nested locations, then the regular expressions from the
/// innermost level out, as nginx does), and the directives in force there — a directive set at a level replaces
/// every occurrence of it from the levels above (so a location with one <c>proxy_set_header</c> inherits none).
/// </summary>
internal sealed class NginxConf
{
    private NginxConf(Block main) => Main = main;

    public Block Main { get; }

    public Block Http => Main.Only("http");

    public static NginxConf Parse(string text) => new(ParseBlock(Tokenize(text), 0, out _));

    /// <summary>The directives in force for <paramref name="uri"/> in the (only) server: name to its values, each value its arguments joined by spaces.</summary>
    public Dictionary<string, List<string>> For(string uri)
    {
        var server = Http.Only("server");
        var levels = new List<Block> { Http, server };
        levels.AddRange(Locations(server, uri).Chain);
        var effective = new Dictionary<string, List<string>>();
        foreach (var level in levels)
        {
            foreach (var group in level.Directives.Where(d => d.Body is null).GroupBy(d => d.Name))
            {
                effective[group.Key] = group.Select(d => string.Join(' ', d.Args)).ToList();
            }
        }

        return effective;
    }

    /// <summary>The location blocks <paramref name="uri"/> goes through below <paramref name="level"/>, outermost first; final when nothing above may take it any more.</summary>
    private static (List<Block> Chain, bool Final) Locations(Block level, string uri)
    {
        var locations = level.Directives.Where(d => d is { Name: "location", Body: not null }).ToList();
        if (locations.FirstOrDefault(l => l.Args is ["=", var path] && path == uri) is { } exact)
        {
            return ([exact.Body!], true);
        }

        var chain = new List<Block>();
        var prefix = locations.Where(l => l.Args.Count == 1 || l.Args[0] == "^~")
            .Where(l => uri.StartsWith(l.Args[^1], StringComparison.Ordinal)).MaxBy(l => l.Args[^1].Length);
        if (prefix is not null)
        {
            chain.Add(prefix.Body!);
            var (nested, final) = Locations(prefix.Body!, uri);
            chain.AddRange(nested);
            if (final || prefix.Args[0] == "^~")
            {
                return (chain, true);
            }
        }

        foreach (var regex in locations.Where(l => l.Args.Count == 2 && l.Args[0] is "~" or "~*"))
        {
            var options = regex.Args[0] == "~*" ? RegexOptions.IgnoreCase : RegexOptions.None;
            if (Regex.IsMatch(uri, regex.Args[1], options | RegexOptions.CultureInvariant))
            {
                return ([regex.Body!, .. Locations(regex.Body!, uri).Chain], true);
            }
        }

        return (chain, false);
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is '{' or '}' or ';')
            {
                tokens.Add(new Token(c.ToString(), Punctuation: true));
                i++;
            }
            else if (c is '"' or '\'')
            {
                var word = new StringBuilder();
                for (i++; text[i] != c; i++)
                {
                    word.Append(text[i] == '\\' ? text[++i] : text[i]);
                }

                i++;
                tokens.Add(new Token(word.Length == 0 ? "\"\"" : word.ToString(), Punctuation: false));
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('{' or '}' or ';'))
                {
                    i++;
                }

                tokens.Add(new Token(text[start..i], Punctuation: false));
            }
        }

        return tokens;
    }

    private static Block ParseBlock(List<Token> tokens, int start, out int end)
    {
        var block = new Block();
        var words = new List<string>();
        var i = start;
        for (; i < tokens.Count && tokens[i] != new Token("}", Punctuation: true); i++)
        {
            switch (tokens[i])
            {
                case { Punctuation: true, Text: ";" }:
                    block.Directives.Add(new Directive(words[0], words.Skip(1).ToList(), null));
                    words = [];
                    break;
                case { Punctuation: true, Text: "{" }:
                    var body = ParseBlock(tokens, i + 1, out i);
                    block.Directives.Add(new Directive(words[0], words.Skip(1).ToList(), body));
                    words = [];
                    break;
                default:
                    words.Add(tokens[i].Text);
                    break;
            }
        }

        end = i;
        return block;
    }

    internal sealed class Block
    {
        public List<Directive> Directives { get; } = [];

        public Block Only(string name) => Directives.Single(d => d.Name == name && d.Body is not null).Body!;
    }

    internal sealed record Directive(string Name, List<string> Args, Block? Body);

    private readonly record struct Token(string Text, bool Punctuation);
}
