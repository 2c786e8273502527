"""The admin site's second factor: an administrator who enrolled a TOTP device proves it."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .selectors import needs_second_factor


class AdminSecondFactorMiddleware:
    """Send staff with a confirmed TOTP device to the code page before any admin page opens.

    Runs after django_otp's OTPMiddleware, which marks a session as verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_prefix = reverse("admin:index")
        if request.path.startswith(admin_prefix) and needs_second_factor(request.user):
            target = (
                reverse("accounts:otp_verify") + "?" + urlencode({"next": request.get_full_path()})
            )
            return HttpResponseRedirect(target)
        return self.get_response(request)
