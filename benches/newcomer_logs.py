#!/usr/bin/env python3
"""Writes the logs of the newcomer walkthrough (issue #37, acceptance D): the bundled sample log
with column names the loader does not know and other time formats, so that opening them from the
window goes through the import step.

    python3 benches/newcomer_logs.py OUT_DIR

- shop_visits.csv: visitor_key, product_code, event_ts (Unix milliseconds), action
- crm_export.txt: `;`-separated cust, article, happened_at ("2026-01-05 00:06:01", UTC)
- clicks.csv: ip, app, device, os, channel, click_time (ISO 8601), is_attributed (the columns
  of the third-party ad-click log the issue names; `ip` and `app` are known names)
"""
import csv
import datetime
import pathlib
import sys


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    sample = pathlib.Path(__file__).resolve().parent.parent / "sample_data" / "ad_events.csv"
    with sample.open(newline="") as f:
        rows = list(csv.reader(f))[1:]

    def utc(seconds: str) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc)

    with (out / "shop_visits.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["visitor_key", "product_code", "event_ts", "action"])
        for user, item, time, event in rows:
            w.writerow(["V" + user[1:], "SKU-" + item[2:], int(time) * 1000, event])
    with (out / "crm_export.txt").open("w", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["cust", "article", "happened_at"])
        for user, item, time, _ in rows:
            w.writerow([user.upper(), item.upper(), utc(time).strftime("%Y-%m-%d %H:%M:%S")])
    with (out / "clicks.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ip", "app", "device", "os", "channel", "click_time", "is_attributed"])
        for user, item, time, event in rows:
            stamp = utc(time).strftime("%Y-%m-%dT%H:%M:%SZ")
            w.writerow([user[1:], item[2:], 1, 19, 213, stamp, int(event == "conversion")])
    print(f"wrote shop_visits.csv, crm_export.txt and clicks.csv ({len(rows)} rows each) to {out}")


if __name__ == "__main__":
    main()
