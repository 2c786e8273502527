from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken


def api_token_list_for_user(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def get_api_token_for_user(*, user, pk: int) -> ApiToken:
    token = api_token_list_for_user(user=user).filter(pk=pk).first()
    if token is None:
        raise Http404("令牌不存在")
    return token
