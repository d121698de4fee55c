"""Small, picklable job functions the GUI runs in a child process (via `jobs.run_in_subprocess`).

Each takes a data directory instead of a Store (a Store holds an SQLite connection, which cannot
cross a process boundary) and returns a plain dict. Exporting the base encoder to ONNX and creating
onnxruntime sessions hold the GIL for seconds; in a child they cannot freeze the GUI.

No Qt here: the functions are unit-testable with a RecordingReporter.
"""

from __future__ import annotations

from pathlib import Path

from .config import TrainConfig
from .encoders import DEFAULT_BASE_MODEL
from .reporter import NULL, Reporter
from .store import Store, StoreError

SETTINGS_KEY = "train"  # store.shop_settings(shop_id)[SETTINGS_KEY]: sparse TrainConfig overrides


def shop_base_model(store: Store, shop_id: int) -> str:
    """The base model the shop's untuned version uses (and retrains start from, unless overridden)."""
    return store.shop_settings(shop_id).get("base_model") or DEFAULT_BASE_MODEL


def shop_train_overrides(store: Store, shop_id: int) -> dict:
    """The operator's stored training settings: only what differs from the defaults."""
    train = store.shop_settings(shop_id).get(SETTINGS_KEY) or {}
    return dict(train) if isinstance(train, dict) else {}


def shop_train_config(store: Store, shop_id: int) -> TrainConfig:
    """The TrainConfig a retrain of this shop uses: defaults, the shop's base model, its overrides.

    Raises ValueError (with a message fit for the operator) when the stored overrides are invalid.
    """
    return TrainConfig.from_dict({"base_model": shop_base_model(store, shop_id), **shop_train_overrides(store, shop_id)})


def save_train_overrides(store: Store, shop_id: int, overrides: dict) -> TrainConfig:
    """Validate and store sparse training settings for a shop; returns the resulting config."""
    config = TrainConfig.from_dict({"base_model": shop_base_model(store, shop_id), **overrides})
    settings = store.shop_settings(shop_id)
    if overrides:
        settings[SETTINGS_KEY] = dict(overrides)
    else:
        settings.pop(SETTINGS_KEY, None)
    store.set_shop_settings(shop_id, settings)
    return config


def ensure_model_job(home: str, shop_id: int, reporter: Reporter = NULL) -> dict:
    """`pipeline.ensure_model` with picklable arguments: the untuned version of a shop with none."""
    from .pipeline import ensure_model

    store = Store(Path(home))
    try:
        if store.active_version(shop_id) is None and not store.index_entries(shop_id):
            raise StoreError("this shop has no enabled questions yet: import or add some first")
        version = ensure_model(store, shop_id, reporter)
        return {"version_id": version.id}
    finally:
        store.close()


def activate_job(home: str, version_id: int, reporter: Reporter = NULL) -> dict:
    """`pipeline.activate` with picklable arguments: roll back (or forward) to a version."""
    from .pipeline import activate

    store = Store(Path(home))
    try:
        version = activate(store, version_id, reporter)
        return {"version_id": version.id, "shop_id": version.shop_id}
    finally:
        store.close()


# ----------------------------------------------------------------------------- batch test files
QUERY_HEADERS = ("query", "question", "问题", "用户问题", "顾客问题", "咨询")
EXPECTED_HEADERS = ("expected", "standard_question", "标准问", "标准问题", "期望", "期望标准问")
BATCH_FORMATS = (".txt", ".csv", ".xlsx", ".json")
MAX_BATCH_QUESTIONS = 100_000


def _header(text: str) -> str:
    import re
    import unicodedata

    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFKC", text.replace("\ufeff", "")).strip().casefold())


def read_batch_file(path) -> tuple[list[str], list[str] | None]:
    """Questions of a batch test file, and their expected standard questions when the file has them.

    `.txt`: one question per line (UTF-8 or GB18030). `.csv` / `.xlsx` / `.json`: a `query` / `问题`
    column and an optional `expected` / `标准问` column; an empty expected cell means the question
    should match nothing. Raises io_formats.FileFormatError with a message fit for the operator.
    """
    from .io_formats import FileFormatError, read_table

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in BATCH_FORMATS:
        raise FileFormatError(path.name, None, None,
                              f"unsupported file type '{suffix}' (use .txt, .csv, .xlsx or .json)")
    if suffix == ".txt":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise FileFormatError(path.name, None, None, "is neither UTF-8 nor GB18030 text") from exc
        queries = [line.strip() for line in text.splitlines() if line.strip()]
        expected = None
    else:
        headers, cells = read_table(path)
        keys = [_header(h) for h in headers]
        q_col = next((keys.index(h) for h in QUERY_HEADERS if h in keys), None)
        e_col = next((keys.index(h) for h in EXPECTED_HEADERS if h in keys), None)
        if q_col is None:
            if len(headers) == 1:  # a one-column sheet: its header is the first question
                q_col, cells = 0, [[headers[0]], *cells]
            else:
                raise FileFormatError(path.name, 1, None, "has no question column (name it 'query' or '问题'; "
                                      "an optional 'expected' or '标准问' column holds the right answers)")
        rows = [r for r in cells if r[q_col].strip()]
        queries = [r[q_col].strip() for r in rows]
        expected = [r[e_col].strip() for r in rows] if e_col is not None else None
    if not queries:
        raise FileFormatError(path.name, None, None, "holds no questions")
    if len(queries) > MAX_BATCH_QUESTIONS:
        raise FileFormatError(path.name, None, None, f"holds {len(queries)} questions; the limit is "
                              f"{MAX_BATCH_QUESTIONS}")
    return queries, expected


def batch_summary(results, expected: list[str] | None) -> dict:
    """Counts and accuracies of a batch test (results: matcher QueryResults, in file order).

    accuracy: the decision is right: the expected standard question is the top match and was not
    declined (no_match), or nothing was expected and nothing matched (the CLI demo's rule);
    top1: the top match is the expected standard question, on rows that expect one.
    """
    from .normalize import normalize_text

    n = len(results)
    decisions = [r.decision for r in results]
    summary = {"n": n, "answer": decisions.count("answer"), "suggest": decisions.count("suggest"),
               "no_match": decisions.count("no_match"), "correct": None, "accuracy": None,
               "top1": None, "n_expected": 0}
    if expected is None:
        return summary
    correct, top_hits, n_exp = [], 0, 0
    for r, exp in zip(results, expected):
        top = r.matches[0].standard_question if r.matches else ""
        same = bool(exp) and normalize_text(top) == normalize_text(exp)
        if exp:
            n_exp += 1
            top_hits += same
            correct.append(same and r.decision != "no_match")
        else:
            correct.append(r.decision == "no_match")
    summary.update(correct=correct, accuracy=sum(correct) / n if n else None,
                   top1=top_hits / n_exp if n_exp else None, n_expected=n_exp)
    return summary
