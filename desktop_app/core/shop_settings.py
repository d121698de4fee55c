"""A shop's settings: one validated object, read and written only through this module.

Stored as JSON in the shop's row (`Store.shop_settings`), sparsely: a default is not written.

- `base_model`: the encoder the shop's untuned version uses and retrains start from ("" or
  absent: the bundled default);
- `train`: sparse TrainConfig overrides from the training settings;
- `thresholds`: the operator's own answer / suggest / margin, over the calibrated ones;
- `augment`: the rule generator's entity list and synonym groups.

The training overrides are checked as a TrainConfig when they are written; stored ones that no
longer validate (hand-edited, or from an older version) still load, so the settings dialog can
show the problem, and `train_config()` raises it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .config import TrainConfig
from .encoders import DEFAULT_BASE_MODEL

THRESHOLD_KEYS = ("answer", "suggest", "margin")


@dataclass
class AugmentSettings:
    """The rule generator's shop lists: entities, and synonym groups of two or more words."""

    entities: list[str] = field(default_factory=list)
    synonyms: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.entities, list) or not all(isinstance(e, str) for e in self.entities):
            raise ValueError("augment entities must be a list of words")
        if not isinstance(self.synonyms, list) or not all(
                isinstance(g, list) and all(isinstance(w, str) for w in g) for g in self.synonyms):
            raise ValueError("augment synonyms must be a list of word lists")

    def cleaned(self) -> "AugmentSettings":
        """Words stripped, duplicates and empty words dropped, groups of one left out (they substitute
        nothing)."""
        entities = list(dict.fromkeys(e.strip() for e in self.entities if e and e.strip()))
        groups = [g for g in (list(dict.fromkeys(w.strip() for w in g if w and w.strip())) for g in self.synonyms)
                  if len(g) >= 2]
        return AugmentSettings(entities, groups)

    def to_dict(self) -> dict:
        return {"entities": list(self.entities), "synonyms": [list(g) for g in self.synonyms]}

    @classmethod
    def from_dict(cls, data: dict) -> "AugmentSettings":
        _reject_unknown(data, ("entities", "synonyms"), "augment settings")
        return cls(list(data.get("entities") or []), [list(g) for g in data.get("synonyms") or []])

    # The rule generator's callers read and write the lists alone.
    @classmethod
    def load(cls, store, shop_id: int) -> "AugmentSettings":
        return load_settings(store, shop_id).augment

    def save(self, store, shop_id: int) -> None:
        saved = update_settings(store, shop_id, augment=self).augment
        self.entities, self.synonyms = saved.entities, saved.synonyms


@dataclass
class ShopSettings:
    base_model: str = ""
    train: dict = field(default_factory=dict)
    thresholds: dict = field(default_factory=dict)
    augment: AugmentSettings = field(default_factory=AugmentSettings)

    def __post_init__(self) -> None:
        if not isinstance(self.base_model, str):
            raise ValueError(f"base_model must be text, got {self.base_model!r}")
        self.base_model = self.base_model.strip()
        if not isinstance(self.train, dict):
            raise ValueError("the training settings must be a mapping")
        if not isinstance(self.thresholds, dict):
            raise ValueError("the thresholds must be a mapping")
        for key, value in self.thresholds.items():
            if key not in THRESHOLD_KEYS:
                raise ValueError(f"unknown threshold '{key}'")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1.0 <= float(value) <= 1.0:
                raise ValueError(f"the {key} threshold is a cosine similarity: between -1 and 1, got {value}")
        if self.thresholds.get("suggest", -2) > self.thresholds.get("answer", 2):
            raise ValueError("the suggest threshold must not be above the answer threshold")
        self.thresholds = {k: float(v) for k, v in self.thresholds.items()}
        if isinstance(self.augment, dict):
            self.augment = AugmentSettings.from_dict(self.augment)
        self.augment = self.augment.cleaned()

    @property
    def effective_base_model(self) -> str:
        """The base model in force: the shop's, else the bundled default."""
        return self.base_model or DEFAULT_BASE_MODEL

    def train_config(self, **options) -> TrainConfig:
        """The TrainConfig of a retrain: defaults, the shop's base model, its overrides, then
        `options`. ValueError, with a message fit for the operator, when they do not validate."""
        try:
            return TrainConfig.from_dict({"base_model": self.effective_base_model, **self.train, **options})
        except TypeError as exc:  # a stored value of the wrong type
            raise ValueError(str(exc)) from None

    def to_dict(self) -> dict:
        out: dict = {}
        if self.base_model:
            out["base_model"] = self.base_model
        if self.train:
            out["train"] = dict(self.train)
        if self.thresholds:
            out["thresholds"] = dict(self.thresholds)
        if self.augment.entities or self.augment.synonyms:
            out["augment"] = self.augment.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "ShopSettings":
        _reject_unknown(data, ("base_model", "train", "thresholds", "augment"), "shop settings")
        return cls(base_model=data.get("base_model") or "", train=dict(data.get("train") or {}),
                   thresholds=dict(data.get("thresholds") or {}),
                   augment=AugmentSettings.from_dict(data.get("augment") or {}))


def _reject_unknown(data: dict, known: tuple[str, ...], what: str) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"the {what} must be a mapping")
    unknown = set(data) - set(known)
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(sorted(unknown))}")


def load_settings(store, shop_id: int) -> ShopSettings:
    return ShopSettings.from_dict(store.shop_settings(shop_id))


def update_settings(store, shop_id: int, **changes) -> ShopSettings:
    """The one write path: apply `changes` (fields of ShopSettings), validate, store, return.

    Changed training overrides must make a valid TrainConfig; nothing is written otherwise."""
    current = load_settings(store, shop_id)
    updated = replace(current, **changes)
    if "train" in changes or "base_model" in changes and updated.train:
        updated.train_config()
    store.set_shop_settings(shop_id, updated.to_dict())
    return updated


def set_thresholds(store, shop_id: int, **values: float | None) -> dict:
    """Set (a float) or clear (None) the operator's answer / suggest / margin; returns them all."""
    unknown = set(values) - set(THRESHOLD_KEYS)
    if unknown:
        raise ValueError(f"unknown threshold '{sorted(unknown)[0]}'")
    thresholds = dict(load_settings(store, shop_id).thresholds)
    for key, value in values.items():
        if value is None:
            thresholds.pop(key, None)
        else:
            thresholds[key] = float(value)
    return update_settings(store, shop_id, thresholds=thresholds).thresholds


_GROUP_SEPARATORS = re.compile(r"[,，、;；\s]+")
_LIST_SEPARATORS = re.compile(r"[\n、,，;；]+")


def parse_synonym_group(text: str) -> list[str]:
    """One synonym group: words separated by commas (, ，), 、, semicolons or spaces."""
    return [w for w in _GROUP_SEPARATORS.split(text) if w]


def parse_synonym_groups(text: str) -> list[list[str]]:
    """One group per line."""
    return [g for g in map(parse_synonym_group, text.splitlines()) if g]


def parse_entities(text: str) -> list[str]:
    """One per line; 、 , ， ; ； also separate (operators paste lists both ways)."""
    return [w.strip() for w in _LIST_SEPARATORS.split(text) if w.strip()]
