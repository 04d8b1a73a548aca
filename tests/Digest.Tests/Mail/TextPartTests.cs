using System.Text;
using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

public class TextPartTests
{
    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("a")]
    [InlineData("a\n")]
    [InlineData("\n\n  \na  \t\n\n\n b \r\n\r\n")]
    [InlineData("a\rb\r\nc\fd\u0085e\u2028f\u2029g\n\r")]
    [InlineData("  \n\n\nx\n\n\n\n")]
    public void Folds_as_the_line_by_line_version_did(string text) => Assert.Equal(Reference(text), TextPart.Normalise(text));

    [Fact]
    public void Folds_random_texts_as_the_line_by_line_version_did()
    {
        var random = new Random(5);
        const string alphabet = "ab  \t\r\n\n\n\f\u0085\u2028\u2029\u00a0\u3000x";
        for (var n = 0; n < 5_000; n++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.Equal(Reference(text), TextPart.Normalise(text));
        }
    }

    // The renderer's normalisation before issue 5, kept as the definition of what the text part looks like.
    private static string Reference(string text)
    {
        var sb = new StringBuilder();
        var blank = false;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.TrimEnd();
            if (line.IsEmpty)
            {
                if (sb.Length == 0 || blank) continue;
                blank = true;
            }
            else blank = false;
            sb.Append(line).Append("\r\n");
        }
        while (sb.Length >= 4 && sb[^1] == '\n' && sb[^3] == '\n') sb.Length -= 2;
        return sb.ToString();
    }
}
