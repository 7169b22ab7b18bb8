#!/usr/bin/env bash
# Recovery time of the embedded server with a large record: seeds ORDERS orders (default
# 1,000,000) over 100 sales into a fresh SQLite file, then starts the server three times and
# measures start → /health/ready (the ledger is rebuilt from the record before it listens).
#   bash bench/recovery.sh [ORDERS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORDERS="${1:-1000000}"
DATA="$(mktemp -d /tmp/flashsale-recovery.XXXXXX)"
PORT=5091
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$DATA"' EXIT

dotnet build "$ROOT/src/FlashSale" -c Release -v q -nologo >/dev/null
DLL="$ROOT/src/FlashSale/bin/Release/net10.0/FlashSale.dll"
export Storage__DataPath="$DATA" Storage__SeedDemoData=false Admin__Password=recovery-bench-1 Logging__LogLevel__Default=Warning
dotnet "$DLL" migrate >/dev/null

echo "seeding $ORDERS orders over 100 sales ..."
python3 - "$DATA/flashsale.db" "$ORDERS" <<'PY'
import sqlite3, sys, uuid, time
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
now = int(time.time() * 1000)
sales = [str(uuid.uuid4()) for _ in range(100)]
per_sale = n // 100
c.executemany("INSERT INTO sales VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
  [(s, f"SKU-{i}", f"Product {i}", "", 1000, "USD", None, per_sale + 1000, 1, now - 86400000, now + 86400000, now)
   for i, s in enumerate(sales)])
def rows():
    for i in range(n):
        s = sales[i % 100]
        u = str(uuid.uuid4())
        yield (str(uuid.uuid4()), s, u, "buyer", 1, 1000, "USD", now - (n - i), per_sale - i // 100, u[:16])
c.executemany("""INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency,
                 purchased_at, remaining_after, idempotency_key, status) VALUES (?,?,?,?,?,?,?,?,?,?,0)""", rows())
c.commit()
print("seeded", c.execute("select count(*) from orders").fetchone()[0], "orders;",
      round(__import__("os").path.getsize(db) / 2**20), "MiB")
PY

for run in 1 2 3; do
  start=$(date +%s.%N)
  dotnet "$DLL" --contentRoot "$ROOT/src/FlashSale" --urls "http://127.0.0.1:$PORT" >/dev/null 2>&1 & PID=$!
  until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null; do sleep 0.05; done
  end=$(date +%s.%N)
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status)
  printf 'run %d: ready in %.2f s, RSS %d MiB\n' "$run" "$(echo "$end - $start" | bc)" "$rss"
  kill -9 $PID; wait $PID 2>/dev/null || true
done
