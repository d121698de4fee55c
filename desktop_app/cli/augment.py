"""`standardq augment` and `standardq review`: generation of similar questions and the review queue.

Also `augment-key` (store an LLM provider's API key, typed without echo) and `augment-dict` (the
shop's entity list and synonym groups the rule generator uses).
"""

from __future__ import annotations

import os
import sys

from .common import CliError, TqdmReporter, find_standard, open_matcher, open_shop

# The presets of core.augment.llm.PRESETS, named here so building the parser imports nothing heavy.
PROVIDERS = ("deepseek", "moonshot", "ollama", "openai", "qwen", "vllm", "zhipu")


def add_augment_commands(sub) -> None:
    """Register the augmentation commands on the main parser's subparsers."""
    s = sub.add_parser("augment", help="generate similar questions (pending review) with rules or an LLM")
    s.add_argument("--shop", required=True)
    s.add_argument("--method", required=True, choices=["rules", "llm"])
    s.add_argument("--per-question", type=int, dest="per_question",
                   help="bring each standard question up to N outputs of this method (rules 30, llm 100)")
    s.add_argument("--questions", nargs="+", metavar="TEXT", help="only these standard questions (default: all)")
    s.add_argument("--seed", type=int, default=0, help="rules: the same seed gives the same outputs")
    s.add_argument("--no-encoder-check", action="store_true", dest="no_encoder_check",
                   help="skip the guard's check against the current model (faster, less safe)")
    g = s.add_argument_group("llm")
    g.add_argument("--provider", choices=PROVIDERS, help="a preset: base URL and default model")
    g.add_argument("--base-url", dest="base_url", help="an OpenAI-compatible API, e.g. https://host/v1")
    g.add_argument("--model", help="model name (overrides the preset's)")
    g.add_argument("--api-key-env", dest="api_key_env", metavar="VAR",
                   help="read the API key from this environment variable (default: the stored key)")
    g.add_argument("--concurrency", type=int, default=4, help="requests at once (default 4)")
    g.add_argument("--timeout", type=float, default=60.0, help="seconds per request before a retry (default 60)")
    g.add_argument("--batch-size", type=int, default=20, dest="batch_size", help="paraphrases per request")
    g.add_argument("--yes", action="store_true", help="send without asking for confirmation")
    s.set_defaults(func=cmd_augment)

    s = sub.add_parser("augment-key", help="store (or --delete) the API key of an LLM provider")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--provider", choices=PROVIDERS)
    g.add_argument("--base-url", dest="base_url")
    s.add_argument("--delete", action="store_true")
    s.set_defaults(func=cmd_augment_key)

    s = sub.add_parser("augment-dict", help="show or edit the shop's entity list and synonym groups")
    s.add_argument("--shop", required=True)
    s.add_argument("--add-entity", nargs="+", default=[], dest="add_entity", metavar="WORD")
    s.add_argument("--remove-entity", nargs="+", default=[], dest="remove_entity", metavar="WORD")
    s.add_argument("--add-synonyms", nargs="+", default=[], dest="add_synonyms", metavar="A,B,C",
                   help="one group per argument, words separated by commas, 、 or spaces")
    s.add_argument("--remove-synonyms", nargs="+", default=[], dest="remove_synonyms", metavar="WORD",
                   help="drop the groups holding these words")
    s.set_defaults(func=cmd_augment_dict)

    s = sub.add_parser("review", help="list, accept or reject pending (generated) similar questions")
    s.add_argument("--shop", required=True)
    g = s.add_mutually_exclusive_group()
    g.add_argument("--accept-all", action="store_true", dest="accept_all")
    g.add_argument("--reject-all", action="store_true", dest="reject_all")
    s.add_argument("--source", choices=["rules", "llm", "manual", "imported", "log"])
    s.add_argument("--question", help="only the pending items of this standard question")
    s.add_argument("--id", type=int, nargs="+", dest="ids", help="only these similar question ids")
    s.set_defaults(func=cmd_review)


# ----------------------------------------------------------------------------- augment
def cmd_augment(args) -> int:
    from ..core.augment.guard import Guard

    store, shop = open_shop(args)
    ids = None
    if args.questions:
        ids = [find_standard(store, shop, q).id for q in args.questions]
    if not store.standards(shop.id):
        raise CliError(f"shop '{shop.name}' has no standard questions yet")
    if args.per_question is not None and args.per_question < 1:
        raise CliError("--per-question must be at least 1")
    settings = _llm_settings(args) if args.method == "llm" else None  # bad options fail before any work
    guard = (Guard(store, shop.id) if args.no_encoder_check
             else Guard.for_shop(store, shop.id, matcher=open_matcher(store, shop)))
    reporter = TqdmReporter()
    try:
        if args.method == "rules":
            from ..core.augment.rules import DEFAULT_PER_QUESTION, augment_rules

            summary = augment_rules(store, shop.id, standard_ids=ids, seed=args.seed, guard=guard, reporter=reporter,
                                    per_question=args.per_question or DEFAULT_PER_QUESTION)
        else:
            from ..core.augment.llm import DEFAULT_PER_QUESTION, NotConfirmed, augment_llm

            try:
                summary = augment_llm(store, shop.id, settings, standard_ids=ids, guard=guard, reporter=reporter,
                                      per_question=args.per_question or DEFAULT_PER_QUESTION,
                                      confirm=None if args.yes else _ask(shop.name))
            except NotConfirmed as exc:
                raise CliError(str(exc)) from None
    finally:
        reporter.close()
    _print_summary(summary, shop.name)
    return 0


def _llm_settings(args):
    from ..core.augment.llm import LlmSettings
    from ..core.augment.secrets import load_key

    if args.concurrency < 1 or args.batch_size < 1 or args.timeout <= 0:
        raise CliError("--concurrency, --batch-size and --timeout must be positive")
    common = dict(concurrency=args.concurrency, timeout=args.timeout, batch_size=args.batch_size)
    if args.provider:
        settings = LlmSettings.from_preset(args.provider, base_url=args.base_url, model=args.model, **common)
    elif args.base_url:
        if not args.model:
            raise CliError("--base-url needs --model")
        settings = LlmSettings(args.base_url, args.model, provider=f"custom API at {args.base_url}", **common)
    else:
        raise CliError("--method llm needs --provider NAME or --base-url URL --model NAME")
    if args.api_key_env:
        key = os.environ.get(args.api_key_env, "").strip()
        if not key:
            raise CliError(f"the environment variable {args.api_key_env} is not set")
    else:
        key = load_key(args.provider or args.base_url)
    settings.api_key = key or None
    return settings


def _ask(shop_name: str):
    def confirm(provider, base_url, n_questions, per_question) -> bool:
        question = (f"Send {n_questions} standard questions of shop '{shop_name}' to {provider} ({base_url}), "
                    f"asking for up to {per_question} paraphrases each? [y/N] ")
        if not sys.stdin or not sys.stdin.isatty():
            raise CliError(f"{question.rstrip(' [y/N]')}: add --yes to confirm (no terminal to ask on)")
        return input(question).strip().lower() in ("y", "yes")

    return confirm


def _print_summary(summary, shop_name: str) -> None:
    touched = sum(1 for q in summary.questions if q.added)
    print(f"{summary.added} pending similar questions added to {touched} of {len(summary.questions)} "
          f"standard questions ({summary.method})")
    dropped = summary.dropped
    if dropped:
        print("dropped by the guard: " + ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))
    if summary.method == "llm":
        u = summary.usage
        print(f"tokens: {u.get('prompt_tokens', 0)} prompt + {u.get('completion_tokens', 0)} completion = "
              f"{u.get('total_tokens', 0)}; {summary.requests} requests, {summary.retries} retries")
    notes = [q for q in summary.questions if q.note]
    for q in notes[:10]:
        print(f"  '{q.text}': {q.added}/{q.asked} — {q.note}", file=sys.stderr)
    if len(notes) > 10:
        print(f"  ... and {len(notes) - 10} more", file=sys.stderr)
    for failure in summary.failures[:5]:
        print(f"failed: {failure}", file=sys.stderr)
    if summary.added:
        print(f"review them: standardq review --shop {shop_name} --accept-all --source {summary.method}")


# ----------------------------------------------------------------------------- keys and lists
def cmd_augment_key(args) -> int:
    import getpass

    from ..core.augment.secrets import delete_key, mask, store_key

    name = args.provider or args.base_url
    if args.delete:
        print(f"key for {name} {'deleted' if delete_key(name) else 'was not stored'}")
        return 0
    key = getpass.getpass(f"API key for {name} (not shown): ")
    where = store_key(name, key)
    print(f"stored key {mask(key.strip())} for {name} in {where}")
    return 0


def cmd_augment_dict(args) -> int:
    from ..core.shop_settings import load_settings, parse_synonym_group, update_settings

    store, shop = open_shop(args)
    s = load_settings(store, shop.id).augment
    if args.add_entity or args.remove_entity or args.add_synonyms or args.remove_synonyms:
        s.entities = [e for e in s.entities if e not in set(args.remove_entity)] + args.add_entity
        s.synonyms = [g for g in s.synonyms if not set(g) & set(args.remove_synonyms)]
        for group in args.add_synonyms:
            words = parse_synonym_group(group)
            if len(words) < 2:
                raise CliError(f"a synonym group needs at least two words: '{group}'")
            s.synonyms.append(words)
        s = update_settings(store, shop.id, augment=s).augment
    print(f"entities: {'、'.join(s.entities) or '(none)'}")
    print("synonym groups: " + ("; ".join("/".join(g) for g in s.synonyms) or "(none; the built-in ones apply)"))
    return 0


# ----------------------------------------------------------------------------- review
def cmd_review(args) -> int:
    from ..core.augment import review

    store, shop = open_shop(args)
    sq = find_standard(store, shop, args.question) if args.question else None
    if args.accept_all or args.reject_all:
        status = "accepted" if args.accept_all else "rejected"
        n = review(store, shop.id, status, source=args.source, standard_id=sq.id if sq else None, ids=args.ids)
        print(f"{n} similar questions {status}" + ("; retrain to use them (standardq train)" if n and
                                                   status == "accepted" else ""))
        return 0
    pending = store.similars(sq.id if sq else None, shop_id=shop.id, status="pending", source=args.source)
    if args.ids:
        pending = [p for p in pending if p.id in set(args.ids)]
    texts = {q.id: q.text for q in store.standards(shop.id)}
    current = None
    for p in pending:
        if p.standard_id != current:
            current = p.standard_id
            print(texts.get(current, "?"))
        print(f"\t{p.id}\t{p.text}\t({p.source})")
    print(f"{len(pending)} pending", file=sys.stderr)
    return 0
