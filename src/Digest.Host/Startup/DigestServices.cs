using Digest.Core.Bounces;
using Digest.Core.Tokens;
using Digest.Data;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Delivery.Bounces;
using Digest.Host.Options;
using Digest.Ingest;
using Digest.Mail.Bounces;
using Digest.Mail.Rendering;
using Digest.Mail.Transport;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Digest.Host.Startup;

/// <summary>One extension per concern, each registering its options (validated at start) and its services.</summary>
public static class DigestServices
{
    public static IServiceCollection AddDigestData(this IServiceCollection services, Bootstrapped boot)
    {
        services.AddSingleton(_ => DataSourceFactory.Create(boot.ConnectionString));
        services.AddSingleton(_ => SqlCatalog.Load());
        services.AddSingleton<ListingRepository>();
        services.AddSingleton<StatsRepository>();
        services.AddSingleton<SubscriberRepository>();
        services.AddSingleton<SubscriptionRepository>();
        services.AddSingleton<NoticeRepository>();
        services.AddSingleton<DataProtectionKeyRepository>();
        services.AddSingleton<DigestRepository>();
        services.AddSingleton<PlanningRepository>();
        services.AddSingleton<RecommendationRepository>();
        services.AddSingleton<SourceRunRepository>();
        services.AddSingleton<JobRunRepository>();
        services.AddSingleton<ListingEmbeddingRepository>();
        services.AddSingleton<AboutSentenceRepository>();
        services.AddSingleton<OperatorRepository>();
        services.AddSingleton<AuditRepository>();
        services.AddSingleton<SubscriberImportRepository>();
        services.AddSingleton<IClock>(SystemClock.Instance);
        return services;
    }

    /// <summary>What listings mean: the model is loaded when the embedding job first runs (about 90 MB and a second), never in a process that does not embed.</summary>
    public static IServiceCollection AddDigestMeaning(this IServiceCollection services) =>
        services.AddSingleton(_ => new Digest.Meaning.MeaningModel());

    public static IServiceCollection AddDigestIngest(this IServiceCollection services)
    {
        services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        services.AddSingleton(_ => ListingReader.Default());
        services.AddSingleton<Ingestor>();
        services.AddSingleton<InboxFolder>();
        services.AddSingleton<SourceRepository>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IngestOptions>>().Value;
            return new FeedSettings(TimeSpan.FromSeconds(o.FeedTimeoutSeconds), o.FeedEverySeconds, o.FeedRetryBaseSeconds, o.FeedMaxMegabytes * 1024L * 1024);
        });
        services.AddHttpClient<FeedPuller>(client =>
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Digest/1.0 (feed reader)");
            // The puller's own timeout applies per pull; this one must not cut it shorter.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        return services;
    }

    public static IServiceCollection AddDigestMail(this IServiceCollection services, Bootstrapped boot)
    {
        services.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);
        services.AddValidatedOptions<SiteOptions>(SiteOptions.Section);
        services.AddValidatedOptions<TemplateOptions>(TemplateOptions.Section);
        services.AddSingleton(sp => new DigestRenderer(sp.GetRequiredService<IOptions<TemplateOptions>>().Value.Resolve()));
        services.AddSingleton(sp => new NoticeRenderer(sp.GetRequiredService<IOptions<TemplateOptions>>().Value.Resolve()));
        services.AddSingleton<SmtpRelayStatus>();
        services.AddValidatedOptions<DkimOptions>(DkimOptions.Section);
        services.AddSingleton<IMailTransport>(sp =>
        {
            var smtp = sp.GetRequiredService<IOptions<SmtpOptions>>().Value;
            var dkim = sp.GetRequiredService<IOptions<DkimOptions>>().Value;
            var signer = dkim.Enabled ? new MessageSigner(dkim) : null;
            if (smtp.Transport == "pickup") return new PickupFolderTransport(smtp.PickupDirectory, signer);
            return new SmtpTransport(smtp, string.IsNullOrWhiteSpace(smtp.HeloName) ? System.Net.Dns.GetHostName() : smtp.HeloName,
                sp.GetRequiredService<SmtpRelayStatus>(), signer);
        });
        services.AddSingleton(new LinkTokens(boot.LinkKey));
        services.AddValidatedOptions<BounceOptions>(BounceOptions.Section);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BounceOptions>>().Value;
            return new ReturnPath(sp.GetRequiredService<LinkTokens>(), o.ReturnPathDomain, Duration.FromDays(o.TokenLifetimeDays));
        });
        services.AddSingleton(sp =>
        {
            var site = sp.GetRequiredService<IOptions<SiteOptions>>().Value;
            return new SenderIdentity(site.FromAddress, site.FromName, site.ListId, site.UnsubscribeMailto);
        });
        services.AddSingleton(sp =>
        {
            var site = sp.GetRequiredService<IOptions<SiteOptions>>().Value;
            return new SiteSettings(site.Name, site.BaseUrl.TrimEnd('/'), Duration.FromDays(site.LinkLifetimeDays));
        });
        return services;
    }

    public static IServiceCollection AddDigestDelivery(this IServiceCollection services)
    {
        services.AddValidatedOptions<DeliveryOptions>(DeliveryOptions.Section);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DeliveryOptions>>().Value;
            var smtp = sp.GetRequiredService<IOptions<SmtpOptions>>().Value;
            return new DeliverySettings(o.BatchSize, Duration.FromSeconds(o.LeaseSeconds), Duration.FromDays(o.LookbackDays),
                o.MaxAttempts, Duration.FromSeconds(o.RetryBaseSeconds), smtp.Transport == "pickup" ? 1 : smtp.PoolSize);
        });
        services.AddValidatedOptions<RecommendationsOptions>(RecommendationsOptions.Section);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RecommendationsOptions>>().Value;
            return new RecommendationSettings(o.Tracking, Duration.FromSeconds(o.ScannerSeconds), o.AlsoLikeCount, o.MinSignals,
                TimeSpan.FromDays(o.HalfLifeDays))
            {
                Embeddings = o.Embeddings, SkipAfter = TimeSpan.FromHours(o.SkipAfterHours), MoreWeight = o.MoreWeight, FewerWeight = o.FewerWeight,
                SkipWeight = o.SkipWeight, Regularisation = o.Regularisation, LikeSimilarity = o.LikeSimilarity,
            };
        });
        services.AddSingleton<ProfileLearner>();
        services.AddValidatedOptions<TopicsOptions>(TopicsOptions.Section);
        services.AddSingleton(sp => new AboutSettings((float)sp.GetRequiredService<IOptions<TopicsOptions>>().Value.AboutThreshold));
        services.AddValidatedOptions<PlanningOptions>(PlanningOptions.Section);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<PlanningOptions>>().Value;
            return new PlanningSettings(o.ShardSize, Duration.FromMinutes(o.ShardTimeoutMinutes), o.ShardsAtOnce);
        });
        services.AddSingleton<DigestPlanner>();
        services.AddSingleton<DigestPreviewer>();
        services.AddSingleton<DigestComposer>();
        services.AddSingleton<DigestSender>();
        services.AddValidatedOptions<SignupOptions>(SignupOptions.Section);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SignupOptions>>().Value;
            return new SignupSettings(Duration.FromHours(o.ConfirmLifetimeHours), Duration.FromMinutes(o.ResendAfterMinutes));
        });
        services.AddSingleton<NoticeSender>();
        services.AddSingleton<BounceRepository>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BounceOptions>>().Value;
            return new BounceRules(o.SoftLimit, Duration.FromDays(o.SoftWindowDays));
        });
        services.AddSingleton<BounceRecorder>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BounceOptions>>().Value);
        services.AddSingleton(sp => new BounceMailbox(sp.GetRequiredService<BounceOptions>().Imap));
        services.AddSingleton<BounceMailboxReader>();
        services.AddDigestRetention();
        services.AddSingleton<Admin.SubscriberCsv>();
        services.AddValidatedOptions<AdminOptions>(AdminOptions.Section);
        return services;
    }

    private static void AddDigestRetention(this IServiceCollection services)
    {
        services.AddValidatedOptions<RetentionOptions>(RetentionOptions.Section);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RetentionOptions>>().Value;
            return new RetentionSettings(Duration.FromDays(o.SentDigestDays), Duration.FromDays(o.ListingDays), Duration.FromDays(o.RunDays), o.BatchSize);
        });
        services.AddSingleton<RetentionRepository>();
        services.AddSingleton<Retention>();
    }
}
