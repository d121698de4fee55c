"""The FastAPI application: endpoints, bearer-token auth, JSON errors, and the two shims.

Endpoints are plain `def`s: FastAPI runs them on its thread pool, where they wait on the shop's
batcher (shop_runtime.py) without holding up the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import threading
import time
from collections import deque
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .. import __version__
from ..core.masking import mask
from ..core.matcher import NoModelError, QueryResult
from ..core.querylog import QueryLog, QueryLogWriter, new_query_id, row_for
from ..core.store import NotFoundError, Store
from .schemas import (MAX_TEXT_CHARS, BatchRequest, BatchResponse, DifyRetrievalRequest, FeedbackRequest,
                      QueryRequest, QueryResponse, RasaParseRequest, ShopOut)
from .shop_runtime import RESULT_TIMEOUT_S, FixedSource, ShopRuntime, StoreSource
from .token import same

MAX_BODY_BYTES = 1_000_000
DRAIN_BYTES = 16_000_000  # an over-limit body up to this size is read before the 413, not cut off
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
DIFY_ERRORS = {401: 1001, 403: 1002, 404: 2001}


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class StoreCatalog:
    """The shops of a data directory, each served as its store says (edits, active version)."""

    def __init__(self, home: Path, encoder_factory=None):
        self.store = Store(Path(home))
        self.encoder_factory = encoder_factory
        self._runtimes: dict[int, ShopRuntime] = {}
        self._lock = threading.Lock()

    def shop_id(self, shop: str) -> int:
        try:
            return self.store.shop(int(shop) if shop.isdigit() else shop).id
        except NotFoundError as exc:
            raise ApiError(404, str(exc)) from None

    def shops(self) -> list[dict]:
        out = []
        for shop in self.store.shops():
            version = self.store.active_version(shop.id)
            out.append({"id": shop.id, "name": shop.name, "model_version": version.id if version else None,
                        "standard_questions": len(self.store.standard_lookup(shop.id))})
        return out

    def runtime(self, shop_id: int) -> ShopRuntime:
        with self._lock:
            runtime = self._runtimes.get(shop_id)
            if runtime is None:
                source = StoreSource(self.store, shop_id, self.encoder_factory)
                runtime = self._runtimes[shop_id] = ShopRuntime(source, f"shop-{shop_id}")
            return runtime

    def is_standard_of(self, shop_id: int, standard_id: int) -> bool:
        try:
            return self.store.standard(standard_id).shop_id == shop_id
        except NotFoundError:
            return False

    def close(self) -> None:
        for runtime in self._runtimes.values():
            runtime.close()
        self.store.close()


class BundleCatalog:
    """One read-only model bundle (`standardq export-model`): nothing in it changes while serving."""

    def __init__(self, folder: Path, encoder_factory=None):
        from ..core.model_bundle import BundleMatcher

        self.matcher = BundleMatcher(folder, encoder_factory)
        shop = self.matcher.manifest["shop"]
        self.id, self.name = shop["id"], shop["name"]
        self._runtime = ShopRuntime(FixedSource(self.matcher), f"bundle-{self.id}")

    def shop_id(self, shop: str) -> int:
        if shop not in (self.name, str(self.id)):
            raise ApiError(404, f"no shop named '{shop}' (this server serves the bundle of '{self.name}')")
        return self.id

    def shops(self) -> list[dict]:
        return [{"id": self.id, "name": self.name, "model_version": self.matcher.version.id,
                 "standard_questions": len(self.matcher._lookup)}]

    def runtime(self, shop_id: int) -> ShopRuntime:
        return self._runtime

    def is_standard_of(self, shop_id: int, standard_id: int) -> bool:
        return standard_id in self.matcher._lookup

    def close(self) -> None:
        self._runtime.close()


class Service:
    """What the endpoints share: the shops (a data directory or a bundle), the log writer, counters."""

    def __init__(self, catalog: StoreCatalog | BundleCatalog, token: str, *, log_db: Path, mask_log: bool = True):
        self.catalog = catalog
        self.token = token
        self.mask_log = mask_log
        self.writer = QueryLogWriter(log_db)
        self._log = QueryLog(log_db)  # feedback updates, from request threads
        self._log_lock = threading.Lock()
        self.requests: deque[float] = deque(maxlen=100_000)
        self.total_requests = 0
        self.last_error = ""
        self._closed = False

    def close(self) -> None:
        """Idempotent: called by the app's shutdown and again by serve() on the way out."""
        if self._closed:
            return
        self._closed = True
        self.catalog.close()
        self.writer.close()
        self._log.close()

    def shop_id(self, shop: str) -> int:
        return self.catalog.shop_id(shop)

    async def ask(self, shop_id: int, texts: list[str], top_k: int, *, channel=None, session=None) -> list[dict]:
        """Answers in order. Runs on the event loop: a cache hit never leaves it, the others wait
        for the shop's batcher without holding a thread."""
        t0 = time.perf_counter()
        texts = [clean(t) for t in texts]
        try:
            futures = self.catalog.runtime(shop_id).submit(texts, top_k)
            answers = [f.result() if f.done() else await asyncio.wait_for(asyncio.wrap_future(f), RESULT_TIMEOUT_S)
                       for f in futures]
        except NoModelError as exc:
            raise ApiError(409, str(exc)) from None
        except asyncio.TimeoutError:
            raise ApiError(503, "the model did not answer in time; try again") from None
        latency = (time.perf_counter() - t0) * 1000
        out = []
        for text, (result, cached) in zip(texts, answers):
            query_id = new_query_id()
            self.writer.submit(row_for(
                query_id=query_id, shop_id=shop_id, text=mask(text) if self.mask_log else text,
                decision=result.decision, matches=[(m.id, m.score) for m in result.matches],
                model_version=result.model_version, latency_ms=latency, channel=channel, session=session,
                cached=cached))
            out.append(response(query_id, result, latency, cached))
        self.requests.append(time.time())
        self.total_requests += 1
        return out

    def feedback(self, shop_id: int, body: FeedbackRequest) -> None:
        if body.helpful is None and body.chosen_id is None:
            raise ApiError(422, "say whether the answer helped (helpful) or which standard question was right (chosen_id)")
        if body.chosen_id is not None and not self.catalog.is_standard_of(shop_id, body.chosen_id):
            raise ApiError(422, f"standard question {body.chosen_id} is not one of this shop's")
        self.writer.flush()  # the query may still be on its way to the file
        with self._log_lock:
            found = self._log.feedback(body.query_id, helpful=body.helpful, chosen_id=body.chosen_id)
        if not found:
            raise ApiError(404, f"no logged query {body.query_id}")

    def requests_per_minute(self) -> int:
        cutoff = time.time() - 60
        return sum(1 for _ in itertools.takewhile(lambda t: t >= cutoff, reversed(self.requests)))


def clean(text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise ApiError(413, f"the text has {len(text)} characters; at most {MAX_TEXT_CHARS} are accepted")
    text = _CONTROL.sub(" ", text).strip()
    if not text:
        raise ApiError(422, "the text is empty")
    return text


def response(query_id: str, result: QueryResult, latency_ms: float, cached: bool) -> dict:
    return {"query_id": query_id, "decision": result.decision,
            "matches": [m.__dict__ for m in result.matches], "twin": result.twin,
            "offtopic": result.offtopic,
            "model_version": result.model_version, "latency_ms": round(latency_ms, 3), "cached": cached}


class BodyLimit:
    """413 for a declared body over MAX_BODY_BYTES, before it is read (a plain ASGI middleware:
    Starlette's BaseHTTPMiddleware costs a task and two streams per request)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            size = dict(scope["headers"]).get(b"content-length", b"")
            if size.isdigit() and int(size) > MAX_BODY_BYTES:
                if int(size) <= DRAIN_BYTES:  # read and drop it: a client still sending would get a broken pipe
                    while (await receive()).get("more_body"):
                        pass
                message = f"the request body is over {MAX_BODY_BYTES} bytes"
                response = JSONResponse({"error": message, "status": 413}, status_code=413)
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def create_app(service: Service) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        # Here, not after server.run(): on SIGTERM uvicorn re-raises the signal once it has shut
        # down, and the default handler would end the process before queued log rows are written.
        service.close()

    app = FastAPI(title="StandardQ matching API", version=__version__, lifespan=lifespan,
                  description="Match consumer questions to a shop's standard questions. "
                              "Every endpoint but /health needs `Authorization: Bearer <token>` "
                              "(`standardq serve --show-token`).")
    app.state.service = service

    app.add_middleware(BodyLimit)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        if exc.status >= 500 or exc.status == 409:
            service.last_error = exc.message
        return error(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return error(request, 422, "; ".join(parts) or "malformed request")

    async def auth(request: Request) -> None:
        header = request.headers.get("authorization", "")
        given = header[7:].strip() if header[:7].lower() == "bearer " else request.query_params.get("token")
        if not same(given, service.token):
            raise ApiError(401, "missing or wrong API token (Authorization: Bearer <token>; "
                                "see `standardq serve --show-token`)")

    @app.get("/health", tags=["service"])
    def health():
        return {"status": "ok", "version": __version__}

    @app.get("/v1/shops", response_model=list[ShopOut], dependencies=[Depends(auth)], tags=["service"])
    def shops():
        return service.catalog.shops()

    @app.post("/v1/shops/{shop}/query", response_model=QueryResponse, dependencies=[Depends(auth)],
              tags=["matching"])
    async def query(shop: str, body: QueryRequest):
        sid = service.shop_id(shop)
        # returned as a response: the schema documents it, re-validating our own dict would cost time
        return JSONResponse((await service.ask(sid, [body.text], body.top_k, channel=body.channel,
                                               session=body.session_id))[0])

    @app.post("/v1/shops/{shop}/queries", response_model=BatchResponse, dependencies=[Depends(auth)],
              tags=["matching"])
    async def queries(shop: str, body: BatchRequest):
        sid = service.shop_id(shop)
        return JSONResponse({"results": await service.ask(sid, body.texts, body.top_k, channel=body.channel,
                                                          session=body.session_id)})

    @app.post("/v1/shops/{shop}/feedback", dependencies=[Depends(auth)], tags=["matching"])
    def feedback(shop: str, body: FeedbackRequest):
        service.feedback(service.shop_id(shop), body)
        return {"ok": True}

    @app.post("/model/parse", dependencies=[Depends(auth)], tags=["compatibility"])
    async def rasa_parse(body: RasaParseRequest, shop: str | None = None):
        """Rasa's NLU endpoint: the intent is the standard question (`nlu_fallback` unless answered).
        The shop: `?shop=`, or the only shop of the data directory."""
        if shop is None:
            names = [s["name"] for s in service.catalog.shops()]
            if len(names) != 1:
                raise ApiError(422, f"several shops ({', '.join(names)}): say which with ?shop=")
            shop = names[0]
        result = (await service.ask(service.shop_id(shop), [body.text], 10, channel="rasa"))[0]
        ranking = [{"id": m["id"], "name": m["standard_question"], "confidence": m["score"]}
                   for m in result["matches"]]
        top = ranking[0] if ranking else {"id": None, "name": None, "confidence": 0.0}
        intent = top if result["decision"] == "answer" else {"id": None, "name": "nlu_fallback",
                                                             "confidence": top["confidence"]}
        return {"text": body.text, "intent": intent, "intent_ranking": ranking, "entities": [],
                "query_id": result["query_id"], "decision": result["decision"]}

    @app.post("/retrieval", dependencies=[Depends(auth)], tags=["compatibility"])
    async def dify_retrieval(body: DifyRetrievalRequest):
        """Dify's external knowledge API: `knowledge_id` is the shop (name or id)."""
        setting = body.retrieval_setting
        result = (await service.ask(service.shop_id(body.knowledge_id), [body.query], setting.top_k,
                                    channel="dify"))[0]
        records = [{"content": m["answer"] or m["standard_question"], "score": m["score"],
                    "title": m["standard_question"],
                    "metadata": {"id": m["id"], "category": m["category"], "decision": result["decision"],
                                 "query_id": result["query_id"]}}
                   for m in result["matches"] if m["score"] >= setting.score_threshold]
        return {"records": records}

    return app


def error(request: Request, status: int, message: str) -> JSONResponse:
    if request.url.path == "/retrieval":  # Dify's own error shape
        return JSONResponse({"error_code": DIFY_ERRORS.get(status, status), "error_msg": message}, status_code=status)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
