using static FlashSale.Web.Html;

namespace FlashSale.Tests.Web;

/// <summary>
/// Fragments of HTML: every hole encoded unless it is itself HTML, and a fragment's builder, reused by the next one,
/// never carries text from one fragment into another, nested or in turn.
/// </summary>
public sealed class HtmlTests
{
    [Fact]
    public void Holes_AreEncoded_UnlessTheyAreHtml()
    {
        var name = "<script>\"x\" & 'y'</script>";
        Assert.Equal("<b>&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;/script&gt;</b> <i>ok</i> 42",
            H($"<b>{name}</b> {H($"<i>{"ok"}</i>")} {42}").Value);
    }

    [Fact]
    public void FragmentsInTurnAndNested_KeepOnlyTheirOwnText()
    {
        for (var i = 0; i < 50; i++)
        {
            var items = Enumerable.Range(0, 20).Select(n => H($"<li>{n}</li>")).ToList();
            var list = H($"<ul>{items}</ul>");
            Assert.Equal("<ul>" + string.Concat(Enumerable.Range(0, 20).Select(n => $"<li>{n}</li>")) + "</ul>", list.Value);
            Assert.Equal($"<p>{i}</p>", H($"<p>{i}</p>").Value);
        }
    }

    [Fact]
    public void ALargeFragment_IsWhole_AndTheNextOneStartsEmpty()
    {
        var big = new string('x', 100_000);
        Assert.Equal(100_007, H($"<p>{big}</p>").Value.Length);
        Assert.Equal("<p>y</p>", H($"<p>{"y"}</p>").Value);
    }
}
