"""The second-factor pages: enter a code before the admin site, enrol an authenticator."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import totp_device_confirm, totp_device_start


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("admin:index")


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask an enrolled administrator for the code their authenticator shows."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None or request.user.is_verified():
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            error = "验证码错误次数过多，请稍候再试"
        elif device.verify_token(request.POST.get("token", "").strip()):
            otp_login(request, device)
            return redirect(_next(request))
        else:
            error = "验证码不正确"
    return render(request, "accounts/otp_verify.html", {"error": error, "next": _next(request)})


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Let an administrator add an authenticator: scan the code, then type its first number."""
    if not request.user.is_staff:
        raise PermissionDenied("只有管理员需要启用两步验证")
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return render(request, "accounts/otp_enrol.html", {"enrolled": True})
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    error = ""
    if request.method == "POST" and device is not None:
        try:
            device = totp_device_confirm(
                device=device, token=request.POST.get("token", ""), actor=request.user
            )
        except ValidationError as refusal:
            error = "；".join(refusal.messages)
        else:
            otp_login(request, device)
            messages.success(request, "两步验证已启用，之后进入管理后台时需输入验证码")
            return redirect("admin:index")
    if device is None:
        device = totp_device_start(user=request.user, actor=request.user)
    uri = device.config_url
    context = {
        "enrolled": False,
        "uri": uri,
        "secret": uri.split("secret=", 1)[1].split("&", 1)[0],
        "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        "error": error,
    }
    return render(request, "accounts/otp_enrol.html", context)


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """The page shown once django-axes locks an account after repeated failures."""
    from django.conf import settings

    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/locked.html", context, status=429)
