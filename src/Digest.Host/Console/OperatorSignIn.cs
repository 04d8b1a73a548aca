using Digest.Data.Repositories;
using Digest.Host.Options;
using Microsoft.Extensions.Options;

namespace Digest.Host.OperatorConsole;

public enum SignInOutcome { SignedIn, Refused, Locked }

public sealed record SignInResult(SignInOutcome Outcome, OperatorAccount? Account = null, DateTime? LockedUntil = null);

/// <summary>
/// The sign-in rule and the lock-out policy, in one place: Console:LockoutFailures wrong passwords in a row lock the
/// account for Console:LockoutMinutes; while locked, no password is even checked, the right one included. Every
/// attempt, good or bad, is written to the audit log.
/// </summary>
public sealed class OperatorSignIn(OperatorRepository operators, OperatorPasswords passwords, AuditRepository audit, IOptions<ConsoleOptions> options)
{
    public async Task<SignInResult> TryAsync(string? name, string? password, CancellationToken ct)
    {
        var typed = (name ?? "").Trim();
        var account = OperatorNames.Check(typed) is null ? await operators.FindAsync(typed, ct) : null;
        if (account is { Locked: true })
        {
            await audit.WriteAsync(account.Name, "sign-in refused", account.Name, "account locked", ct);
            return new SignInResult(SignInOutcome.Locked, account, account.LockedUntil);
        }
        var (right, rehashed) = passwords.Check(account, password ?? "");
        if (account is null)
        {
            var who = typed.Length == 0 ? "(no name)" : Shorten(typed);
            await audit.WriteAsync(who, "sign-in refused", who, "no such operator", ct);
            return new SignInResult(SignInOutcome.Refused);
        }
        if (!right) return await FailAsync(account, ct);
        await operators.RecordSignInAsync(account.Id, rehashed, ct);
        await audit.WriteAsync(account.Name, "signed in", account.Name, null, ct);
        return new SignInResult(SignInOutcome.SignedIn, account);
    }

    private async Task<SignInResult> FailAsync(OperatorAccount account, CancellationToken ct)
    {
        var policy = options.Value;
        var lockedUntil = await operators.RecordFailureAsync(account.Id, policy.LockoutFailures, TimeSpan.FromMinutes(policy.LockoutMinutes), ct);
        if (lockedUntil is null)
        {
            await audit.WriteAsync(account.Name, "sign-in refused", account.Name, "wrong password", ct);
            return new SignInResult(SignInOutcome.Refused);
        }
        await audit.WriteAsync(account.Name, "account locked", account.Name,
            $"{policy.LockoutFailures} wrong passwords in a row; locked for {policy.LockoutMinutes} minutes", ct);
        return new SignInResult(SignInOutcome.Locked, account, lockedUntil);
    }

    /// <summary>What a stranger typed is kept for the record, but never more than a name's length of it.</summary>
    private static string Shorten(string typed) => typed.Length <= OperatorNames.MaxLength ? typed : typed[..OperatorNames.MaxLength] + "…";
}
