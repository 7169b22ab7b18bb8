namespace FlashSale.Drill.Cli;

internal static class HelpText
{
    public const string Text = """
        FlashSale drill: floods a sale, then proves the invariants against the server.

        Usage: dotnet run --project src/FlashSale.Drill -c Release -- <preset> [options]

        Presets
          seed     50 buyers at once, one attempt each, 10 units: exactly 10 orders and 40 sold_out
          crowd    1,000 virtual users ramping up and down over 30 s on 100 units, think time 0.5-1.5 s
          soak     steady load for 2 min across 3 sales, quantity 1-2, each key sent twice
          custom   every knob below (default: 100 users, 10 concurrent, one attempt per user)

        Target
          --url <url>             server base URL (default http://localhost:5000); only loopback unless
          --allow-remote          ... this flag is given
          --admin-user <name>     admin account (default admin)
          --admin-password <pw>   admin password (default: env FLASHSALE_ADMIN_PASSWORD)
          --sale <id>             use this existing sale instead of creating fresh ones; on a live sale
                                  other shoppers' orders and counters that move while read are only
                                  warnings, so the proof is weaker than on a fresh sale; one that has
                                  not started is refused (exit 2) unless it opens within 15 s

        Load
          --sales <n>             fresh sales to spread the load over (1..10)
          --users <n>             buyer identities to mint (1..100000)
          --concurrency <n>       virtual users / open connections (1..5000)
          --requests <n>          purchase attempts in total (each attempt sends --retries requests)
          --duration <t>          flood for this long (500ms, 30s, 2m, 1h)
          --ramp-up <t>           bring virtual users in linearly over this time
          --ramp-down <t>         take them out linearly over the last part of --duration
          --think <t>[-<t>]       pause after each attempt, e.g. 500ms-1500ms
          --stock <n>             units per fresh sale
          --limit <n>             per-user limit of fresh sales
          --quantity <n>[-<m>]    units per attempt, fixed or random in a range
          --retries <n>           send each attempt's Idempotency-Key n times (1..5), alternately one
                                  after another and all at once
          --no-keys               send no Idempotency-Key at all
          --seed <n>              random seed (quantities, think times)

        Bounds and output
          --timeout <t>           per-request timeout (default 30s)
          --pending-wait <t>      how long a 202 pending may take to become an order, and an order of an
                                  unknown outcome to be listed (default 30s)
          --stop-grace <t>        on Ctrl+C, how long the requests in flight may take to be answered (default 5s)
          --deadline <t>          hard deadline for the whole run (default flood time + 3m, at most 48h);
                                  passed during the flood it stops it as Ctrl+C does and checks what was
                                  done (exit 5), passed before or while checking a whole flood exit 2
          --decision-ttl <t>      the server's Distributed:DecisionTtl (default 24h): a key's copy sent this
                                  long after its sold_out/limit_reached may be decided afresh
          --max-p50 <t>           latency objective: the flood's median answer within this (e.g. 5ms)
          --max-p99 <t>           latency objective: its 99th percentile within this (e.g. 50ms); a miss
                                  is exit 4 (a violated invariant still exits 1)
          --out <dir>             where summary JSON and Markdown go (default drill-results/)
          --quiet                 no live display (CI, tests)
          --help                  this text

        Exit code: 0 every invariant holds (WARN: held, but says what the run could not prove), 1 an invariant
        is violated (also: a sale with stock sold nothing unexplained, or a refusal the drill's own well-formed
        attempts cannot get, such as 401, or 400/404/sale_ended on a sale it created), 2 usage or connection error
        (also: an --out folder that cannot be written, or a second Ctrl+C), 3 all invariants hold but the report files
        could not be written, 4 all invariants hold but a latency objective (--max-p50, --max-p99) was missed,
        5 the --deadline cut the flood and every invariant holds on what was done, 130 interrupted and every
        invariant holds on what was done.
        Ctrl+C (or SIGTERM) stops the flood: no new requests, --stop-grace (5s) for those in flight, then the summary and reports of the
        partial run, marked interrupted. Ctrl+C again exits at once, without them; a signal within half a second of the
        first is the same stop (timeout and kill to the process group reach the drill twice).
        Each run adds its sales and their orders to the server's shop: drill a server on a throwaway data folder
        (Storage__DataPath).
        The server must run with Auth__SyntheticBuyers__Enabled=true so the drill can mint buyers.
        """;
}
