namespace Digest.Mail.Transport;

/// <summary>One SMTP reply: its code and text (multi-line replies joined).</summary>
public readonly record struct SmtpReply(int Code, string Text)
{
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsPermanentFailure => Code is >= 500 and < 600;

    public override string ToString() => $"{Code} {Text}";
}
