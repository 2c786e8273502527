from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string

FORM = "application/x-www-form-urlencoded"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page. Unlike Django's own, it does not run the CSRF check again: that check
    reads the form body, and a body that could not be read the first time (declared in a
    charset other than UTF-8, too many fields, too large) raised again and turned the 400
    into a 500. Rendered without the request, for the same reason."""
    message = ""
    if isinstance(exception, RequestDataTooBig):
        message = "提交的数据超过上限，请分批提交或上传文件"
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = "提交的字段或文件过多，请分批提交"
    elif request.content_type == FORM and request.encoding not in (None, "utf-8"):
        message = f"表单须以 UTF-8 编码提交，本次请求声明的编码是“{request.encoding[:40]}”"
    body = render_to_string("core/bad_request.html", {"message": message})
    return HttpResponseBadRequest(body)
