"""One error shape for everything under /api/: ``{"detail": …, "errors": […]}`` in Chinese.

The routes' own refusals come from the exception handlers in ``api.py``. What is answered
before a route is found or outside one would otherwise be a page or plain text: an unknown
address (Django's resolver: the HTML 404 page), a method the address does not take (ninja:
"Method not allowed"), a body too large, a server error (Django's HTML 500 page). This
middleware gives those the API's shape, keeping their status and headers (Allow,
WWW-Authenticate, Retry-After). The token page under /api/tokens/ is a web page and keeps
the web's error pages.
"""

import json
import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from duikou.core.observability import current_request_id

API_PREFIX = "/api/"
# Pages of the web that happen to live under /api/: their errors stay the web's pages.
WEB_PAGES = ("/api/tokens/",)
logger = logging.getLogger(__name__)


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX) and not path.startswith(WEB_PAGES)


def error_response(status: int, detail: str, errors: list | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "errors": errors or []},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def server_error(request: HttpRequest, exc: BaseException) -> JsonResponse:
    """500 for an exception no handler knows: logged with its traceback under the request's
    id; the client hears only that it failed and the id to quote, never the traceback."""
    request_id = getattr(request, "request_id", "") or current_request_id() or "-"
    logger.error(
        "接口请求出错：%s %s",
        request.method,
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500},
    )
    return error_response(500, _server_error_detail(request_id))


def _server_error_detail(request_id: str) -> str:
    return (
        f"服务器内部错误，已记录（请求编号 {request_id}）。"
        "请稍后重试；如仍出错，请把请求编号告知管理员"
    )


def _detail(request: HttpRequest, response: HttpResponse) -> str:
    status = response.status_code
    path = request.path
    if status == 404:
        return f"接口地址“{path}”不存在，请对照接口文档（/api/v1/openapi.json）"
    if status == 405:
        allowed = "、".join(_allowed(response)) or "无"
        return f"接口地址“{path}”不支持 {request.method} 方法，可用的方法：{allowed}"
    if status == 413:
        return "请求体过大"
    if status == 400:
        refused = getattr(request, "_api_refused", None)
        if isinstance(refused, RequestDataTooBig):
            return "请求体超过上限，请分批提交或上传文件"
        if isinstance(refused, TooManyFieldsSent | TooManyFilesSent):
            return "提交的字段或文件过多，请分批提交"
        return "请求有误，无法读取"
    if status == 403:
        return "无权进行此操作"
    if status >= 500:
        if status in (502, 503, 504):
            return "服务暂时不可用，请稍后重试"
        return _server_error_detail(getattr(request, "request_id", "") or "-")
    return f"请求未能处理（HTTP {status}）"


def _allowed(response: HttpResponse) -> list[str]:
    methods = {m.strip().upper() for m in response.get("Allow", "").split(",") if m.strip()}
    return sorted(methods)


def _is_json(response: HttpResponse) -> bool:
    media = response.get("Content-Type", "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class ApiErrorMiddleware:
    """Turns a non-JSON error answer under /api/ into the API's error shape.

    Sits just inside the request-id middleware, so its answers carry X-Request-ID and the
    log records of a failed request carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_path(request.path):
            return response
        if _is_json(response) and not response.streaming and _has_detail(response):
            return response
        shaped = error_response(response.status_code, _detail(request, response))
        for header, value in response.items():
            if header.lower() not in ("content-type", "content-length"):
                shaped[header] = value
        if response.status_code == 405:
            shaped["Allow"] = ", ".join(_allowed(response))
        shaped.cookies = response.cookies
        return shaped

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Django answers the exception (400 for a body it cannot read); the answer's message
        # is chosen from it above.
        if is_api_path(request.path):
            request._api_refused = exception


def _has_detail(response: HttpResponse) -> bool:
    """A JSON error already in the API's shape (the routes' own answers) is left as it is."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("detail"), str)
