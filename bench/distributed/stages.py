"""The co-occurrence stages of sql/ on a Dask distributed cluster (scheduler + workers).

The same relational plan the SQL compiles to on Spark, written against dask.dataframe: memberships
are shuffled by board, each partition caps and self-joins its boards, pairs are shuffled by pin,
summed, scored and ranked; events are shuffled by user and sessionized per partition. The small
global parts of pruning (evidence pins, the tested boards' samples, the baseline) are computed
from partition results and broadcast, as a Spark job would. Rules: sql/README.md.

Usage: python3 stages.py SCHEDULER WORKERS BOARDS_CSV EVENTS_CSV OUT_DIR PARAMS_JSON
Writes OUT_DIR/cooc/*.csv and OUT_DIR/session/*.csv (pin_id,candidate_id,score,rank).
"""

import hashlib
import json
import math
import sys
import time

import dask.dataframe as dd
import pandas as pd
from distributed import Client

TWO_32 = 4294967296


def hash32(text):
    return int(hashlib.md5(text.encode("utf-8")).hexdigest()[:8], 16)


def keyed(frame, seed, salt):
    hb = frame.board_id.map(lambda b: hash32(f"{seed}:{salt}:{b}"))
    hp = frame.pin_id.map(lambda p: hash32(f"{seed}:{p}"))
    return (hb + hp) % TWO_32


def rank_top(frame, key, top_n):
    """Rows of each pin ranked by (round(score * 1e9) desc, candidate_id), the first top_n."""
    frame = frame.assign(s=(frame[key] * 1e9).round())
    frame = frame.sort_values(["pin_id", "s", "candidate_id"], ascending=[True, False, True])
    frame["rank"] = frame.groupby("pin_id").cumcount() + 1
    return frame[frame["rank"] <= top_n]


def cap_partition(part, p):
    part = part.drop_duplicates(["board_id", "pin_id"])
    part = part.assign(k=keyed(part, p["seed"], "cap"))
    part = part.sort_values(["board_id", "k", "pin_id"])
    part = part[part.groupby("board_id").cumcount() < p["max_board_size"]]
    part = part.assign(size=part.groupby("board_id").pin_id.transform("size"))
    return part[["board_id", "pin_id", "size"]]


def prune(client, capped, p):
    """Drop diverse boards (and apply the pin degree cap) exactly as board-prune.sql does."""
    min_size, margin = p["diverse_min_size"], p["diverse_margin"]
    evidence = capped[(capped["size"] >= 2) & (capped["size"] < min_size)][["board_id", "pin_id"]]
    ev = evidence.compute()
    boards_of = ev.groupby("pin_id").board_id.apply(set).to_dict()

    def hit(a, b):
        return bool(boards_of[a] & boards_of[b])

    dropped = set()
    if min_size > 0:
        tested = capped[capped["size"] >= min_size].compute()
        tested = tested.assign(k=keyed(tested, p["seed"], "div"))
        tested = tested.sort_values(["board_id", "k", "pin_id"])
        tested = tested[tested.groupby("board_id").cumcount() < 12]
        base = capped[["board_id", "pin_id"]]
        base = base.assign(k=base.map_partitions(lambda f: keyed(f, p["seed"], "base"), meta=("k", "i8")))
        base = base.nsmallest(8192, "k").compute().sort_values(["k", "board_id", "pin_id"])
        pins = list(base.pin_id)
        testable = hits = 0
        for n in range(0, len(pins) - 1, 2):
            a, b = pins[n], pins[n + 1]
            if a != b and a in boards_of and b in boards_of:
                testable += 1
                hits += hit(a, b)
        if testable >= 16:
            beta = hits / testable
            for board, members in tested.groupby("board_id").pin_id:
                sample = sorted(members)
                t = h = 0
                for i in range(len(sample)):
                    for j in range(i + 1, len(sample)):
                        a, b = sample[i], sample[j]
                        if a in boards_of and b in boards_of:
                            t += 1
                            h += hit(a, b)
                if t >= 16 and h / t <= beta + margin * (1 - beta):
                    dropped.add(board)
    kept = capped[~capped.board_id.isin(list(dropped))]
    if p["pin_degree_exponent"] < 1:
        raise SystemExit("stages.py: --pin-degree-exponent < 1 is not implemented on Dask")
    kept = kept.map_partitions(
        lambda f: f.assign(size=f.groupby("board_id").pin_id.transform("size")), meta=kept._meta
    )
    return kept, len(dropped)


def board_weight(size, p):
    if p["scoring"] in ("raw", "cosine", "jaccard"):
        return 1.0
    if p["board_weight"] == "log":
        return 1.0 / math.log2(1 + size)
    return float(size) ** -p["board_weight"]


def board_cooc(kept, p):
    kept = kept.assign(w=kept["size"].map(lambda n: board_weight(n, p) if n > 1 else 0.0, meta=("w", "f8")))
    degree = kept.groupby("pin_id").w.sum().compute()
    total = kept.drop_duplicates("board_id").w.sum().compute()

    def pairs(part):
        part = part[part.w > 0]
        joined = part.merge(part[["board_id", "pin_id"]], on="board_id", suffixes=("", "_j"))
        joined = joined[joined.pin_id != joined.pin_id_j]
        return joined.rename(columns={"pin_id_j": "candidate_id"})[["pin_id", "candidate_id", "w"]]

    meta = pd.DataFrame({"pin_id": pd.Series(dtype=str), "candidate_id": pd.Series(dtype=str), "w": pd.Series(dtype="f8")})
    counted = kept.map_partitions(pairs, meta=meta).groupby(["pin_id", "candidate_id"]).w.sum(split_out=kept.npartitions)
    counted = counted.reset_index().rename(columns={"w": "c"})
    scoring = p["scoring"]

    def score(part):
        di = part.pin_id.map(degree)
        dj = part.candidate_id.map(degree)
        c = part.c
        if scoring in ("raw", "weighted"):
            s = c
        elif scoring in ("cosine", "weighted-cosine"):
            s = (c / (di * dj) ** 0.5).clip(upper=1)
        elif scoring == "jaccard":
            s = (c / (di + dj - c)).clip(upper=1)
        else:
            raise SystemExit(f"stages.py: scoring {scoring} is not implemented on Dask")
        out = rank_top(part.assign(score=s), "score", p["top_n"])
        if scoring in ("raw", "weighted"):
            out = out.assign(score=out.s / out.groupby("pin_id").s.transform("max"))
        else:
            out = out.assign(score=out.s / 1e9)
        return out[["pin_id", "candidate_id", "score", "rank"]]

    meta_out = pd.DataFrame({"pin_id": pd.Series(dtype=str), "candidate_id": pd.Series(dtype=str), "score": pd.Series(dtype="f8"), "rank": pd.Series(dtype="i8")})
    return counted.shuffle("pin_id").map_partitions(score, meta=meta_out)


def session_cooc(events, p, weights):
    if p["jaccard"]:
        raise SystemExit("stages.py: jaccard session scoring is not implemented on Dask")

    def engagements(part):
        part = part.assign(w=part.action.map(lambda a: weights.get(a, p["other_action_weight"])))
        part = part[part.w > 0].sort_values(["user_id", "ts_ms", "pin_id", "action"])
        previous = part.groupby("user_id").ts_ms.shift(1)
        start = previous.isna() | ((part.ts_ms - previous) > p["gap_ms"])
        part = part.assign(session=start.astype(int).groupby(part.user_id).cumsum())
        part = part.assign(k=part.groupby("user_id").cumcount())
        n = part.groupby(["user_id", "session"]).pin_id.transform("size")
        return part.assign(wl=part.w / (1 + n).map(math.log2) ** p["length_damping"])[["user_id", "session", "pin_id", "k", "w", "wl"]]

    meta_e = pd.DataFrame({"user_id": pd.Series(dtype=str), "session": pd.Series(dtype="i8"), "pin_id": pd.Series(dtype=str), "k": pd.Series(dtype="i8"), "w": pd.Series(dtype="f8"), "wl": pd.Series(dtype="f8")})
    eng = events.shuffle("user_id").map_partitions(engagements, meta=meta_e)
    mass = eng.groupby("pin_id").wl.sum().compute()
    D, decay = p["max_distance"], p["decay"]
    backward, beta = p["backward"], p["popularity_exponent"]

    def pairs(part):
        joined = part.merge(part[["user_id", "session", "pin_id", "k", "w"]], on=["user_id", "session"], suffixes=("", "_j"))
        d = (joined.k - joined.k_j).abs()
        joined = joined[(d <= D) & (joined.pin_id != joined.pin_id_j)]
        d = (joined.k - joined.k_j).abs()
        direction = (joined.k_j < joined.k).map({True: backward, False: 1.0})
        c = joined.wl * joined.w_j * (decay ** (d - 1)) * direction
        return pd.DataFrame({"pin_id": joined.pin_id, "candidate_id": joined.pin_id_j, "c": c})

    meta_p = pd.DataFrame({"pin_id": pd.Series(dtype=str), "candidate_id": pd.Series(dtype=str), "c": pd.Series(dtype="f8")})
    counted = eng.map_partitions(pairs, meta=meta_p).groupby(["pin_id", "candidate_id"]).c.sum(split_out=eng.npartitions).reset_index()

    def score(part):
        part = part[part.c > 0]
        s = (part.c / (part.pin_id.map(mass) ** (1 - beta) * part.candidate_id.map(mass) ** beta)).clip(upper=1)
        out = rank_top(part.assign(score=s), "score", p["top_n"])
        return out.assign(score=out.s / 1e9)[["pin_id", "candidate_id", "score", "rank"]]

    meta_out = pd.DataFrame({"pin_id": pd.Series(dtype=str), "candidate_id": pd.Series(dtype=str), "score": pd.Series(dtype="f8"), "rank": pd.Series(dtype="i8")})
    return counted.shuffle("pin_id").map_partitions(score, meta=meta_out)


def main():
    scheduler, expected, boards_glob, events_glob, out, params_file = sys.argv[1:7]
    with open(params_file) as f:
        p = json.load(f)
    client = Client(scheduler)
    client.wait_for_workers(int(expected), timeout=120)
    workers = len(client.scheduler_info()["workers"])
    timings = {}
    started = time.time()
    strings = {"board_id": str, "pin_id": str, "user_id": str, "action": str}
    boards = dd.read_csv(boards_glob, dtype=strings, keep_default_na=False)
    boards = boards.shuffle("board_id", npartitions=max(2, workers * 2))
    capped = boards.map_partitions(cap_partition, p, meta={"board_id": str, "pin_id": str, "size": "i8"}).persist()
    kept, dropped = prune(client, capped, p)
    kept = kept.persist()
    pruned = int(kept.shape[0].compute())
    timings["boardPrune"] = time.time() - started
    cooc = board_cooc(kept, p)
    cooc.to_csv(f"{out}/cooc/part-*.csv", index=False)
    timings["boardCooc"] = time.time() - started - timings["boardPrune"]
    started = time.time()
    events = dd.read_csv(events_glob, dtype={**strings, "ts_ms": "f8"}, keep_default_na=False)
    events = events.repartition(npartitions=max(2, workers * 2))
    session = session_cooc(events, p, p["action_weights"])
    session.to_csv(f"{out}/session/part-*.csv", index=False)
    timings["sessionCooc"] = time.time() - started
    print(json.dumps({"workers": workers, "diverseBoardsDropped": dropped, "prunedMemberships": pruned, "timings": timings}))


if __name__ == "__main__":
    main()
