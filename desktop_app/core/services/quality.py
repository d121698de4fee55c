"""How good a shop's model and data are: the evaluation report and the data doctor."""

from __future__ import annotations

from pathlib import Path

from ..doctor import examine_shop
from ..io_formats import read_batch_file
from ..matcher import Matcher
from ..normalize import normalize_text
from ..report import Questions, base_encoder_for, build_report
from ..reporter import NULL, Reporter
from ..store import ModelVersion, Store, ValidationError


def evaluate_version(store: Store, shop_id: int, version: ModelVersion | None = None, *,
                     extra_questions: Questions | None = None, reporter: Reporter = NULL,
                     encoder_factory=None) -> dict:
    """The report of `version` (default: the active one) against the shop's current questions,
    with the untuned base encoder side by side for a fine-tuned version. Nothing is stored."""
    if version is None:
        matcher = Matcher.open(store, shop_id, encoder_factory=encoder_factory)
        version = matcher.version
    else:
        matcher = Matcher(store, shop_id, version, encoder_factory=encoder_factory)
    base = base_encoder_for(version, reporter, encoder_factory) if version.loss != "none" else None
    return build_report(store, shop_id, version, matcher, base_encoder=base, reporter=reporter,
                        extra_questions=extra_questions)


run_doctor = examine_shop  # the data doctor: (findings, whether a model took part)


def labelled_questions(store: Store, shop_id: int, path) -> Questions:
    """A labelled test file (query / expected columns) as report questions; an empty expected cell
    is a question that must match nothing. Raises ValidationError naming the row."""
    shop = store.shop(shop_id)
    queries, expected = read_batch_file(path)
    if expected is None:
        raise ValidationError(f"{path} has no expected column: the right standard question is needed per line "
                              "(an empty cell for a question that must match nothing)")
    questions = Questions(origin=f"file {path}")
    for row, (text, exp) in enumerate(zip(queries, expected), 2):
        sid = None
        if exp:
            sq = store.find_standard(shop_id, exp)
            if sq is None:
                raise ValidationError(f"{Path(path)}, row {row}, column expected: no standard question '{exp}' "
                                      f"in shop '{shop.name}'")
            sid = sq.id
        questions.add(normalize_text(text), sid)
    return questions
