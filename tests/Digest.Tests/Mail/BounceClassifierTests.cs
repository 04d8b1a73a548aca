using Digest.Mail.Bounces;
using MimeKit;

namespace Digest.Tests.Mail;

public class BounceClassifierTests
{
    private const string ReturnPath = "bounces+abc@bounces.example.org";
    private const string Recipient = "reader@example.com";
    private const string OriginalId = "<digest-42-20261201@example.org>";

    public static MimeMessage Load(string name)
    {
        var text = Fixtures.Text(Path.Combine("Bounces", name))
            .Replace("{{RETURN_PATH}}", ReturnPath, StringComparison.Ordinal)
            .Replace("{{RECIPIENT}}", Recipient, StringComparison.Ordinal)
            .Replace("{{MESSAGE_ID}}", OriginalId, StringComparison.Ordinal)
            .Replace("{{ID}}", "bounce-1", StringComparison.Ordinal);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        return MimeMessage.Load(stream);
    }

    [Theory]
    [InlineData("postfix-hard.eml", "5.1.1")]
    [InlineData("gmail.eml", "5.1.1")]
    [InlineData("microsoft.eml", "5.1.10")]
    [InlineData("exim-classic.eml", "5.1.1")]
    [InlineData("no-original.eml", "5.2.1")]
    public void A_permanent_failure_is_a_hard_bounce_naming_the_recipient(string file, string status)
    {
        var report = BounceClassifier.Classify(Load(file));

        Assert.Equal(BounceKind.Hard, report.Kind);
        Assert.Equal(status, report.Status);
        Assert.Equal(Recipient, report.Recipient);
        Assert.Contains(ReturnPath, report.ReturnPathCandidates);
    }

    [Theory]
    [InlineData("postfix-hard.eml")]
    [InlineData("gmail.eml")]
    [InlineData("microsoft.eml")]
    [InlineData("exim-classic.eml")]
    [InlineData("postfix-delayed.eml")]
    [InlineData("arf-abuse.eml")]
    public void The_original_message_id_is_found_in_the_returned_headers(string file) =>
        Assert.Equal(OriginalId, BounceClassifier.Classify(Load(file)).OriginalMessageId);

    [Fact]
    public void A_bounce_without_the_original_has_no_original_message_id() =>
        Assert.Null(BounceClassifier.Classify(Load("no-original.eml")).OriginalMessageId);

    [Fact]
    public void A_delay_is_a_soft_bounce()
    {
        var report = BounceClassifier.Classify(Load("postfix-delayed.eml"));

        Assert.Equal(BounceKind.Soft, report.Kind);
        Assert.Equal("4.2.2", report.Status);
    }

    [Fact]
    public void An_abuse_report_is_a_complaint_with_its_source()
    {
        var report = BounceClassifier.Classify(Load("arf-abuse.eml"));

        Assert.Equal(BounceKind.Complaint, report.Kind);
        Assert.Equal(Recipient, report.Recipient);
        Assert.Contains("staff@hotmail.com", report.Source, StringComparison.Ordinal);
        Assert.Contains("198.51.100.4", report.Source, StringComparison.Ordinal);
        Assert.Contains(ReturnPath, report.ReturnPathCandidates);
    }

    [Fact]
    public void A_not_spam_report_is_ignored()
    {
        var message = Load("arf-abuse.eml");
        var text = message.ToString().Replace("Feedback-Type: abuse", "Feedback-Type: not-spam", StringComparison.Ordinal);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        Assert.Equal(BounceKind.Ignored, BounceClassifier.Classify(MimeMessage.Load(stream)).Kind);
    }

    [Fact]
    public void An_out_of_office_reply_is_ignored() =>
        Assert.Equal(BounceKind.Ignored, BounceClassifier.Classify(Load("out-of-office.eml")).Kind);

    [Theory]
    [InlineData("junk.eml")]
    [InlineData("malformed.eml")]
    public void Anything_else_is_unclassified(string file) =>
        Assert.Equal(BounceKind.Unclassified, BounceClassifier.Classify(Load(file)).Kind);

    [Fact]
    public void A_success_notice_is_ignored()
    {
        var text = Load("postfix-hard.eml").ToString().Replace("Action: failed", "Action: delivered", StringComparison.Ordinal)
            .Replace("Status: 5.1.1", "Status: 2.0.0", StringComparison.Ordinal);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        Assert.Equal(BounceKind.Ignored, BounceClassifier.Classify(MimeMessage.Load(stream)).Kind);
    }
}
