"""Request and response bodies of the matching API (pydantic; they make the OpenAPI page at /docs)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT_CHARS = 1000  # longer texts get 413: no consumer question is that long
MAX_BATCH_TEXTS = 256
MAX_TOP_K = 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class QueryRequest(_Strict):
    text: str = Field(description="the consumer's message")
    top_k: int = Field(3, ge=1, le=MAX_TOP_K, description="how many standard questions to return")
    channel: str | None = Field(None, max_length=64, description="where the message came from (logged)")
    session_id: str | None = Field(None, max_length=128, description="the chat session (logged)")


class BatchRequest(_Strict):
    texts: list[str] = Field(min_length=1, max_length=MAX_BATCH_TEXTS)
    top_k: int = Field(3, ge=1, le=MAX_TOP_K)
    channel: str | None = Field(None, max_length=64)
    session_id: str | None = Field(None, max_length=128)


class MatchOut(BaseModel):
    id: int
    standard_question: str
    category: str
    answer: str
    score: float


class OfftopicOut(BaseModel):
    text: str
    score: float
    own: bool = Field(description="marked as matching nothing by the shop (else: built in)")


class QueryResponse(BaseModel):
    query_id: str = Field(description="quote it in /feedback")
    decision: Literal["answer", "suggest", "no_match"]
    matches: list[MatchOut]
    twin: bool = Field(description="the top two share a similar question: suggested, never answered")
    offtopic: OfftopicOut | None = Field(None, description="the nearest known off-topic message")
    model_version: int | None
    latency_ms: float = Field(description="server time for this request")
    cached: bool


class BatchResponse(BaseModel):
    results: list[QueryResponse]


class FeedbackRequest(_Strict):
    query_id: str = Field(max_length=64)
    helpful: bool | None = Field(None, description="did the answer help")
    chosen_id: int | None = Field(None, description="the standard question that was right")


class ShopOut(BaseModel):
    id: int
    name: str
    model_version: int | None
    standard_questions: int


class RasaParseRequest(BaseModel):
    text: str
    message_id: str | None = None


class DifyRetrievalSetting(BaseModel):
    top_k: int = Field(ge=1, le=MAX_TOP_K)
    score_threshold: float = 0.0


class DifyRetrievalRequest(BaseModel):
    knowledge_id: str
    query: str
    retrieval_setting: DifyRetrievalSetting
    metadata_condition: dict | None = None
