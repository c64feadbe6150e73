#!/usr/bin/env python3
"""The export's scoring recipe against `sequda audience` (issue #36, acceptance B).

Trains a small SASRec run on the sample data, exports it with `sequda export --format csv`
and `--format parquet`, takes the DuckDB and the Spark SQL recipes out of each export's
`README.md` exactly as written (only the `AD_ID` placeholder is replaced), runs them, and
compares them with `sequda audience --run RUN --item AD --top 100`:

- the one-ad query must return the same 100 user ids in the same order (ranks 1 … 100);
- the every-ad query must return (number of items) × min(users, 100) rows, and its rows for
  AD must be that same list.

    python3 benches/warehouse_query.py --sequda PATH_TO_BINARY [--workdir DIR] [--ad ad042]
        [--format csv|parquet|both] [--keep]

Prints one line per (engine, format) with the result and the wall seconds of each query;
exits non-zero on any mismatch or error. DuckDB and PySpark are optional imports: a missing
one is reported loudly and skipped, and the exit code is non-zero when nothing could be
checked. Spark runs in-process with `local[1]`, 1 GiB of driver memory and no UI (PySpark
needs `java` on the PATH); nothing is downloaded at run time.

Without `--workdir` everything is written to a temporary folder that is removed at the end
(with `--workdir DIR`, the run and exports stay in DIR; `--keep` keeps the temporary one).
"""

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TRAIN = ["--data", "sample_data/ad_events.csv", "--model", "sasrec", "--device", "cpu",
         "--seed", "1", "--epochs", "1", "--dim", "16", "--max-len", "20"]
TOP = 100  # RECIPE_TOP in src/analysis/export/recipe.rs
PLACEHOLDER = "AD_ID"  # AD_PLACEHOLDER in src/analysis/export/recipe.rs
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sequda(args, *argv):
    """Runs the binary from the repository root (the sample data's path is relative)."""
    command = [args.sequda, *argv]
    print("$ " + " ".join(command), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"FAILED ({done.returncode}): {' '.join(command)}")
    print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    return done


# ---------------------------------------------------------------------------------------------
# The README's recipes


def sections(readme):
    """`## ` heading → the fenced code blocks under it, each as (language, text)."""
    found, heading, block, language = {}, None, None, None
    for line in readme.splitlines():
        if block is not None:
            if line.strip() == "```":
                found.setdefault(heading, []).append((language, "\n".join(block)))
                block = None
            else:
                block.append(line)
        elif line.startswith("```"):
            block, language = [], line[3:].strip().lower()
        elif line.startswith("## "):
            heading = line[3:].strip()
            found.setdefault(heading, [])
    if block is not None:
        raise ValueError("README.md: a code fence is not closed")
    return found


def statements(sql):
    """SQL text → its statements, split at `;` outside quotes, without the `;` (DuckDB and
    spark.sql run one statement a call, as the spark-sql shell splits a script)."""
    out, current, quote = [], [], None
    for char in sql:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
            current.append(char)
        elif char == ";":
            out.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if "".join(current).strip():
        out.append("".join(current).strip())
    return [s for s in out if s]


def is_view(statement):
    return re.match(r"CREATE\s", statement, re.IGNORECASE) is not None


def recipes(readme):
    """{'duckdb': (views, one_ad, every_ad), 'spark': (…)} from an export's README.md. The
    Spark section holds only its views and reuses the DuckDB queries ("then the two queries
    above, unchanged"); if it ever carries queries of its own, those are used."""
    blocks = sections(readme)

    def section(engine):
        names = [h for h in blocks if h.lower().startswith("scoring recipe")
                 and engine in h.lower()]
        if len(names) != 1:
            raise ValueError(f"README.md: no single 'Scoring recipe: {engine}' section "
                             f"(headings: {list(blocks)})")
        sql = [text for language, text in blocks[names[0]] if language in ("sql", "")]
        if not sql:
            raise ValueError(f"README.md: no SQL block under '{names[0]}'")
        found = [s for text in sql for s in statements(text)]
        views = [s for s in found if is_view(s)]
        queries = [s for s in found if not is_view(s)]
        return views, queries

    duck_views, duck_queries = section("duckdb")
    spark_views, spark_queries = section("spark")
    if len(duck_queries) != 2:
        raise ValueError(f"README.md: expected 2 DuckDB queries, found {len(duck_queries)}")
    if not spark_queries:
        spark_queries = duck_queries
    if len(spark_queries) != 2:
        raise ValueError(f"README.md: expected 2 Spark queries, found {len(spark_queries)}")

    def one_and_every(queries):
        # The one-ad query names the placeholder; the every-ad one partitions by item.
        one = [q for q in queries if PLACEHOLDER in q]
        every = [q for q in queries if PLACEHOLDER not in q]
        if len(one) != 1 or len(every) != 1:
            raise ValueError("README.md: cannot tell the one-ad query from the every-ad one")
        return one[0], every[0]

    return {"duckdb": (duck_views, *one_and_every(duck_queries)),
            "spark": (spark_views, *one_and_every(spark_queries))}


def with_ad(query, ad):
    return query.replace(PLACEHOLDER, ad.replace("'", "''"))


# ---------------------------------------------------------------------------------------------
# Engines: each returns (one-ad rows [(rank, user_id, probability)], seconds,
#                        every-ad rows [(item_id, rank, user_id, probability)], seconds)


def run_duckdb(duckdb, folder, views, one, every):
    # DuckDB runs "from this folder", as the README says: cwd = the export, relative paths.
    here = os.getcwd()
    os.chdir(folder)
    try:
        con = duckdb.connect()
        con.execute("SET threads TO 1")
        for view in views:
            con.execute(view)
        started = time.perf_counter()
        one_rows = con.execute(one).fetchall()
        one_s = time.perf_counter() - started
        started = time.perf_counter()
        every_rows = con.execute(every).fetchall()
        every_s = time.perf_counter() - started
        con.close()
    finally:
        os.chdir(here)
    return ([(int(r[0]), str(r[1]), float(r[2])) for r in one_rows], one_s,
            [(str(r[0]), int(r[1]), str(r[2]), float(r[3])) for r in every_rows], every_s)


def spark_session():
    from pyspark.sql import SparkSession
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (SparkSession.builder.master("local[1]")
             .appName("sequda-warehouse-check")
             .config("spark.driver.memory", "1g")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.shuffle.partitions", "4")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def absolute_paths(view, folder):
    """One Spark session serves both exports, so its working directory cannot be each
    export's folder: the views' relative `path '…'` options are rewritten to absolute paths
    inside the export folder. Nothing else in the README's text is changed."""
    def absolute(match):
        path = match.group(2)
        if not os.path.isabs(path):
            path = os.path.join(os.path.abspath(folder), path)
        return match.group(1) + path.replace("'", "\\'") + "'"
    return re.sub(r"(\bpath\s+')([^']*)'", absolute, view, flags=re.IGNORECASE)


def run_spark(spark, folder, views, one, every):
    for view in views:
        spark.sql(absolute_paths(view, folder))
    started = time.perf_counter()
    one_rows = spark.sql(one).collect()
    one_s = time.perf_counter() - started
    started = time.perf_counter()
    every_rows = spark.sql(every).collect()
    every_s = time.perf_counter() - started
    return ([(int(r[0]), str(r[1]), float(r[2])) for r in one_rows], one_s,
            [(str(r[0]), int(r[1]), str(r[2]), float(r[3])) for r in every_rows], every_s)


# ---------------------------------------------------------------------------------------------
# The comparison


def read_audience(path):
    """`sequda audience --out` CSV → [(user_id, probability)] in rank order. Ids starting with
    = + - @ tab or CR carry a spreadsheet-safety apostrophe there, which is taken off."""
    rows = []
    with open(path, newline="") as f:
        for position, row in enumerate(csv.DictReader(f), start=1):
            if int(row["rank"]) != position:
                raise ValueError(f"{path}: rank {row['rank']} on line {position + 1}")
            user = row["user_id"]
            if user[:1] == "'" and user[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                user = user[1:]
            rows.append((user, float(row["probability"])))
    return rows


def first_difference(expected, got):
    """None when the ordered user lists agree, else a sentence about the first difference."""
    want = [u for u, _ in expected]
    have = [u for u, _ in got]
    for i, (a, b) in enumerate(zip(want, have)):
        if a != b:
            return (f"rank {i + 1}: audience {a} (p {expected[i][1]:.9g}), "
                    f"query {b} (p {got[i][1]:.9g})")
    if len(want) != len(have):
        return f"audience lists {len(want)} users, query {len(have)}"
    return None


def compare(expected, result, ad, n_items, n_users):
    """Problems (empty when all matches) and a summary of the engine's result."""
    one, one_s, every, every_s = result
    problems = []
    ranks = [r for r, _, _ in one]
    if ranks != list(range(1, len(one) + 1)):
        problems.append(f"one-ad ranks are not 1 … {len(one)}")
    diff = first_difference(expected, [(u, p) for _, u, p in one])
    if diff:
        problems.append("one-ad query: " + diff)
    want_rows = n_items * min(n_users, TOP)
    if len(every) != want_rows:
        problems.append(f"every-ad query: {len(every)} rows, expected {n_items} items × "
                        f"{min(n_users, TOP)} = {want_rows}")
    items = {item for item, _, _, _ in every}
    if len(items) != n_items:
        problems.append(f"every-ad query: {len(items)} distinct items, expected {n_items}")
    mine = sorted((r, u, p) for item, r, u, p in every if item == ad)
    if [r for r, _, _ in mine] != list(range(1, len(mine) + 1)):
        problems.append(f"every-ad query: {ad}'s ranks are not 1 … {len(mine)}")
    diff = first_difference(expected, [(u, p) for _, u, p in mine])
    if diff:
        problems.append(f"every-ad query, rows for {ad}: " + diff)
    # The probabilities, for the record (the app computes in f32, the queries in f64).
    worst = max((abs(p - q) / max(abs(p), 1e-300)
                 for (_, p), (_, _, q) in zip(expected, one)), default=0.0)
    summary = (f"one-ad {len(one)} users {one_s:.3f} s, every-ad {len(every)} rows "
               f"({len(items)} items) {every_s:.3f} s, max relative probability "
               f"difference {worst:.1e}")
    return problems, summary


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sequda", required=True, help="the sequda binary")
    parser.add_argument("--workdir", help="where to write the run and the exports "
                        "(default: a temporary folder, removed at the end)")
    parser.add_argument("--ad", default="ad042", help="the ad to compare (default ad042)")
    parser.add_argument("--format", choices=["csv", "parquet", "both"], default="both")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    args.sequda = os.path.abspath(args.sequda)
    formats = ["csv", "parquet"] if args.format == "both" else [args.format]

    engines = {}
    try:
        import duckdb
        engines["duckdb"] = duckdb
        print(f"DuckDB {duckdb.__version__}")
    except ImportError as e:
        print(f"\n*** WARNING: duckdb is not importable ({e}): the DuckDB recipe is NOT "
              f"checked (pip install duckdb) ***\n", flush=True)
    try:
        import pyspark
        engines["spark"] = pyspark
        print(f"PySpark {pyspark.__version__}")
    except ImportError as e:
        print(f"\n*** WARNING: pyspark is not importable ({e}): the Spark SQL recipe is NOT "
              f"checked (pip install pyspark; needs java) ***\n", flush=True)
    if not engines:
        print("nothing to check: neither duckdb nor pyspark is importable", file=sys.stderr)
        return 2

    temporary = args.workdir is None
    work = tempfile.mkdtemp(prefix="sequda-warehouse-") if temporary else args.workdir
    work = os.path.abspath(work)
    os.makedirs(work, exist_ok=True)
    spark = None
    failures = checked = 0
    try:
        run = os.path.join(work, "run")
        sequda(args, "train", *TRAIN, "--out", run, "--overwrite")
        exports = {}
        for fmt in formats:
            exports[fmt] = os.path.join(work, f"export-{fmt}")
            sequda(args, "export", "--run", run, "--out", exports[fmt], "--format", fmt,
                   "--device", "cpu")
        with open(os.path.join(exports[formats[0]], "manifest.json")) as f:
            manifest = json.load(f)
        n_items, n_users = manifest["dataset"]["items"], manifest["dataset"]["users"]
        # `reproduces` names the audience command the export is exact for (with
        # --without-target-attention for a target-attention model).
        extra = manifest["reproduces"].split()[2:]
        audience_csv = os.path.join(work, "audience.csv")
        sequda(args, "audience", "--run", run, "--item", args.ad, "--top", str(TOP),
               "--device", "cpu", "--out", audience_csv, *extra)
        expected = read_audience(audience_csv)
        print(f"{manifest['model']}, dim {manifest['dimension']}, {n_users} users, {n_items} "
              f"items; exact: {manifest['exact']} (reproduces `{manifest['reproduces']}`); "
              f"audience for {args.ad}: {len(expected)} users")

        for fmt in formats:
            with open(os.path.join(exports[fmt], "README.md")) as f:
                recipe = recipes(f.read())
            for engine in ("duckdb", "spark"):
                if engine not in engines:
                    print(f"{engine} {fmt}: NOT CHECKED ({engine} not importable)")
                    continue
                views, one, every = recipe[engine]
                try:
                    if engine == "duckdb":
                        result = run_duckdb(engines["duckdb"], exports[fmt], views,
                                            with_ad(one, args.ad), every)
                    else:
                        if spark is None:
                            spark = spark_session()
                            print(f"Spark {spark.version} (local[1])", flush=True)
                        result = run_spark(spark, exports[fmt], views,
                                           with_ad(one, args.ad), every)
                except Exception as e:  # an engine's error is the finding: report it
                    failures += 1
                    message = str(e).strip()
                    print(f"{engine} {fmt}: ERROR {type(e).__name__}: {message}", flush=True)
                    continue
                checked += 1
                problems, summary = compare(expected, result, args.ad, n_items, n_users)
                if problems:
                    failures += 1
                    print(f"{engine} {fmt}: MISMATCH: {'; '.join(problems)} ({summary})",
                          flush=True)
                else:
                    print(f"{engine} {fmt}: MATCH: same top {len(expected)} for {args.ad} "
                          f"in the one-ad and every-ad queries; {summary}", flush=True)
    finally:
        if spark is not None:
            spark.stop()
        if temporary and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif temporary:
            print(f"kept {work}")

    if checked == 0 and failures == 0:
        print("nothing was checked", file=sys.stderr)
        return 2
    missing = [name for name in ("duckdb", "spark") if name not in engines]
    print(f"{checked} checked, {failures} failed"
          + (f"; NOT CHECKED: {', '.join(missing)} (not importable)" if missing else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
