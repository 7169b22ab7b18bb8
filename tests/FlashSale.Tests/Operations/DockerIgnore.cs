using System.Text;
using System.Text.RegularExpressions;

namespace FlashSale.Tests.Operations;

/// <summary>
/// A .dockerignore read as Docker reads it (moby/patternmatcher): one pattern a line, <c>#</c> comments, <c>!</c>
/// re-includes; a pattern is cleaned (a leading <c>/</c>, <c>./</c> and a trailing <c>/</c> dropped) and matched
/// against the whole path from the context's root: <c>*</c> and <c>?</c> stay within one folder, <c>**</c> spans
/// any number of them (<c>bin</c> is only the root's bin, <c>**/bin</c> every one). A path is left out when the last
/// pattern matching it, or one of its parent folders, is not a re-include.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Include)> _patterns = [];

    public DockerIgnore(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var include = line.StartsWith('!');
            var pattern = Clean(include ? line[1..].Trim() : line);
            _patterns.Add((new Regex(ToRegex(pattern), RegexOptions.CultureInvariant), include));
        }
    }

    /// <summary>Whether <paramref name="path"/> (relative to the context root, '/'-separated) stays out of the context.</summary>
    public bool Excludes(string path)
    {
        var segments = path.Split('/');
        var excluded = false;
        foreach (var (pattern, include) in _patterns)
        {
            var match = Enumerable.Range(1, segments.Length).Any(n => pattern.IsMatch(string.Join('/', segments[..n])));
            if (match)
            {
                excluded = !include;
            }
        }

        return excluded;
    }

    private static string Clean(string pattern)
    {
        var parts = new List<string>();
        foreach (var part in pattern.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                }

                // "**" at the end matches everything below; elsewhere any number of folders, even none.
                regex.Append(i + 1 == pattern.Length ? ".*" : "(.*/)?");
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else if (c == '\\' && i + 1 < pattern.Length)
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append('$').ToString();
    }
}
