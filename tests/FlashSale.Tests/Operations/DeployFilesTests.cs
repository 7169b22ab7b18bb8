using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// The deploy files cannot run here (no Docker engine), so this keeps them honest against the code:
/// the environment variables they set are settings the server reads, the ports agree, and the
/// health paths they probe exist; and against each other: the compose Redis keeps deploy/redis.conf's
/// durability rules in a configuration the container can run, the two nginx files treat every request
/// alike, and .dockerignore keeps the host's build output and secrets out of the image's build context
/// but everything the Dockerfile copies in.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Root = RepoRoot();

    [Fact]
    public void EveryEnvironmentVariable_IsASettingTheServerReads()
    {
        var source = string.Join('\n', Directory.EnumerateFiles(Path.Combine(Root, "src", "FlashSale"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText));
        var deploy = Read("deploy/compose.yaml") + Read("deploy/Dockerfile");
        var names = EnvName().Matches(deploy).Select(m => m.Value).Distinct().ToList();

        Assert.Contains("Storage__Mode", names);
        Assert.All(names.Where(n => !n.StartsWith("ASPNETCORE_", StringComparison.Ordinal)), name =>
        {
            var segments = name.Split("__").Where(s => !s.All(char.IsAsciiDigit)).ToArray();
            var section = segments[0];
            var key = segments[^1];
            var readAsString = source.Contains($"\"{string.Join(':', segments)}", StringComparison.Ordinal);
            var boundOption = (source.Contains($"Section = \"{section}\"", StringComparison.Ordinal) || section is "ConnectionStrings" or "Logging")
                && (source.Contains($" {key} {{ get; set; }}", StringComparison.Ordinal) || source.Contains($"\"{key}\"", StringComparison.Ordinal));
            Assert.True(readAsString || boundOption, $"{name} is set in deploy/ but nothing in src/FlashSale reads {string.Join(':', segments)}");
        });
    }

    [Fact]
    public void Ports_Agree_AcrossDockerfileComposeAndNginx()
    {
        var dockerfile = Read("deploy/Dockerfile");
        var compose = Read("deploy/compose.yaml");
        var nginx = Read("deploy/nginx.compose.conf");

        Assert.Contains("EXPOSE 8080", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS=http://+:8080", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS: http://+:8080", compose, StringComparison.Ordinal);
        foreach (var instance in new[] { "flashsale-1", "flashsale-2", "flashsale-3" })
        {
            Assert.Contains($"  {instance}:", compose, StringComparison.Ordinal);
            Assert.Contains($"server {instance}:8080", nginx, StringComparison.Ordinal);
        }

        Assert.Contains("client_max_body_size 64k", nginx, StringComparison.Ordinal);
        Assert.Contains("proxy_buffering off", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthPathsProbedByTheDeployFiles_ExistAndAnswer()
    {
        var paths = HealthPath().Matches(Read("deploy/Dockerfile") + Read("deploy/compose.yaml"))
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(paths);

        await using var app = new TestApp();
        var client = app.CreateClient();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void RedisConf_IsDurableAndNeverEvicts()
    {
        var conf = Read("deploy/redis.conf");
        Assert.Matches(new Regex(@"^appendonly yes", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex(@"^appendfsync always", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex(@"^maxmemory-policy noeviction", RegexOptions.Multiline), conf);
    }

    [Fact]
    public void ComposeRedis_RunsAConfigurationMadeForTheContainer()
    {
        var redis = ComposeRedis();

        // What a 2xx promises (deploy/redis.conf): every write fsynced to the AOF before the reply, never an eviction.
        Assert.Equal("yes", redis.Setting("appendonly"));
        Assert.Equal("always", redis.Setting("appendfsync"));
        Assert.Equal("no", redis.Setting("no-appendfsync-on-rewrite"));
        Assert.Equal("noeviction", redis.Setting("maxmemory-policy"));

        // The AOF is written in the volume, or it dies with the container (and a path the image lacks stops Redis).
        Assert.True(redis.Volumes.TryGetValue("/data", out var dataVolume) && !dataVolume.StartsWith('.') && !dataVolume.StartsWith('/'),
            "the compose redis service mounts a named volume at /data (the image's working directory)");
        Assert.Equal("/data", redis.Setting("dir"));
        Assert.Matches(new Regex($@"^  {Regex.Escape(dataVolume!)}:", RegexOptions.Multiline), TopLevel(Read("deploy/compose.yaml"), "volumes"));

        // Nothing outside the container image: log to stdout (docker logs), no pid file in a folder the image lacks.
        Assert.True(redis.Setting("logfile") is null or "", $"logfile {redis.Setting("logfile")}: the image has no such folder; log to stdout (logfile \"\")");
        Assert.True(redis.Setting("pidfile") is null or "", $"pidfile {redis.Setting("pidfile")}: the image has no such folder");
        Assert.NotEqual("systemd", redis.Setting("supervised"));

        // The FlashSale containers reach it over the compose network: not loopback only, and protected mode
        // (which refuses every non-loopback client when no password is set) off, with the port not published.
        var bind = (redis.Setting("bind") ?? "* -::*").Split(' ');
        Assert.True(bind.Intersect(["*", "0.0.0.0"]).Any(), $"bind {string.Join(' ', bind)}: the other containers cannot connect");
        Assert.True(redis.Setting("protected-mode") == "no" || redis.Setting("requirepass") is { Length: > 0 },
            "protected-mode yes without a password refuses every client that is not on loopback: the other containers");
        Assert.DoesNotContain("ports:", redis.Block, StringComparison.Ordinal);
    }

    [Fact]
    public void ComposeRedisConfiguration_DiffersFromRedisConf_OnlyInWhereItRuns()
    {
        // The password is a secret from the environment: a host's Redis gets its own in its ACL (deploy/redis.conf).
        string[] whereItRuns = ["bind", "protected-mode", "supervised", "pidfile", "logfile", "dir", "requirepass"];
        var production = RedisConf(Read("deploy/redis.conf"));
        var compose = ComposeRedis();

        foreach (var (name, value) in production.Where(p => !whereItRuns.Contains(p.Key)))
        {
            Assert.True(value == compose.Setting(name), $"{name}: deploy/redis.conf says '{value}', the compose Redis '{compose.Setting(name)}'");
        }

        foreach (var name in compose.Settings.Keys.Where(k => !whereItRuns.Contains(k)))
        {
            Assert.True(production.ContainsKey(name), $"{name} is set for the compose Redis only: set it in deploy/redis.conf too");
        }
    }

    [Fact]
    public void ComposeRedis_AsksForAPasswordFromTheEnvironment_AndEveryClientGivesIt()
    {
        var compose = Read("deploy/compose.yaml");
        var redis = ComposeRedis();
        const string FromEnvironment = "${REDIS_PASSWORD:?set REDIS_PASSWORD}";

        // Required, never defaulted: compose refuses to start without it.
        Assert.Equal(FromEnvironment, redis.Setting("requirepass"));
        // The instances (the x-flashsale block they share) connect with it; the health check's redis-cli reads it from REDISCLI_AUTH.
        Assert.Contains($"    ConnectionStrings__Redis: redis:6379,password={FromEnvironment}\n", compose, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"^\s+REDISCLI_AUTH: {Regex.Escape(FromEnvironment)}\s*$", RegexOptions.Multiline), redis.Block);
        Assert.Contains("redis-cli", redis.Block, StringComparison.Ordinal);
    }

    [Fact]
    public void ComposeInstances_TrustForwardedAddressesFromNginxAlone()
    {
        var compose = Read("deploy/compose.yaml");
        var trusted = Regex.Matches(compose, @"^\s+Network__TrustedProxies__\d+: (\S+)\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var nginxAddress = Regex.Match(Service(compose, "nginx"), @"ipv4_address: (\S+)").Groups[1].Value;
        var subnet = Regex.Match(TopLevel(compose, "networks"), @"subnet: (\S+)").Groups[1].Value;

        // One trusted address, nginx's own, pinned inside the network's pinned range: an unpinned network could come up
        // in a range the setting does not cover (every buyer then one address to the per-IP limits), and a whole range
        // trusted let any container on it claim any client address.
        Assert.Equal([nginxAddress], trusted);
        Assert.True(IPNetwork.Parse(subnet).Contains(IPAddress.Parse(nginxAddress)), $"nginx's {nginxAddress} is outside the network {subnet}");
    }

    /// <summary>A request of every kind the server answers: API reads and writes, purchases, the live feed, pages, health, metrics, static files.</summary>
    public static TheoryData<string> Requests =>
    [
        "/", "/api/v1/sales", "/api/v1/sales/42", "/api/v1/sales/42/purchases", "/api/v1/sales/42/events", "/api/v1/sales/42/stock",
        "/api/v1/sales/42/leaderboard", "/api/v1/me/orders", "/api/v1/auth/token", "/api/v1/admin/sales/42", "/sales/42/buy",
        "/admin/sales/42/edit", "/health/ready", "/metrics", "/css/site.css",
    ];

    [Theory]
    [MemberData(nameof(Requests))]
    public void NginxFiles_TreatEveryRequestTheSame(string uri)
    {
        var local = NginxConf.Parse(Read("deploy/nginx.conf")).For(uri);
        var compose = NginxConf.Parse(Read("deploy/nginx.compose.conf")).For(uri);

        foreach (var name in local.Keys.Union(compose.Keys).Except(WhereNginxRuns))
        {
            var inLocal = string.Join("; ", local.GetValueOrDefault(name) ?? ["(not set)"]);
            var inCompose = string.Join("; ", compose.GetValueOrDefault(name) ?? ["(not set)"]);
            Assert.True(inLocal == inCompose, $"{uri}: {name} is '{inLocal}' in deploy/nginx.conf, '{inCompose}' in deploy/nginx.compose.conf");
        }
    }

    [Fact]
    public void NginxFiles_BalanceTheSameWay()
    {
        static List<string> Upstream(string file) => NginxConf.Parse(Read(file)).Http.Only("upstream").Directives
            .Select(d => d.Name == "server" ? $"server (address) {string.Join(' ', d.Args.Skip(1))}" : $"{d.Name} {string.Join(' ', d.Args)}").ToList();

        Assert.Equal(Upstream("deploy/nginx.conf"), Upstream("deploy/nginx.compose.conf"));
    }

    [Theory]
    [InlineData("deploy/nginx.conf")]
    [InlineData("deploy/nginx.compose.conf")]
    public void Nginx_SendsAPurchaseAnInstanceRefusedToTheNext_ButNeverReplaysOneItSent(string file)
    {
        var purchase = NginxConf.Parse(Read(file)).For("/api/v1/sales/42/purchases");

        // nginx's default is "error timeout"; "error" covers a refused connection, which sent nothing.
        var nextUpstream = (purchase.GetValueOrDefault("proxy_next_upstream")?.Single() ?? "error timeout").Split(' ');
        Assert.Contains("error", nextUpstream);
        Assert.Contains("timeout", nextUpstream);
        Assert.DoesNotContain("off", nextUpstream);
        // A POST sent to an instance that then failed is never replayed on another one (it may have bought).
        Assert.DoesNotContain("non_idempotent", nextUpstream);
        // A dead instance's connect times out in seconds (nginx's default is 60 s), then the next one is tried.
        Assert.Matches(@"^[1-5]s$", purchase.GetValueOrDefault("proxy_connect_timeout")?.Single() ?? "60s");
    }

    [Theory]
    [InlineData("deploy/nginx.conf")]
    [InlineData("deploy/nginx.compose.conf")]
    public void Nginx_KeepsTheMetricsFromThePublic(string file)
    {
        // How a sale sells, second by second, is for the scraper inside, which asks each instance itself.
        var metrics = NginxConf.Parse(Read(file)).For("/metrics");

        Assert.Equal("404", metrics.GetValueOrDefault("return")?.Single());
        Assert.False(metrics.ContainsKey("proxy_pass"), "/metrics is passed on to the instances");
    }

    [Theory]
    [InlineData("deploy/nginx.conf")]
    [InlineData("deploy/nginx.compose.conf")]
    public void Nginx_BoundsWhatOneAddressHolds_AndClosesSilentConnections(string file)
    {
        // The instances exempt nginx from Limits:MaxConnectionsPerClient: nginx bounds each address itself.
        var conf = NginxConf.Parse(Read(file));
        var zones = conf.Http.Directives.Where(d => d.Name == "limit_conn_zone" && d.Args[0] == "$binary_remote_addr")
            .Select(d => d.Args.Single(a => a.StartsWith("zone=", StringComparison.Ordinal))[5..].Split(':')[0]).ToList();
        foreach (var uri in new[] { "/api/v1/sales/42/purchases", "/api/v1/sales/42/events", "/", "/health/ready" })
        {
            var effective = conf.For(uri);
            var limits = effective.GetValueOrDefault("limit_conn") ?? [];
            Assert.Contains(limits, l => l.Split(' ') is [var zone, var n] && zones.Contains(zone) && int.Parse(n, CultureInfo.InvariantCulture) is >= 16 and <= 1024);
            // nginx's defaults are 60 s: an idle or stalled client holds a connection six times as long.
            Assert.Equal("10s", effective.GetValueOrDefault("client_header_timeout")?.Single());
            Assert.Equal("10s", effective.GetValueOrDefault("client_body_timeout")?.Single());
        }
    }

    [Fact]
    public void TheImage_OpensNoDemoSalesInAFreshStore()
    {
        // appsettings.json seeds them for the README's one-command start; a production image must not.
        Assert.Contains("Storage__SeedDemoData=false", Read("deploy/Dockerfile"), StringComparison.Ordinal);
    }

    /// <summary>What differs with where nginx runs (its addresses, files and logs), not with how it treats a request.</summary>
    private static readonly string[] WhereNginxRuns =
        ["listen", "server_name", "access_log", "error_log", "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"];

    [Fact]
    public void DockerIgnore_KeepsEverythingTheDockerfileCopies_AndTheHostsBuildOutputAndSecretsOut()
    {
        // BuildKit reads deploy/Dockerfile.dockerignore instead of the root's .dockerignore when there is one.
        Assert.False(File.Exists(Path.Combine(Root, "deploy", "Dockerfile.dockerignore")), "deploy/Dockerfile.dockerignore would replace .dockerignore");
        Assert.True(File.Exists(Path.Combine(Root, ".dockerignore")), "no .dockerignore: the host's bin/, obj/ and .services/ go into the build context");
        var ignore = new DockerIgnore(Read(".dockerignore"));
        var gitIgnored = GitIgnore(Read(".gitignore"));
        var sources = DockerfileCopySources(Read("deploy/Dockerfile"));
        Assert.Contains("src/FlashSale", sources);

        // In: every file the Dockerfile copies that is the repository's (not what git ignores: local output and state).
        var copied = new List<string>();
        foreach (var source in sources)
        {
            var full = Path.Combine(Root, source);
            Assert.True(File.Exists(full) || Directory.Exists(full), $"the Dockerfile copies {source}, which is not in the repository");
            copied.AddRange(File.Exists(full)
                ? [source]
                : Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                    .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Where(f => !gitIgnored(f)));
        }

        Assert.Contains("src/FlashSale/FlashSale.csproj", copied);
        Assert.Contains("src/FlashSale/appsettings.json", copied);
        Assert.Contains(copied, f => f.StartsWith("src/FlashSale/wwwroot/", StringComparison.Ordinal));
        Assert.All(copied, f => Assert.False(ignore.Excludes(f), $"the Dockerfile copies {f}, and .dockerignore keeps it out"));

        // Out: the host's build output (also inside what the Dockerfile copies), local state and secrets, and
        // whatever .gitignore keeps out of the repository, at the root and inside every folder the Dockerfile copies.
        List<string> left =
        [
            "src/FlashSale/bin/Debug/net10.0/FlashSale.dll", "src/FlashSale/obj/project.assets.json", "bin/x", "obj/x",
            ".services/instances/signing-key", ".services/instances/admin-password", ".services/redis/appendonlydir/x.aof",
            "data/flashsale.db", "src/FlashSale/data/keys/key-1.xml", "drill-results/run.json", "bench/results/run.json",
            "tests/FlashSale.Tests/TestResults/x.trx", ".git", ".git/HEAD", "deploy/.env",
        ];
        var folders = sources.Where(s => Directory.Exists(Path.Combine(Root, s))).ToList();
        foreach (var line in Read(".gitignore").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var probe = line.Trim('/').Replace('*', 'x').Replace('?', 'x') + (line.EndsWith('/') ? "/x" : "");
            left.Add(probe);
            left.AddRange(line.TrimEnd('/').Contains('/') ? [] : folders.Select(f => $"{f}/{probe}"));
        }

        Assert.All(left, path => Assert.True(ignore.Excludes(path), $"{path} goes into the build context"));
    }

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    /// <summary>The sources of the Dockerfile's COPY and ADD lines from the build context (not <c>--from</c> a stage), without a trailing '/'.</summary>
    private static List<string> DockerfileCopySources(string dockerfile)
    {
        var sources = new List<string>();
        foreach (Match line in Regex.Matches(dockerfile.Replace("\\\n", " ", StringComparison.Ordinal), @"^\s*(?:COPY|ADD)\s+(.+)$",
            RegexOptions.Multiline | RegexOptions.IgnoreCase))
        {
            var words = line.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.False(words[0].StartsWith('['), $"{line.Value}: the JSON form is not read here");
            if (words.Any(w => w.StartsWith("--from", StringComparison.Ordinal)))
            {
                continue;
            }

            var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            sources.AddRange(paths.Take(paths.Count - 1).Select(p => p.TrimEnd('/')).Select(p => p.StartsWith("./", StringComparison.Ordinal) ? p[2..] : p));
        }

        return sources;
    }

    /// <summary>
    /// Whether git ignores a path (relative, '/'-separated) by this .gitignore: a pattern with a '/' inside is matched
    /// from the root, one without against any single name on the path; a trailing '/' matches folders only.
    /// </summary>
    private static Func<string, bool> GitIgnore(string text)
    {
        var patterns = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => (
            Regex: new Regex("^" + Regex.Escape(l.Trim('/')).Replace(@"\*\*", ".*", StringComparison.Ordinal)
                .Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$"),
            FoldersOnly: l.EndsWith('/'),
            FromRoot: l.TrimEnd('/').Contains('/'))).ToList();
        return path =>
        {
            var segments = path.Split('/');
            return Enumerable.Range(0, segments.Length).Any(i => patterns.Any(p =>
                (!p.FoldersOnly || i < segments.Length - 1) && p.Regex.IsMatch(p.FromRoot ? string.Join('/', segments[..(i + 1)]) : segments[i])));
        };
    }

    /// <summary>A service's block in compose.yaml (the lines under <c>services:</c> indented deeper than its name).</summary>
    private static string Service(string compose, string name)
    {
        var match = new Regex($@"^  {Regex.Escape(name)}:[^\n]*\n((?:(?:    [^\n]*)?\n)*)", RegexOptions.Multiline).Match(compose);
        Assert.True(match.Success, $"compose.yaml has no service {name}");
        return match.Groups[1].Value;
    }

    /// <summary>A top-level section of compose.yaml (<c>volumes:</c>, ...).</summary>
    private static string TopLevel(string compose, string name)
    {
        var match = new Regex($@"^{Regex.Escape(name)}:[^\n]*\n((?:(?:  [^\n]*)?\n?)*)", RegexOptions.Multiline).Match(compose);
        Assert.True(match.Success, $"compose.yaml has no top-level {name}:");
        return match.Groups[1].Value;
    }

    /// <summary>
    /// The configuration the compose Redis runs with: the file its command names (found through the volume mounted
    /// there), then the command's own <c>--name value</c> arguments, which redis-server applies after the file.
    /// </summary>
    private static ComposeRedisService ComposeRedis()
    {
        var block = Service(Read("deploy/compose.yaml"), "redis");
        var volumes = Regex.Matches(block, @"^\s+- ([^:\s]+):(/[^:\s]*)(?::ro)?\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
        var commandLine = Regex.Match(block, @"^\s+command: (\[.*\])\s*$", RegexOptions.Multiline);
        Assert.True(commandLine.Success, "the compose redis service has a command: [\"redis-server\", \"<config file>\", ...]");
        var command = System.Text.Json.JsonSerializer.Deserialize<string[]>(commandLine.Groups[1].Value)!;
        Assert.Equal("redis-server", command[0]);

        var settings = new Dictionary<string, string>();
        var arguments = command.Skip(1).ToList();
        if (arguments.Count > 0 && !arguments[0].StartsWith("--", StringComparison.Ordinal))
        {
            Assert.True(volumes.TryGetValue(arguments[0], out var source), $"{arguments[0]} is not mounted from deploy/");
            foreach (var (name, value) in RedisConf(Read(Path.Combine("deploy", source!))))
            {
                settings[name] = value;
            }

            arguments.RemoveAt(0);
        }

        for (var i = 0; i < arguments.Count; i++)
        {
            Assert.StartsWith("--", arguments[i], StringComparison.Ordinal);
            var values = arguments.Skip(i + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
            settings[arguments[i][2..].ToLowerInvariant()] = string.Join(' ', values);
            i += values.Count;
        }

        return new ComposeRedisService(block, volumes, settings);
    }

    /// <summary>A redis.conf's settings, name (lower case) to value (its words, quotes removed); a later line wins.</summary>
    private static Dictionary<string, string> RedisConf(string text)
    {
        var settings = new Dictionary<string, string>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var words = Regex.Matches(line, "\"[^\"]*\"|\\S+").Select(m => m.Value.Trim('"')).ToList();
            settings[words[0].ToLowerInvariant()] = string.Join(' ', words.Skip(1));
        }

        return settings;
    }

    private sealed record ComposeRedisService(string Block, Dictionary<string, string> Volumes, Dictionary<string, string> Settings)
    {
        public string? Setting(string name) => Settings.GetValueOrDefault(name);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlashSale.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    [GeneratedRegex(@"\b[A-Za-z]+(?:__[A-Za-z0-9]+)+\b")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"http://localhost:8080(/health/[a-z]+)")]
    private static partial Regex HealthPath();
}
